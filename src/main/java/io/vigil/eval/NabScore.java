package io.vigil.eval;

/**
 * A NAB score of one file or of a corpus, for one profile at one threshold.
 *
 * <p>{@code normalized = 100 * (raw - nullScore) / (perfect - nullScore)}: 0 is the detector that
 * never alerts, 100 the detector that alerts exactly once per window at its first scorable row. It
 * is {@code NaN} when {@code perfect == nullScore}, i.e. when nothing has a scorable window.
 *
 * @param profile the profile name ({@link NabProfile#name()})
 * @param threshold the threshold applied ({@code alert = score >= threshold}); {@link
 *     NabScorer#NO_ALERT_THRESHOLD} when the best choice was to never alert
 * @param swept true when the threshold was chosen by {@link NabSweeper}, false when given
 * @param raw the unnormalized NAB score: sum of window credits, FP penalties and FN penalties
 * @param nullScore raw score of the detector that never alerts
 * @param perfect raw score of the perfect detector
 * @param normalized the normalized score, 100 = perfect, 0 = null
 */
public record NabScore(
    String profile,
    double threshold,
    boolean swept,
    double raw,
    double nullScore,
    double perfect,
    double normalized) {

  /** A score with its normalized value computed from raw, null and perfect. */
  static NabScore of(
      String profile, double threshold, boolean swept, double raw, double nullScore,
      double perfect) {
    double normalized =
        perfect == nullScore ? Double.NaN : 100.0 * (raw - nullScore) / (perfect - nullScore);
    return new NabScore(profile, threshold, swept, raw, nullScore, perfect, normalized);
  }
}
