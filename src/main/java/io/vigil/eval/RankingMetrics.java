package io.vigil.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Threshold-free metrics of per-row scores against point labels: ROC-AUC and PR-AUC (average
 * precision).
 *
 * <p>Tied scores form one step of each curve: all rows sharing a score switch to "alert" together,
 * as they do under {@code alert = score >= threshold}. Under that rule ROC-AUC equals the
 * Mann-Whitney statistic {@code P(s+ > s-) + 0.5 P(s+ = s-)} over all (labelled, unlabelled) row
 * pairs, and average precision is {@code sum_n (R_n - R_{n-1}) P_n} over the distinct score values
 * taken in decreasing order (the definition of scikit-learn's {@code average_precision_score}; no
 * interpolation).
 *
 * <p>Both are {@code NaN} unless labelled and unlabelled rows are both present. Cost: two primitive
 * sorts, {@code O(N log N)}.
 */
public final class RankingMetrics {

  private RankingMetrics() {}

  /** ROC-AUC of scores against labels, ties counted one half; NaN with only one class present. */
  public static double rocAuc(double[] score, boolean[] label) {
    double[][] split = split(score, label);
    return rocAuc(split[0], split[1]);
  }

  /** Average precision of scores against labels; NaN with only one class present. */
  public static double averagePrecision(double[] score, boolean[] label) {
    double[][] split = split(score, label);
    return averagePrecision(split[0], split[1]);
  }

  /** ROC-AUC of one file's rows. */
  public static double rocAuc(ScoredSeries file) {
    return rocAuc(file.scoresView(), file.labelsView());
  }

  /** Average precision of one file's rows. */
  public static double averagePrecision(ScoredSeries file) {
    return averagePrecision(file.scoresView(), file.labelsView());
  }

  /** ROC-AUC of the pooled rows of all files (one ranking across files). */
  public static double rocAuc(List<ScoredSeries> files) {
    double[][] split = split(files);
    return rocAuc(split[0], split[1]);
  }

  /** Average precision of the pooled rows of all files. */
  public static double averagePrecision(List<ScoredSeries> files) {
    double[][] split = split(files);
    return averagePrecision(split[0], split[1]);
  }

  // pos and neg sorted ascending
  private static double rocAuc(double[] pos, double[] neg) {
    if (pos.length == 0 || neg.length == 0) {
      return Double.NaN;
    }
    // twice the Mann-Whitney U, kept exact in a long: each positive adds
    // 2 * (#neg below it) + (#neg tied with it)
    long twiceU = 0;
    int below = 0; // negatives strictly below the current positive score
    int atOrBelow = 0; // negatives at or below it
    for (double v : pos) {
      while (below < neg.length && neg[below] < v) {
        below++;
      }
      if (atOrBelow < below) {
        atOrBelow = below;
      }
      while (atOrBelow < neg.length && neg[atOrBelow] <= v) {
        atOrBelow++;
      }
      twiceU += (long) below + atOrBelow;
    }
    return twiceU / (2.0 * pos.length * (double) neg.length);
  }

  // pos and neg sorted ascending; walks the distinct scores from the top down
  private static double averagePrecision(double[] pos, double[] neg) {
    if (pos.length == 0 || neg.length == 0) {
      return Double.NaN;
    }
    int i = pos.length - 1;
    int j = neg.length - 1;
    long tp = 0;
    long fp = 0;
    double ap = 0;
    double prevRecall = 0;
    while (i >= 0 || j >= 0) {
      double v;
      if (i < 0) {
        v = neg[j];
      } else if (j < 0) {
        v = pos[i];
      } else {
        v = Math.max(pos[i], neg[j]);
      }
      while (i >= 0 && pos[i] == v) {
        tp++;
        i--;
      }
      while (j >= 0 && neg[j] == v) {
        fp++;
        j--;
      }
      double recall = (double) tp / pos.length;
      ap += (recall - prevRecall) * ((double) tp / (tp + fp));
      prevRecall = recall;
    }
    return ap;
  }

  private static double[][] split(double[] score, boolean[] label) {
    if (score.length != label.length) {
      throw new IllegalArgumentException(
          "score and label differ in length: " + score.length + " vs " + label.length);
    }
    int positives = 0;
    for (boolean b : label) {
      positives += b ? 1 : 0;
    }
    double[] pos = new double[positives];
    double[] neg = new double[label.length - positives];
    int p = 0;
    int n = 0;
    for (int i = 0; i < score.length; i++) {
      if (Double.isNaN(score[i])) {
        throw new IllegalArgumentException("score[" + i + "] is NaN");
      }
      if (label[i]) {
        pos[p++] = score[i];
      } else {
        neg[n++] = score[i];
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    return new double[][] {pos, neg};
  }

  private static double[][] split(List<ScoredSeries> files) {
    int rows = 0;
    for (ScoredSeries f : files) {
      rows += f.rows();
    }
    double[] score = new double[rows];
    boolean[] label = new boolean[rows];
    int at = 0;
    for (ScoredSeries f : files) {
      System.arraycopy(f.scoresView(), 0, score, at, f.rows());
      System.arraycopy(f.labelsView(), 0, label, at, f.rows());
      at += f.rows();
    }
    return split(score, label);
  }
}
