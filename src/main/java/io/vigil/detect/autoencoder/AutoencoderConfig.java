package io.vigil.detect.autoencoder;

import io.vigil.detect.Detector;
import io.vigil.detect.DetectorConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Settings of the autoencoder detector for one series setting. Immutable; built and validated by
 * {@link Builder}, whose messages name the job-spec key ({@code detectors.autoencoder.<key>}) and
 * the bad value.
 *
 * <p>Threshold: {@code contamination} is either a fraction c (the share of the training sample
 * expected to be anomalous, as in PyOD; the threshold on the calibrated score is 1 − c, i.e. the
 * (1 − c) quantile of the training reconstruction errors) or {@link #AUTO}: the calibrated score
 * 0.999, where the exponential tail fitted to the largest training errors gives a tail probability
 * of one in a thousand (see {@link AutoencoderDetector}).
 */
public final class AutoencoderConfig implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    /** {@code contamination: auto}: a fixed rarity on the exponential tail of the training errors. */
    public static final double AUTO = 0.0;

    /** The calibrated score the automatic threshold cuts at (the same rarity as STL's default). */
    public static final double AUTO_THRESHOLD = 0.999;

    private final int[] hidden;
    private final DenseAutoencoder.Activation activation;
    private final int window;
    private final int sampleSize;
    private final int minSample;
    private final int retrainEvery;
    private final long retrainIntervalMillis;
    private final int maxEpochs;
    private final int patience;
    private final int batchSize;
    private final double learningRate;
    private final double validationFraction;
    private final boolean warmStart;
    private final double contamination;
    private final int calibrationWindow;
    private final double tailFraction;
    private final long seed;

    private AutoencoderConfig(Builder b) {
        this.hidden = b.hidden.clone();
        this.activation = b.activation;
        this.window = b.window;
        this.sampleSize = b.sampleSize;
        this.minSample = b.minSample;
        this.retrainEvery = b.retrainEvery;
        this.retrainIntervalMillis = b.retrainIntervalMillis;
        this.maxEpochs = b.maxEpochs;
        this.patience = b.patience;
        this.batchSize = b.batchSize;
        this.learningRate = b.learningRate;
        this.validationFraction = b.validationFraction;
        this.warmStart = b.warmStart;
        this.contamination = b.contamination;
        this.calibrationWindow = b.calibrationWindow;
        this.tailFraction = b.tailFraction;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return AutoencoderDetector.NAME;
    }

    @Override
    public Detector newDetector() {
        return new AutoencoderDetector(this);
    }

    /** Widths of the hidden layers between input and output, e.g. {@code [8, 2, 8]}. */
    public int[] hidden() {
        return hidden.clone();
    }

    /** The hidden layers' non-linearity (the output layer is linear). */
    public DenseAutoencoder.Activation activation() {
        return activation;
    }

    /** Sliding-window length (values) a univariate series is judged by. */
    public int window() {
        return window;
    }

    /** Training vectors kept in the sliding sample. */
    public int sampleSize() {
        return sampleSize;
    }

    /** Training vectors needed before the first model. */
    public int minSample() {
        return minSample;
    }

    /** Points between two trainings. */
    public int retrainEvery() {
        return retrainEvery;
    }

    /** Event time between two trainings in milliseconds; 0 = only {@link #retrainEvery}. */
    public long retrainIntervalMillis() {
        return retrainIntervalMillis;
    }

    /** Cap on the epochs of one training. */
    public int maxEpochs() {
        return maxEpochs;
    }

    /** Epochs without a better held-out loss before training stops. */
    public int patience() {
        return patience;
    }

    /** Mini-batch size. */
    public int batchSize() {
        return batchSize;
    }

    /** Adam step size. */
    public double learningRate() {
        return learningRate;
    }

    /** Share of the sample held out for early stopping. */
    public double validationFraction() {
        return validationFraction;
    }

    /** Whether a retraining starts from the previous weights. */
    public boolean warmStart() {
        return warmStart;
    }

    /** The contamination fraction, or {@link #AUTO}. */
    public double contamination() {
        return contamination;
    }

    /** Error magnitudes kept to calibrate scores: the first model's training errors, then scored points'. */
    public int calibrationWindow() {
        return calibrationWindow;
    }

    /** Share of the calibration sample modelled as the exponential tail. */
    public double tailFraction() {
        return tailFraction;
    }

    /** The job spec's seed. */
    public long seed() {
        return seed;
    }

    @Override
    public double threshold() {
        return contamination == AUTO ? AUTO_THRESHOLD : 1.0 - contamination;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AutoencoderConfig c
                && Arrays.equals(hidden, c.hidden)
                && activation == c.activation
                && window == c.window
                && sampleSize == c.sampleSize
                && minSample == c.minSample
                && retrainEvery == c.retrainEvery
                && retrainIntervalMillis == c.retrainIntervalMillis
                && maxEpochs == c.maxEpochs
                && patience == c.patience
                && batchSize == c.batchSize
                && learningRate == c.learningRate
                && validationFraction == c.validationFraction
                && warmStart == c.warmStart
                && contamination == c.contamination
                && calibrationWindow == c.calibrationWindow
                && tailFraction == c.tailFraction
                && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(hidden), activation, window, sampleSize, minSample, retrainEvery,
                retrainIntervalMillis, maxEpochs, patience, batchSize, learningRate, validationFraction, warmStart,
                contamination, calibrationWindow, tailFraction, seed);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT,
                "AutoencoderConfig{hidden=%s, activation=%s, window=%d, sampleSize=%d, minSample=%d, retrainEvery=%d, "
                        + "retrainInterval=%dms, maxEpochs=%d, patience=%d, batchSize=%d, learningRate=%s, "
                        + "validationFraction=%s, warmStart=%s, contamination=%s, calibrationWindow=%d, tailFraction=%s, "
                        + "seed=%d}",
                Arrays.toString(hidden), activation, window, sampleSize, minSample, retrainEvery, retrainIntervalMillis, maxEpochs,
                patience, batchSize, learningRate, validationFraction, warmStart,
                contamination == AUTO ? "auto" : contamination, calibrationWindow, tailFraction, seed);
    }

    /** Builder with the defaults of {@code jobs/default.yaml}. */
    public static final class Builder {
        private int[] hidden = {8, 2, 8};
        private DenseAutoencoder.Activation activation = DenseAutoencoder.Activation.ELU;
        private int window = 32;
        private int sampleSize = 1024;
        private int minSample = 256;
        private int retrainEvery = 750;
        private long retrainIntervalMillis = 0;
        private int maxEpochs = 50;
        private int patience = 5;
        private int batchSize = 32;
        private double learningRate = 0.005;
        private double validationFraction = 0.2;
        private boolean warmStart = true;
        private double contamination = AUTO;
        private int calibrationWindow = 1000;
        private double tailFraction = 0.1;
        private long seed = 42;

        public Builder hidden(int... v) { this.hidden = v == null ? null : v.clone(); return this; }
        public Builder activation(DenseAutoencoder.Activation v) { this.activation = v; return this; }
        public Builder window(int v) { this.window = v; return this; }
        public Builder sampleSize(int v) { this.sampleSize = v; return this; }
        public Builder minSample(int v) { this.minSample = v; return this; }
        public Builder retrainEvery(int v) { this.retrainEvery = v; return this; }
        /** Event time between trainings in milliseconds; 0 switches the time trigger off. */
        public Builder retrainIntervalMillis(long v) { this.retrainIntervalMillis = v; return this; }
        public Builder maxEpochs(int v) { this.maxEpochs = v; return this; }
        public Builder patience(int v) { this.patience = v; return this; }
        public Builder batchSize(int v) { this.batchSize = v; return this; }
        public Builder learningRate(double v) { this.learningRate = v; return this; }
        public Builder validationFraction(double v) { this.validationFraction = v; return this; }
        public Builder warmStart(boolean v) { this.warmStart = v; return this; }
        /** A fraction in (0, 0.5), or {@link AutoencoderConfig#AUTO}. */
        public Builder contamination(double v) { this.contamination = v; return this; }
        public Builder calibrationWindow(int v) { this.calibrationWindow = v; return this; }
        public Builder tailFraction(double v) { this.tailFraction = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }

        /** Validates and builds; messages name the job-spec key and the bad value. */
        public AutoencoderConfig build() {
            check(hidden != null && hidden.length >= 1 && hidden.length <= 8, "hidden",
                    hidden == null ? null : Arrays.toString(hidden), "must list 1 to 8 layer widths");
            for (int h : hidden) {
                check(h >= 1 && h <= 256, "hidden", Arrays.toString(hidden), "widths must be in [1, 256]");
            }
            check(activation != null, "activation", null, "must be one of tanh, elu, leaky-relu");
            check(window >= 2 && window <= 1024, "window", window, "must be in [2, 1024]");
            check(sampleSize >= 32 && sampleSize <= 100_000, "sampleSize", sampleSize, "must be in [32, 100000]");
            check(minSample >= 16 && minSample <= sampleSize, "minSample", minSample,
                    "must be in [16, sampleSize (" + sampleSize + ")]");
            check(retrainEvery >= 1 && retrainEvery <= 100_000_000, "retrainEvery", retrainEvery,
                    "must be in [1, 100000000]");
            check(retrainIntervalMillis >= 0, "retrainInterval", retrainIntervalMillis + "ms", "must be >= 0s");
            check(maxEpochs >= 1 && maxEpochs <= 10_000, "maxEpochs", maxEpochs, "must be in [1, 10000]");
            check(patience >= 1 && patience <= maxEpochs, "patience", patience,
                    "must be in [1, maxEpochs (" + maxEpochs + ")]");
            check(batchSize >= 1 && batchSize <= 4096, "batchSize", batchSize, "must be in [1, 4096]");
            check(learningRate > 0 && learningRate < 1, "learningRate", learningRate, "must be in (0, 1)");
            check(validationFraction > 0 && validationFraction <= 0.5, "validationFraction", validationFraction,
                    "must be in (0, 0.5]");
            check(contamination == AUTO || (contamination > 0 && contamination < 0.5), "contamination", contamination,
                    "must be 'auto' or a fraction in (0, 0.5)");
            check(calibrationWindow >= 20 && calibrationWindow <= 1_000_000, "calibrationWindow", calibrationWindow,
                    "must be in [20, 1000000]");
            check(tailFraction > 0 && tailFraction <= 0.5, "tailFraction", tailFraction, "must be in (0, 0.5]");
            return new AutoencoderConfig(this);
        }

        private static void check(boolean ok, String key, Object value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("detectors.autoencoder." + key + ": " + rule + ", got " + value);
            }
        }
    }
}
