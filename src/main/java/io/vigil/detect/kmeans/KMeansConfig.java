package io.vigil.detect.kmeans;

import io.vigil.detect.Detector;
import io.vigil.detect.DetectorConfig;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the k-means detector for one series. Immutable; built and validated by
 * {@link Builder}, whose messages name the job-spec key ({@code detectors.kmeans.<name>}) and the
 * bad value.
 *
 * <p>Thresholds: with {@code outliersFraction} set to a fraction f (the seed text's
 * {@code outliers_fraction}), a point fires when its calibrated score reaches {@code 1 - f}, that
 * is when its distance exceeds the (1 − f) quantile of the training distances. With
 * {@code outliersFraction: auto} (the default) the cut is {@link #AUTO_THRESHOLD}: a rarity of one
 * in a thousand under the exponential tail fitted to the training distances, the same rarity the
 * STL detector fires at. A fixed fraction flags that share of every series whether or not anything
 * is wrong; the automatic cut flags only what is rare for the series.
 */
public final class KMeansConfig implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    /** {@code k} 0 means: choose k by the elbow rule at each retrain. */
    public static final int AUTO_K = 0;

    /** {@code outliersFraction} 0 means: the automatic cut. */
    public static final double AUTO_FRACTION = 0.0;

    /** Calibrated score of the automatic cut (see the class comment). */
    public static final double AUTO_THRESHOLD = 0.999;

    private final int window;
    private final int k;
    private final int minK;
    private final int maxK;
    private final boolean pca;
    private final double pcaVariance;
    private final int sampleSize;
    private final int minSample;
    private final int retrainEvery;
    private final long retrainIntervalMs;
    private final double minClusterShare;
    private final double outliersFraction;
    private final double tailFraction;
    private final long seed;

    private KMeansConfig(Builder b) {
        this.window = b.window;
        this.k = b.k;
        this.minK = b.minK;
        this.maxK = b.maxK;
        this.pca = b.pca;
        this.pcaVariance = b.pcaVariance;
        this.sampleSize = b.sampleSize;
        this.minSample = b.minSample;
        this.retrainEvery = b.retrainEvery;
        this.retrainIntervalMs = b.retrainIntervalMs;
        this.minClusterShare = b.minClusterShare;
        this.outliersFraction = b.outliersFraction;
        this.tailFraction = b.tailFraction;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return KMeansDetector.NAME;
    }

    @Override
    public Detector newDetector() {
        return new KMeansDetector(this);
    }

    /** Lag-embedding length for univariate series: the last {@code window} values form one vector. */
    public int window() {
        return window;
    }

    /** Fixed number of clusters, or {@link #AUTO_K} for the elbow rule over [minK, maxK]. */
    public int k() {
        return k;
    }

    /** Smallest k the elbow rule considers. */
    public int minK() {
        return minK;
    }

    /** Largest k the elbow rule considers. */
    public int maxK() {
        return maxK;
    }

    /** Whether the standardized vectors are reduced by PCA before clustering. */
    public boolean pca() {
        return pca;
    }

    /** Share of the variance the kept principal components explain at least. */
    public double pcaVariance() {
        return pcaVariance;
    }

    /** Points kept in the sliding training sample. */
    public int sampleSize() {
        return sampleSize;
    }

    /** Vectors needed before the first model is fitted (the cold start). */
    public int minSample() {
        return minSample;
    }

    /** Points between two retrains. */
    public int retrainEvery() {
        return retrainEvery;
    }

    /** Event time between two retrains in milliseconds, 0 for none (then only {@link #retrainEvery}). */
    public long retrainIntervalMs() {
        return retrainIntervalMs;
    }

    /** Clusters holding less than this share of the training sample are not models of normal behaviour. */
    public double minClusterShare() {
        return minClusterShare;
    }

    /** The seed text's {@code outliers_fraction}, or {@link #AUTO_FRACTION} for the automatic cut. */
    public double outliersFraction() {
        return outliersFraction;
    }

    /** Share of the training distances modelled as the exponential tail by the calibration. */
    public double tailFraction() {
        return tailFraction;
    }

    /** The job spec's seed: every k-means++ initialization derives from it. */
    public long seed() {
        return seed;
    }

    /** {@code 1 - outliersFraction}, or {@link #AUTO_THRESHOLD}. */
    @Override
    public double threshold() {
        return outliersFraction == AUTO_FRACTION ? AUTO_THRESHOLD : 1.0 - outliersFraction;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KMeansConfig c
                && window == c.window
                && k == c.k
                && minK == c.minK
                && maxK == c.maxK
                && pca == c.pca
                && pcaVariance == c.pcaVariance
                && sampleSize == c.sampleSize
                && minSample == c.minSample
                && retrainEvery == c.retrainEvery
                && retrainIntervalMs == c.retrainIntervalMs
                && minClusterShare == c.minClusterShare
                && outliersFraction == c.outliersFraction
                && tailFraction == c.tailFraction
                && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(window, k, minK, maxK, pca, pcaVariance, sampleSize, minSample, retrainEvery,
                retrainIntervalMs, minClusterShare, outliersFraction, tailFraction, seed);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "KMeansConfig{window=%d, k=%s, pca=%s, sampleSize=%d, retrainEvery=%d, outliersFraction=%s, seed=%d}",
                window, k == AUTO_K ? "auto[" + minK + "," + maxK + "]" : Integer.toString(k),
                pca ? Double.toString(pcaVariance) : "off", sampleSize, retrainEvery,
                outliersFraction == AUTO_FRACTION ? "auto" : Double.toString(outliersFraction), seed);
    }

    /** Builder with the defaults of {@code jobs/default.yaml}. */
    public static final class Builder {
        private int window = 8;
        private int k = AUTO_K;
        private int minK = 1;
        private int maxK = 16;
        private boolean pca = true;
        private double pcaVariance = 0.8;
        private int sampleSize = 1000;
        private int minSample = 100;
        private int retrainEvery = 250;
        private long retrainIntervalMs = 0;
        private double minClusterShare = 0.02;
        private double outliersFraction = AUTO_FRACTION;
        private double tailFraction = 0.1;
        private long seed = 42;

        public Builder window(int v) { this.window = v; return this; }
        /** A fixed k, or {@link #AUTO_K}. */
        public Builder k(int v) { this.k = v; return this; }
        public Builder minK(int v) { this.minK = v; return this; }
        public Builder maxK(int v) { this.maxK = v; return this; }
        public Builder pca(boolean v) { this.pca = v; return this; }
        public Builder pcaVariance(double v) { this.pcaVariance = v; return this; }
        public Builder sampleSize(int v) { this.sampleSize = v; return this; }
        public Builder minSample(int v) { this.minSample = v; return this; }
        public Builder retrainEvery(int v) { this.retrainEvery = v; return this; }
        /** Event time between retrains in milliseconds; 0 for none. */
        public Builder retrainIntervalMs(long v) { this.retrainIntervalMs = v; return this; }
        public Builder minClusterShare(double v) { this.minClusterShare = v; return this; }
        /** A fraction in (0, 0.5], or {@link #AUTO_FRACTION}. */
        public Builder outliersFraction(double v) { this.outliersFraction = v; return this; }
        public Builder tailFraction(double v) { this.tailFraction = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }

        /** Validates and builds; messages name the job-spec key and the bad value. */
        public KMeansConfig build() {
            check(window >= 1 && window <= 256, "window", window, "must be in [1, 256]");
            check(minK >= 1 && minK <= 64, "minK", minK, "must be in [1, 64]");
            check(maxK >= minK + 2 && maxK <= 64, "maxK", maxK,
                    "must be in [minK + 2, 64] (the elbow needs three points), minK is " + minK);
            check(k == AUTO_K || (k >= 1 && k <= 64), "k", k, "must be 'auto' or an integer in [1, 64]");
            int largestK = k == AUTO_K ? maxK : k;
            check(pcaVariance > 0 && pcaVariance <= 1, "pcaVariance", pcaVariance, "must be in (0, 1]");
            check(sampleSize >= 20 && sampleSize <= 100_000, "sampleSize", sampleSize, "must be in [20, 100000]");
            check(minSample >= 10 && minSample <= sampleSize, "minSample", minSample,
                    "must be in [10, sampleSize] and sampleSize is " + sampleSize);
            check(minSample >= 2 * largestK, "minSample", minSample,
                    "must be at least twice the largest k (" + largestK + ")");
            check(retrainEvery >= 1 && retrainEvery <= 10_000_000, "retrainEvery", retrainEvery,
                    "must be in [1, 10000000]");
            check(retrainIntervalMs >= 0, "retrainInterval", retrainIntervalMs + "ms", "must not be negative");
            check(minClusterShare >= 0 && minClusterShare * largestK < 1, "minClusterShare", minClusterShare,
                    "must be >= 0 and below 1 / the largest k (" + largestK + "), or no cluster could be large");
            check(outliersFraction == AUTO_FRACTION || (outliersFraction > 0 && outliersFraction <= 0.5),
                    "outliersFraction", outliersFraction, "must be 'auto' or a fraction in (0, 0.5]");
            check(tailFraction > 0 && tailFraction <= 0.5, "tailFraction", tailFraction, "must be in (0, 0.5]");
            return new KMeansConfig(this);
        }

        private static void check(boolean ok, String key, Object value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("detectors.kmeans." + key + ": " + rule + ", got " + value);
            }
        }
    }
}
