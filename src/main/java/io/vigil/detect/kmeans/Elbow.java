package io.vigil.detect.kmeans;

/**
 * The elbow rule that picks k from a distortion curve: the k whose point lies farthest below the
 * chord joining the curve's first and last points, both axes normalized to [0, 1] (the "maximum
 * distance to the line" form of the knee, as in Kneedle, Satopää et al. 2011, without smoothing).
 *
 * <p>Precisely, for distortions W(k) (within-cluster sums of squares) at k = kMin … kMax:
 * <ol>
 *   <li>The curve is made non-increasing, {@code W'(k) = min(W(k), W'(k - 1))}: a k-means fit can
 *       land in a local optimum and return a worse distortion than a smaller k did, and more
 *       clusters can never truly explain less.
 *   <li>With {@code x = (k - kMin) / (kMax - kMin)} and
 *       {@code y = (W'(k) - W'(kMax)) / (W'(kMin) - W'(kMax))}, the chord is {@code x + y = 1}, and
 *       the chosen k maximizes {@code 1 - x - y} (proportional to the distance below the chord).
 *       Ties go to the smaller k; a curve with no point strictly below the chord (no elbow), a flat
 *       one (identical vectors) or one of fewer than three points gives kMin.
 * </ol>
 *
 * <p>A known trait of the rule: when one group is far from the others, the first split dominates
 * the normalized curve and groups that are near each other may be merged (in the hotel test data
 * two of three segments came out as one cluster). The logarithm of W would weigh every halving the
 * same and separate them, but it also keeps splitting a single Gaussian group projected on one or
 * two principal components (each split of a one-dimensional Gaussian removes 64% of its
 * distortion), and it scored lower on the NAB files; the plain curve is kept. Pure arithmetic on
 * its input, so deterministic whenever the distortions are.
 */
final class Elbow {

    /** Gains below this share of the first distortion count as none (identical points, rounding). */
    private static final double FLAT = 1e-12;

    private Elbow() {}

    /**
     * The knee of {@code distortion[i]} = W(kMin + i).
     *
     * @return the chosen k, in [kMin, kMin + distortion.length - 1]
     */
    static int knee(double[] distortion, int kMin) {
        int n = distortion.length;
        if (n == 0) {
            throw new IllegalArgumentException("no distortions");
        }
        double[] w = new double[n];
        w[0] = distortion[0];
        for (int i = 1; i < n; i++) {
            w[i] = Math.min(distortion[i], w[i - 1]);
        }
        if (n < 3) {
            return kMin; // no interior point to be a knee
        }
        double last = w[n - 1];
        double span = w[0] - last;
        if (!(span > FLAT * Math.max(w[0], Double.MIN_NORMAL))) {
            return kMin; // flat: more clusters gain nothing (identical vectors)
        }
        int best = 0;
        double bestGap = 0;
        for (int i = 1; i < n - 1; i++) {
            double x = (double) i / (n - 1);
            double y = (w[i] - last) / span;
            double gap = 1.0 - x - y;
            if (gap > bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        return kMin + best;
    }
}
