package io.vigil.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The Numenta Anomaly Benchmark score (Lavin &amp; Ahmad 2015), reproduced from NAB's scoring code:
 * {@code nab/sweeper.py} ({@code scaledSigmoid}, {@code Sweeper.calcSweepScore}, {@code
 * calcScoreByThreshold}, {@code scoreDataSet}), {@code nab/util.py} ({@code getProbationPeriod})
 * and {@code nab/runner.py} ({@code Runner.normalize}). Threshold sweeping is in {@link
 * NabSweeper}.
 *
 * <h2>Rules, with the NAB function each follows</h2>
 *
 * <ol>
 *   <li><b>Detections.</b> A row alerts when {@code score >= threshold} ({@code
 *       calcScoreByThreshold} counts every row down to and including the current threshold).
 *   <li><b>Probation</b> ({@code Sweeper._getProbationaryLength}, {@code util.getProbationPeriod}):
 *       the first {@code min(floor(0.15 * rows), 0.15 * 5000)} rows of each file, i.e. at most 750,
 *       are probationary. Their alerts count for nothing, and a window all of whose rows are
 *       probationary is neither credited nor penalized ({@code prepAnomalyListForScoring} drops
 *       those rows before {@code _prepareScoreByThresholdParts} lists the windows).
 *   <li><b>Scaled sigmoid</b> ({@code scaledSigmoid}): {@code S(y) = 2 / (1 + exp(5y)) - 1} (that
 *       is {@code 2 * sigmoid(-5y) - 1}), except {@code S(y) = -1} when {@code y > 3}. {@code S(-1)
 *       = 0.98661}, {@code S(0) = 0}, {@code S(1) = -0.98661}.
 *   <li><b>Row inside a window</b> ({@code calcSweepScore}): with the window's rows at indices
 *       {@code l..r} and width {@code w = r - l + 1}, row {@code i} has position {@code y = -(r - i
 *       + 1) / w} (so {@code -1} at the first row, {@code -1/w} at the last) and would earn {@code
 *       tpWeight * S(y) / S(-1)}: exactly {@code tpWeight} at the first row.
 *   <li><b>Window credit</b> ({@code calcScoreByThreshold}): each scorable window starts at {@code
 *       -fnWeight} (a miss) and takes the maximum of that and the credits of its alerting rows; as
 *       credit falls along the window this is the credit of its first non-probationary alert.
 *       Later alerts in the same window add nothing.
 *   <li><b>Row outside every window</b> ({@code calcSweepScore}): before the first window the
 *       unweighted value is {@code -1} (full penalty); after a window whose last row is {@code r}
 *       and width {@code w}, it is {@code S(|r - i| / (w - 1))}, from near 0 just after the
 *       window down to {@code -1} beyond three widths. An alert there adds {@code fpWeight} times
 *       that value (every alerting row counts, not only the first of a run). For {@code w = 1}
 *       the sweeper would divide by zero; this class follows the pre-sweeper {@code
 *       nab/scorer.py} ({@code Scorer.getScore}), which scores FPs after a one-row window at
 *       position {@code 2.0}.
 *   <li><b>True negatives</b> contribute 0 (no TN term in either scorer).
 *   <li><b>File and corpus score</b>: the sum of window credits and FP penalties; a corpus score
 *       is the sum over its files ({@code optimizeThreshold} pools all files' rows into one
 *       {@code calcScoreByThreshold}).
 *   <li><b>Normalization</b> ({@code Runner.normalize}): {@code 100 * (raw - null) / (perfect -
 *       null)}. {@code null} is the score of the detector that never alerts, {@code -fnWeight} per
 *       scorable window (NAB reads it from its null detector's results: a constant score whose
 *       optimized threshold never alerts, since alerting on every row costs far more). NAB takes {@code perfect = tpWeight * (number of windows)}; here it is
 *       computed by this scorer for the detector that alerts exactly at the first scorable row of
 *       every scorable window. Both agree whenever no window starts inside the probationary
 *       period (and then the perfect detector alerts at each window's first row); when one does,
 *       this form keeps 100 attainable and the window out of both baselines alike.
 * </ol>
 *
 * <h2>Where this generalizes NAB</h2>
 *
 * NAB locates a window by exact row timestamps ({@code timestamps.index(...)}). Here a window's
 * rows are the rows whose timestamps fall inside {@code [start, end]}, which is the same when the
 * limits are row timestamps, as in NAB's label files; windows are made canonical first (sorted,
 * overlaps merged) and windows without rows are ignored (see {@link ScoredSeries}). NAB's {@code
 * scoreDataSet} finds no score for a threshold below every score of a file; here every threshold
 * has one ({@code score >= threshold} on every row).
 */
public final class NabScorer {

  /** Share of each file that is probationary ({@code probationPercent} in NAB). */
  public static final double PROBATION_PERCENT = 0.15;

  /**
   * The threshold that no score reaches: NAB's starting threshold in {@code calcScoreByThreshold},
   * reported when never alerting scores best.
   */
  public static final double NO_ALERT_THRESHOLD = 1.1;

  private NabScorer() {}

  /**
   * NAB's {@code scaledSigmoid}: {@code 2 / (1 + exp(5 * position)) - 1}, and {@code -1} for
   * positions beyond 3.
   */
  public static double scaledSigmoid(double position) {
    if (position > 3.0) {
      return -1.0;
    }
    return 2.0 * (1.0 / (1.0 + Math.exp(5.0 * position))) - 1.0;
  }

  /**
   * Number of probationary rows of a file: {@code min(floor(0.15 * rows), 0.15 * 5000)}, the same
   * floating-point expression as NAB's {@code getProbationPeriod}; rows with index {@code i} such
   * that {@code i < } that value are probationary.
   */
  public static int probationaryLength(int rows) {
    double limit = Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
    return (int) Math.ceil(limit);
  }

  /** NAB score of one file at a given threshold. */
  public static NabScore score(ScoredSeries file, NabProfile profile, double threshold) {
    return scoreCorpus(List.of(file), profile, threshold, false);
  }

  /** NAB score of a corpus (the sum over its files) at one threshold for all files. */
  public static NabScore scoreCorpus(
      List<ScoredSeries> files, NabProfile profile, double threshold) {
    return scoreCorpus(files, profile, threshold, false);
  }

  static NabScore scoreCorpus(
      List<ScoredSeries> files, NabProfile profile, double threshold, boolean swept) {
    double raw = 0;
    double nullScore = 0;
    double perfect = 0;
    for (ScoredSeries file : files) {
      Geometry g = Geometry.of(file);
      raw += g.rawScore(file, profile, threshold);
      nullScore += -profile.fnWeight() * g.scorableWindows;
      perfect += g.perfectScore(profile);
    }
    return NabScore.of(profile.name(), threshold, swept, raw, nullScore, perfect);
  }

  /**
   * The per-row NAB geometry of one file, independent of profile and threshold: which window a
   * row is in, and the unweighted value an alert on it would score ({@code S(y) / S(-1)} inside a
   * window, {@code S(y)} or {@code -1} outside), as {@code calcSweepScore} computes it.
   */
  static final class Geometry {
    final int probation;
    /** Scored-window index of each row, or -1 outside every window. */
    final int[] windowOfRow;
    /** Unweighted value of an alert on each row: multiply by tpWeight inside, fpWeight outside. */
    final double[] unit;
    /** Per scored window: its first non-probationary row, or -1 if it has none. */
    final int[] firstScorableRow;
    final int scorableWindows;

    private Geometry(int probation, int[] windowOfRow, double[] unit, int[] firstScorableRow) {
      this.probation = probation;
      this.windowOfRow = windowOfRow;
      this.unit = unit;
      this.firstScorableRow = firstScorableRow;
      int scorable = 0;
      for (int row : firstScorableRow) {
        scorable += row >= 0 ? 1 : 0;
      }
      this.scorableWindows = scorable;
    }

    static Geometry of(ScoredSeries file) {
      int n = file.rows();
      int windows = file.scoredWindows().size();
      int probation = probationaryLength(n);
      int[] windowOfRow = new int[n];
      Arrays.fill(windowOfRow, -1);
      double[] unit = new double[n];
      double maxTp = scaledSigmoid(-1.0);

      int k = 0; // first window that does not end before row i
      int prevLast = -1; // last row of the closest window ending before row i
      int prevWidth = 0;
      for (int i = 0; i < n; i++) {
        while (k < windows && file.windowLastRow(k) < i) {
          prevLast = file.windowLastRow(k);
          prevWidth = prevLast - file.windowFirstRow(k) + 1;
          k++;
        }
        if (k < windows && file.windowFirstRow(k) <= i) {
          int last = file.windowLastRow(k);
          double width = last - file.windowFirstRow(k) + 1;
          unit[i] = scaledSigmoid(-(last - i + 1) / width) / maxTp;
          windowOfRow[i] = k;
        } else if (prevLast < 0) {
          unit[i] = -1.0; // no preceding window: as if very far from any
        } else if (prevWidth == 1) {
          unit[i] = scaledSigmoid(2.0); // pre-sweeper scorer.py rule for one-row windows
        } else {
          unit[i] = scaledSigmoid(Math.abs(prevLast - i) / (double) (prevWidth - 1));
        }
      }

      int[] firstScorable = new int[windows];
      for (int w = 0; w < windows; w++) {
        int first = Math.max(file.windowFirstRow(w), probation);
        firstScorable[w] = first <= file.windowLastRow(w) ? first : -1;
      }
      return new Geometry(probation, windowOfRow, unit, firstScorable);
    }

    double rawScore(ScoredSeries file, NabProfile profile, double threshold) {
      double[] part = new double[firstScorableRow.length];
      Arrays.fill(part, -profile.fnWeight());
      double fp = 0;
      for (int i = probation; i < file.rows(); i++) {
        if (file.score(i) >= threshold) {
          int w = windowOfRow[i];
          if (w >= 0) {
            part[w] = Math.max(part[w], unit[i] * profile.tpWeight());
          } else {
            fp += unit[i] * profile.fpWeight();
          }
        }
      }
      double raw = fp;
      for (int w = 0; w < part.length; w++) {
        if (firstScorableRow[w] >= 0) {
          raw += part[w];
        }
      }
      return raw;
    }

    double perfectScore(NabProfile profile) {
      double perfect = 0;
      for (int row : firstScorableRow) {
        if (row >= 0) {
          perfect += Math.max(-profile.fnWeight(), unit[row] * profile.tpWeight());
        }
      }
      return perfect;
    }
  }
}
