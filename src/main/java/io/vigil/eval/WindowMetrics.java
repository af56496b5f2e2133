package io.vigil.eval;

import java.util.List;

/**
 * Window-wise (event) metrics at one threshold ({@code alert = score >= threshold}).
 *
 * <ul>
 *   <li>A labelled window counts once, as detected, if any alert falls inside it; window recall is
 *       {@code detected / windows} ({@code NaN} without windows).
 *   <li>Alerts outside every window are false positives, counted twice: as alert rows, and as FP
 *       events, i.e. maximal runs of consecutive alerting rows outside windows (a window row
 *       ends a run).
 *   <li>Detection delay of a detected window: from its labelled start to its first alert, in
 *       milliseconds and in rows (see {@link WindowOutcome}); reported as the mean over detected
 *       windows ({@code NaN} when none was detected).
 * </ul>
 *
 * <p>Only windows containing at least one row are counted (see {@link ScoredSeries}). No
 * probationary period applies here: that is a rule of the NAB score alone.
 *
 * @param windows labelled windows containing at least one row
 * @param detected windows with at least one alert inside
 * @param recall {@code detected / windows}
 * @param fpAlertRows alerting rows outside every window
 * @param fpEvents runs of consecutive alerting rows outside every window
 * @param meanDelayMillis mean detection delay in milliseconds over detected windows
 * @param meanDelayRows mean detection delay in rows over detected windows
 */
public record WindowMetrics(
    long windows,
    long detected,
    double recall,
    long fpAlertRows,
    long fpEvents,
    double meanDelayMillis,
    double meanDelayRows) {

  /** Window metrics of one file at a threshold. */
  public static WindowMetrics at(ScoredSeries file, double threshold) {
    return of(file, threshold, WindowOutcome.of(file, threshold));
  }

  /** Window metrics of one file from outcomes already computed by {@link WindowOutcome#of}. */
  static WindowMetrics of(ScoredSeries file, double threshold, List<WindowOutcome> outcomes) {
    long detected = 0;
    double delayMillis = 0;
    double delayRows = 0;
    for (WindowOutcome o : outcomes) {
      if (o.detected()) {
        detected++;
        delayMillis += o.delayMillis();
        delayRows += o.delayRows();
      }
    }

    long fpRows = 0;
    long fpEvents = 0;
    int k = 0; // next scored window that could contain row i
    boolean inRun = false;
    int windowCount = file.scoredWindows().size();
    for (int i = 0; i < file.rows(); i++) {
      while (k < windowCount && file.windowLastRow(k) < i) {
        k++;
      }
      boolean inWindow = k < windowCount && file.windowFirstRow(k) <= i;
      boolean fp = !inWindow && file.score(i) >= threshold;
      if (fp) {
        fpRows++;
        if (!inRun) {
          fpEvents++;
        }
      }
      inRun = fp;
    }
    return new WindowMetrics(
        outcomes.size(),
        detected,
        ratio(detected, outcomes.size()),
        fpRows,
        fpEvents,
        detected == 0 ? Double.NaN : delayMillis / detected,
        detected == 0 ? Double.NaN : delayRows / detected);
  }

  /** Metrics of a set of files: counts summed, delays averaged over all detected windows. */
  public static WindowMetrics sum(List<WindowMetrics> parts) {
    long windows = 0;
    long detected = 0;
    long fpRows = 0;
    long fpEvents = 0;
    double delayMillis = 0;
    double delayRows = 0;
    for (WindowMetrics p : parts) {
      windows += p.windows;
      detected += p.detected;
      fpRows += p.fpAlertRows;
      fpEvents += p.fpEvents;
      if (p.detected > 0) {
        delayMillis += p.meanDelayMillis * p.detected;
        delayRows += p.meanDelayRows * p.detected;
      }
    }
    return new WindowMetrics(
        windows,
        detected,
        ratio(detected, windows),
        fpRows,
        fpEvents,
        detected == 0 ? Double.NaN : delayMillis / detected,
        detected == 0 ? Double.NaN : delayRows / detected);
  }

  private static double ratio(long num, long den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}
