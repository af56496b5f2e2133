package io.vigil.detect;

/**
 * A point detector's verdict on one whole point.
 *
 * @param ready false during the detector's cold start; then the other fields carry no verdict
 * @param score calibrated score in [0,1] (0 when not ready)
 * @param anomaly score at or above the detector's threshold
 * @param magnitude the raw, uncalibrated magnitude the score came from (e.g. an isolation score or
 *     a distance in standardized units)
 * @param expected per field (parallel to the point's fields): the value the detector expected, or
 *     NaN when it has no such notion (Isolation Forest)
 * @param contribution per field: a non-negative share of the magnitude the field explains (e.g. its
 *     squared standardized deviation from the centroid or reconstruction); the scorer attributes
 *     the point's score to the fields with at least half the largest contribution
 * @param explanation one clause on why the point is anomalous (empty when it is not)
 */
public record PointVerdict(boolean ready, double score, boolean anomaly, double magnitude, double[] expected,
        double[] contribution, String explanation) {

    /** The verdict of a detector still in its cold start. */
    public static final PointVerdict COLD = new PointVerdict(false, 0.0, false, 0.0, new double[0], new double[0], "");

    /**
     * Whether field {@code i} carries this verdict: its contribution is at least half the largest
     * (a univariate point's single field always does).
     */
    public boolean attributes(int i) {
        if (contribution.length <= 1) {
            return true;
        }
        double max = 0;
        for (double c : contribution) {
            max = Math.max(max, c);
        }
        return max <= 0 || contribution[i] >= 0.5 * max;
    }

    /** The expected value of field {@code i}, NaN when the detector gives none. */
    public double expected(int i) {
        return i < expected.length ? expected[i] : Double.NaN;
    }
}
