package io.vigil.detect;

/**
 * One detector's verdict on one value.
 *
 * @param ready false during the detector's cold start; then the other fields carry no verdict
 * @param score calibrated score in [0,1] (0 when not ready)
 * @param anomaly score at or above the detector's threshold
 * @param expected the value the detector expected (NaN when not ready)
 * @param lower lower bound of the band the threshold implies (NaN when not ready)
 * @param upper upper bound of the band the threshold implies (NaN when not ready)
 * @param magnitude the raw, uncalibrated magnitude the score came from (e.g. |residual z|)
 */
public record Verdict(boolean ready, double score, boolean anomaly, double expected, double lower, double upper,
        double magnitude) {

    /** The verdict of a detector still in its cold start. */
    public static final Verdict COLD = new Verdict(false, 0.0, false, Double.NaN, Double.NaN, Double.NaN, 0.0);

    /** A value for explanations: a few significant digits, no trailing zeros. */
    public static String format(double x) {
        return Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x != 0)
                ? String.format(java.util.Locale.ROOT, "%.4g", x)
                : String.format(java.util.Locale.ROOT, "%.3f", x).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
