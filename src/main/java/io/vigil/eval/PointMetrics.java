package io.vigil.eval;

import java.util.List;

/**
 * Point-wise confusion counts and precision, recall and F1 at one threshold ({@code alert = score
 * >= threshold}), each row judged against its point label.
 *
 * <p>A ratio whose denominator is zero (precision with no alerts, recall with no labelled rows, F1
 * with neither alerts nor labelled rows) is {@code NaN}: "undefined" is kept apart
 * from "zero" rather than silently reported as 0.
 *
 * @param tp alerted rows that are labelled
 * @param fp alerted rows that are not labelled
 * @param fn labelled rows without an alert
 * @param tn unlabelled rows without an alert
 * @param precision {@code tp / (tp + fp)}
 * @param recall {@code tp / (tp + fn)}
 * @param f1 harmonic mean of precision and recall, {@code 2tp / (2tp + fp + fn)}
 */
public record PointMetrics(
    long tp, long fp, long fn, long tn, double precision, double recall, double f1) {

  /** Metrics from confusion counts. */
  public static PointMetrics fromCounts(long tp, long fp, long fn, long tn) {
    return new PointMetrics(
        tp, fp, fn, tn, ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn));
  }

  /** Point metrics of one file at a threshold. */
  public static PointMetrics at(ScoredSeries file, double threshold) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long tn = 0;
    for (int i = 0; i < file.rows(); i++) {
      boolean alert = file.score(i) >= threshold;
      boolean labelled = file.label(i);
      if (alert && labelled) {
        tp++;
      } else if (alert) {
        fp++;
      } else if (labelled) {
        fn++;
      } else {
        tn++;
      }
    }
    return fromCounts(tp, fp, fn, tn);
  }

  /** Metrics of the summed counts (micro average over files). */
  public static PointMetrics sum(List<PointMetrics> parts) {
    long tp = 0;
    long fp = 0;
    long fn = 0;
    long tn = 0;
    for (PointMetrics p : parts) {
      tp += p.tp;
      fp += p.fp;
      fn += p.fn;
      tn += p.tn;
    }
    return fromCounts(tp, fp, fn, tn);
  }

  private static double ratio(long num, long den) {
    return den == 0 ? Double.NaN : (double) num / den;
  }
}
