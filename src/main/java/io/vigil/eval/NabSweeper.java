package io.vigil.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the NAB threshold the way NAB's optimizer does: one threshold for the whole corpus,
 * taken from every distinct score value, maximizing the corpus score per profile.
 *
 * <p>Follows {@code nab/optimizer.py} {@code optimizeThreshold} (NAB 1.x: pools every file's rows
 * from {@code Sweeper.calcSweepScore}, calls {@code calcScoreByThreshold} once, keeps the best
 * score) and {@code nab/sweeper.py} {@code calcScoreByThreshold}: the non-probationary rows of all
 * files are sorted by score, descending, and walked once; each step adds the rows of the next
 * distinct score value (so the candidate threshold {@code t} means {@code score >= t}) and updates
 * the affected window credit or the FP sum, giving the corpus score at every candidate in {@code
 * O(N log N)} overall. The first candidate, before any row, is {@link
 * NabScorer#NO_ALERT_THRESHOLD} (never alert). Normalization does not change the ranking (null and
 * perfect do not depend on the threshold), so the best raw score is the best normalized score.
 *
 * <p>Ties: NAB sorts the candidates by score with Python's stable sort, so among equal scores the
 * highest threshold wins. Here a lower threshold replaces the best only if it scores more than
 * {@value #TIE_TOLERANCE} higher, so that rounding in the running sums cannot break an exact tie
 * the other way.
 *
 * <p>The reported {@link NabScore} is recomputed at the chosen threshold by {@link
 * NabScorer#scoreCorpus}, so it agrees exactly with the per-file scores at that threshold.
 */
public final class NabSweeper {

  /** Smallest improvement that makes a lower threshold preferable to a higher one. */
  public static final double TIE_TOLERANCE = 1e-9;

  private NabSweeper() {}

  /** The best corpus-wide threshold and its NAB score, for each profile, keyed by profile name. */
  public static Map<String, NabScore> sweep(List<ScoredSeries> files, List<NabProfile> profiles) {
    Pool pool = Pool.of(files);
    Map<String, NabScore> best = new LinkedHashMap<>();
    for (NabProfile profile : profiles) {
      double threshold = pool.bestThreshold(profile);
      best.put(profile.name(), NabScorer.scoreCorpus(files, profile, threshold, true));
    }
    return best;
  }

  /** The best corpus-wide threshold and its NAB score for one profile. */
  public static NabScore sweep(List<ScoredSeries> files, NabProfile profile) {
    return sweep(files, List.of(profile)).get(profile.name());
  }

  /** The scorable rows of all files, with corpus-wide window ids, sorted by score descending. */
  private static final class Pool {
    final double[] score;
    final int[] window; // corpus-wide window id, or -1 outside every window
    final double[] unit;
    final boolean[] scorableWindow;
    final int scorableWindows;

    private Pool(double[] score, int[] window, double[] unit, boolean[] scorableWindow) {
      this.score = score;
      this.window = window;
      this.unit = unit;
      this.scorableWindow = scorableWindow;
      int count = 0;
      for (boolean b : scorableWindow) {
        count += b ? 1 : 0;
      }
      this.scorableWindows = count;
    }

    static Pool of(List<ScoredSeries> files) {
      int rows = 0;
      int windows = 0;
      NabScorer.Geometry[] geometry = new NabScorer.Geometry[files.size()];
      for (int f = 0; f < files.size(); f++) {
        geometry[f] = NabScorer.Geometry.of(files.get(f));
        rows += files.get(f).rows() - Math.min(geometry[f].probation, files.get(f).rows());
        windows += geometry[f].firstScorableRow.length;
      }
      double[] score = new double[rows];
      int[] window = new int[rows];
      double[] unit = new double[rows];
      boolean[] scorable = new boolean[windows];
      int at = 0;
      int windowOffset = 0;
      for (int f = 0; f < files.size(); f++) {
        ScoredSeries file = files.get(f);
        NabScorer.Geometry g = geometry[f];
        for (int i = g.probation; i < file.rows(); i++) {
          score[at] = file.score(i);
          window[at] = g.windowOfRow[i] < 0 ? -1 : windowOffset + g.windowOfRow[i];
          unit[at] = g.unit[i];
          at++;
        }
        for (int w = 0; w < g.firstScorableRow.length; w++) {
          scorable[windowOffset + w] = g.firstScorableRow[w] >= 0;
        }
        windowOffset += g.firstScorableRow.length;
      }

      // one sort for all profiles: permute the row arrays into descending score order
      int[] order = descendingOrder(score);
      double[] sortedScore = new double[rows];
      int[] sortedWindow = new int[rows];
      double[] sortedUnit = new double[rows];
      for (int i = 0; i < rows; i++) {
        sortedScore[i] = score[order[i]];
        sortedWindow[i] = window[order[i]];
        sortedUnit[i] = unit[order[i]];
      }
      return new Pool(sortedScore, sortedWindow, sortedUnit, scorable);
    }

    /**
     * Row indices ordered by score, descending. Primitive sorts only (no boxing): the distinct
     * values are sorted, each row gets the rank of its value by binary search, and a counting
     * sort on the ranks places the rows, {@code O(N log N)} in all.
     */
    static int[] descendingOrder(double[] score) {
      double[] sorted = score.clone();
      Arrays.sort(sorted);
      int distinct = 0;
      for (int i = 0; i < sorted.length; i++) {
        if (i == 0 || sorted[i] != sorted[distinct - 1]) {
          sorted[distinct++] = sorted[i];
        }
      }
      double[] values = Arrays.copyOf(sorted, distinct); // ascending, unique
      int[] rank = new int[score.length];
      int[] start = new int[distinct + 1];
      for (int i = 0; i < score.length; i++) {
        // rank 0 for the highest value
        rank[i] = distinct - 1 - Arrays.binarySearch(values, score[i]);
        start[rank[i] + 1]++;
      }
      for (int r = 0; r < distinct; r++) {
        start[r + 1] += start[r];
      }
      int[] order = new int[score.length];
      for (int i = 0; i < score.length; i++) {
        order[start[rank[i]]++] = i;
      }
      return order;
    }

    double bestThreshold(NabProfile profile) {
      double[] part = new double[scorableWindow.length];
      Arrays.fill(part, -profile.fnWeight());
      double windowSum = -profile.fnWeight() * scorableWindows;
      double fpSum = 0;

      double bestThreshold = NabScorer.NO_ALERT_THRESHOLD;
      double bestScore = windowSum;
      int i = 0;
      while (i < score.length) {
        double threshold = score[i];
        for (; i < score.length && score[i] == threshold; i++) {
          int w = window[i];
          if (w >= 0) {
            double credit = Math.max(part[w], unit[i] * profile.tpWeight());
            windowSum += credit - part[w];
            part[w] = credit;
          } else {
            fpSum += unit[i] * profile.fpWeight();
          }
        }
        double total = windowSum + fpSum;
        if (total > bestScore + TIE_TOLERANCE) {
          bestScore = total;
          bestThreshold = threshold;
        }
      }
      return bestThreshold;
    }
  }
}
