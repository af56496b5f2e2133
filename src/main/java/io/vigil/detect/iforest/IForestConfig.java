package io.vigil.detect.iforest;

import io.vigil.detect.Detector;
import io.vigil.detect.DetectorConfig;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the Isolation Forest detector for one series setting. Immutable; built and validated
 * by {@link Builder}, whose messages name the job-spec key ({@code detectors.iforest.<key>}) and
 * the bad value.
 *
 * <p><b>Threshold.</b> Scores are calibrated tail probabilities against the out-of-bag isolation
 * scores of the model's own training sample (see {@link IForestDetector}), so a threshold means a
 * rarity. Two modes:
 * <ul>
 *   <li>{@code contamination: <fraction>} (the seed text's parameter): the point is anomalous when
 *       its raw isolation score is beyond the {@code 1 - contamination} quantile of the training
 *       scores, i.e. threshold {@code 1 - contamination} on the calibrated score — the same cut
 *       scikit-learn's {@code contamination} places, and by construction it flags about that
 *       fraction of normal-looking points too.</li>
 *   <li>{@code contamination: auto} (the default): threshold {@value #AUTO_THRESHOLD}: the point
 *       is anomalous when a normal point of this series would score at least as high with
 *       probability 10⁻³ or less, with that probability read from an exponential
 *       (peaks-over-threshold) tail fitted to the top {@code tailFraction} of the training
 *       scores. No guess of the anomaly share is needed: the cut follows the shape of each series'
 *       own score tail and extrapolates beyond the largest training score, and a few anomalies in
 *       the training sample only widen that tail a little instead of moving a quantile one-for-one.
 *       It is the rarity STL uses by default, so the detectors combine on equal terms; a fixed raw
 *       cut (scikit-learn's {@code auto}, raw score 0.5) does not mean the same rarity on a smooth
 *       and on a heavy-tailed series.</li>
 * </ul>
 */
public final class IForestConfig implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    /** {@code contamination} value meaning "auto" (no guess; see the class comment). */
    public static final double AUTO = Double.NaN;

    /** Calibrated-score threshold of {@code contamination: auto}: a rarity of 10⁻³. */
    public static final double AUTO_THRESHOLD = 0.999;

    private final long seed;
    private final int trees;
    private final int subsample;
    private final int sampleSize;
    private final int minSample;
    private final int retrainEvery;
    private final long retrainIntervalMillis;
    private final double contamination;
    private final double tailFraction;
    private final boolean differences;
    private final int seasonalPeriod;
    private final int rollingWindow;
    private final boolean timeOfDay;
    private final boolean dayOfWeek;
    private final int modelCache;

    private IForestConfig(Builder b) {
        this.seed = b.seed;
        this.trees = b.trees;
        this.subsample = b.subsample;
        this.sampleSize = b.sampleSize;
        this.minSample = b.minSample;
        this.retrainEvery = b.retrainEvery;
        this.retrainIntervalMillis = b.retrainIntervalMillis;
        this.contamination = b.contamination;
        this.tailFraction = b.tailFraction;
        this.differences = b.differences;
        this.seasonalPeriod = b.seasonalPeriod;
        this.rollingWindow = b.rollingWindow;
        this.timeOfDay = b.timeOfDay;
        this.dayOfWeek = b.dayOfWeek;
        this.modelCache = b.modelCache;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return IForestDetector.NAME;
    }

    @Override
    public Detector newDetector() {
        return new IForestDetector(this);
    }

    /** The job spec's seed: every random choice of a fit derives from it and the model version. */
    public long seed() {
        return seed;
    }

    /** Trees per forest. */
    public int trees() {
        return trees;
    }

    /** Rows drawn (without replacement) for each tree; its height limit is ceil(log2 of this). */
    public int subsample() {
        return subsample;
    }

    /** The sliding training sample: the most recent this many feature vectors. */
    public int sampleSize() {
        return sampleSize;
    }

    /** Feature vectors needed before the first model (no verdict before it). */
    public int minSample() {
        return minSample;
    }

    /** Retrain after this many points since the last fit (also the cap when retraining by time). */
    public int retrainEvery() {
        return retrainEvery;
    }

    /** Retrain when this much event time has passed since the last fit; 0 = by point count only. */
    public long retrainIntervalMillis() {
        return retrainIntervalMillis;
    }

    /** The expected anomaly share, or {@link #AUTO}. */
    public double contamination() {
        return contamination;
    }

    /** Whether the threshold is the contamination-free {@code auto} cut. */
    public boolean autoContamination() {
        return Double.isNaN(contamination);
    }

    /** Calibrated score at or above which a point is anomalous (see the class comment). */
    @Override
    public double threshold() {
        return autoContamination() ? AUTO_THRESHOLD : 1.0 - contamination;
    }

    /** Share of the training scores modelled as the exponential tail. */
    public double tailFraction() {
        return tailFraction;
    }

    /** Whether each field's first difference is a feature. */
    public boolean differences() {
        return differences;
    }

    /** Season length in points (seasonal difference and phase features), 0 = none. */
    public int seasonalPeriod() {
        return seasonalPeriod;
    }

    /** Points of the rolling window (deviation from its mean in its std, and its std), 0 = none. */
    public int rollingWindow() {
        return rollingWindow;
    }

    /** Whether the hour of day (UTC, as sin/cos) is a feature. */
    public boolean timeOfDay() {
        return timeOfDay;
    }

    /** Whether the day of week (UTC, as sin/cos) is a feature. */
    public boolean dayOfWeek() {
        return dayOfWeek;
    }

    /** Fitted models each detector instance keeps (LRU, keyed by content). */
    public int modelCache() {
        return modelCache;
    }

    /** Points before a row whose feature vector is complete (differences and windows look back). */
    public int lookback() {
        int l = differences ? 1 : 0;
        l = Math.max(l, seasonalPeriod);
        return Math.max(l, rollingWindow);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IForestConfig c && seed == c.seed && trees == c.trees && subsample == c.subsample
                && sampleSize == c.sampleSize && minSample == c.minSample && retrainEvery == c.retrainEvery
                && retrainIntervalMillis == c.retrainIntervalMillis && Double.compare(contamination, c.contamination) == 0
                && tailFraction == c.tailFraction && differences == c.differences
                && seasonalPeriod == c.seasonalPeriod && rollingWindow == c.rollingWindow
                && timeOfDay == c.timeOfDay && dayOfWeek == c.dayOfWeek && modelCache == c.modelCache;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seed, trees, subsample, sampleSize, minSample, retrainEvery, retrainIntervalMillis,
                contamination, tailFraction, differences, seasonalPeriod, rollingWindow, timeOfDay, dayOfWeek,
                modelCache);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "IForestConfig{trees=%d, subsample=%d, sampleSize=%d, retrainEvery=%d, contamination=%s, seed=%d}",
                trees, subsample, sampleSize, retrainEvery, autoContamination() ? "auto" : contamination, seed);
    }

    /** Builder with the defaults of {@code jobs/default.yaml}. */
    public static final class Builder {
        private long seed = 42;
        private int trees = 100;
        private int subsample = 128;
        private int sampleSize = 2048;
        private int minSample = 64;
        private int retrainEvery = 512;
        private long retrainIntervalMillis = 0;
        private double contamination = AUTO;
        private double tailFraction = 0.1;
        private boolean differences = true;
        private int seasonalPeriod = 0;
        private int rollingWindow = 16;
        private boolean timeOfDay = true;
        private boolean dayOfWeek = false;
        private int modelCache = 256;

        public Builder seed(long v) { this.seed = v; return this; }
        public Builder trees(int v) { this.trees = v; return this; }
        public Builder subsample(int v) { this.subsample = v; return this; }
        public Builder sampleSize(int v) { this.sampleSize = v; return this; }
        public Builder minSample(int v) { this.minSample = v; return this; }
        public Builder retrainEvery(int v) { this.retrainEvery = v; return this; }
        public Builder retrainIntervalMillis(long v) { this.retrainIntervalMillis = v; return this; }
        /** A fraction in (0, 0.5), or {@link IForestConfig#AUTO} (NaN). */
        public Builder contamination(double v) { this.contamination = v; return this; }
        public Builder tailFraction(double v) { this.tailFraction = v; return this; }
        public Builder differences(boolean v) { this.differences = v; return this; }
        public Builder seasonalPeriod(int v) { this.seasonalPeriod = v; return this; }
        public Builder rollingWindow(int v) { this.rollingWindow = v; return this; }
        public Builder timeOfDay(boolean v) { this.timeOfDay = v; return this; }
        public Builder dayOfWeek(boolean v) { this.dayOfWeek = v; return this; }
        public Builder modelCache(int v) { this.modelCache = v; return this; }

        /** Validates and builds; messages name the job-spec key and the bad value. */
        public IForestConfig build() {
            check(trees >= 1 && trees <= 1000, "trees", trees, "must be in [1, 1000]");
            check(subsample >= 4 && subsample <= 4096, "subsample", subsample, "must be in [4, 4096]");
            check(sampleSize >= 16 && sampleSize <= 100_000, "sampleSize", sampleSize, "must be in [16, 100000]");
            check(subsample <= sampleSize, "subsample", subsample, "must be <= sampleSize (" + sampleSize + ")");
            check(minSample >= 16 && minSample <= sampleSize, "minSample", minSample,
                    "must be in [16, sampleSize (" + sampleSize + ")]");
            check(retrainEvery >= 1 && retrainEvery <= 100_000, "retrainEvery", retrainEvery, "must be in [1, 100000]");
            check(retrainIntervalMillis >= 0, "retrainInterval", retrainIntervalMillis + "ms", "must be >= 0");
            check(Double.isNaN(contamination) || (contamination > 0 && contamination < 0.5), "contamination",
                    contamination, "must be 'auto' or a fraction in (0, 0.5)");
            check(tailFraction > 0 && tailFraction <= 0.5, "tailFraction", tailFraction, "must be in (0, 0.5]");
            check(seasonalPeriod == 0 || (seasonalPeriod >= 2 && seasonalPeriod <= 10_000), "seasonalPeriod",
                    seasonalPeriod, "must be 0 (none) or in [2, 10000]");
            check(rollingWindow == 0 || (rollingWindow >= 2 && rollingWindow <= 10_000), "rollingWindow",
                    rollingWindow, "must be 0 (none) or in [2, 10000]");
            check(modelCache >= 1 && modelCache <= 1_000_000, "modelCache", modelCache, "must be in [1, 1000000]");
            return new IForestConfig(this);
        }

        private static void check(boolean ok, String key, Object value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("detectors.iforest." + key + ": " + rule + ", got " + value);
            }
        }
    }
}
