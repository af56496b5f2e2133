package io.vigil.detect.stl;

import io.vigil.detect.Detector;
import io.vigil.detect.DetectorConfig;

/**
 * Settings of the STL detector for one series. Immutable; built and validated by {@link Builder}.
 * Validation messages name the job-spec key ({@code detectors.stl.<name>}) so a bad job spec
 * fails at start with a message a user can act on.
 */
public final class StlConfig implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    /** Period 0 in the config means: detect it from the autocorrelation of the warm-up data. */
    public static final int AUTO = 0;

    private final int period;
    private final int minPeriod;
    private final int maxPeriod;
    private final int windowPeriods;
    private final int nonSeasonalWindow;
    private final int seasonalSpan;
    private final boolean robust;
    private final double threshold;
    private final int calibrationWindow;
    private final int minCalibration;
    private final double tailFraction;
    private final int maxGapFill;

    private StlConfig(Builder b) {
        this.period = b.period;
        this.minPeriod = b.minPeriod;
        this.maxPeriod = b.maxPeriod;
        this.windowPeriods = b.windowPeriods;
        this.nonSeasonalWindow = b.nonSeasonalWindow;
        this.seasonalSpan = b.seasonalSpan;
        this.robust = b.robust;
        this.threshold = b.threshold;
        this.calibrationWindow = b.calibrationWindow;
        this.minCalibration = b.minCalibration;
        this.tailFraction = b.tailFraction;
        this.maxGapFill = b.maxGapFill;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return StlDetector.NAME;
    }

    @Override
    public Detector newDetector() {
        return new StlDetector(this);
    }

    /** Period in points, or {@link #AUTO}. */
    public int period() {
        return period;
    }

    /** Smallest period auto-detection considers. */
    public int minPeriod() {
        return minPeriod;
    }

    /** Largest period auto-detection considers; warm-up for detection is 3 × this many points at most. */
    public int maxPeriod() {
        return maxPeriod;
    }

    /** Rolling window length in periods. */
    public int windowPeriods() {
        return windowPeriods;
    }

    /** Rolling window length in points when the series has no period. */
    public int nonSeasonalWindow() {
        return nonSeasonalWindow;
    }

    /** STL seasonal smoother span (odd, at least 7). */
    public int seasonalSpan() {
        return seasonalSpan;
    }

    /** Whether STL runs its outer robustness iterations. */
    public boolean robust() {
        return robust;
    }

    /** Calibrated score at or above which a point is anomalous. */
    @Override
    public double threshold() {
        return threshold;
    }

    /** How many recent residual z-values the calibration keeps. */
    public int calibrationWindow() {
        return calibrationWindow;
    }

    /** Below this many residuals in the calibration, a Gaussian tail is used instead. */
    public int minCalibration() {
        return minCalibration;
    }

    /** Share of the calibration sample treated as the tail (peaks over threshold). */
    public double tailFraction() {
        return tailFraction;
    }

    /** Longest gap (in missing points) filled with expected values; longer gaps restart the window. */
    public int maxGapFill() {
        return maxGapFill;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StlConfig c
                && period == c.period
                && minPeriod == c.minPeriod
                && maxPeriod == c.maxPeriod
                && windowPeriods == c.windowPeriods
                && nonSeasonalWindow == c.nonSeasonalWindow
                && seasonalSpan == c.seasonalSpan
                && robust == c.robust
                && threshold == c.threshold
                && calibrationWindow == c.calibrationWindow
                && minCalibration == c.minCalibration
                && tailFraction == c.tailFraction
                && maxGapFill == c.maxGapFill;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(period, minPeriod, maxPeriod, windowPeriods, nonSeasonalWindow, seasonalSpan,
                robust, threshold, calibrationWindow, minCalibration, tailFraction, maxGapFill);
    }

    @Override
    public String toString() {
        return "StlConfig{period=" + (period == AUTO ? "auto" : period) + ", window=" + windowPeriods + " periods"
                + ", robust=" + robust + ", threshold=" + threshold + ", calibrationWindow=" + calibrationWindow + "}";
    }

    /** Builder with the defaults of {@code jobs/default.yaml}. */
    public static final class Builder {
        private int period = AUTO;
        private int minPeriod = 4;
        private int maxPeriod = 500;
        private int windowPeriods = 4;
        private int nonSeasonalWindow = 64;
        private int seasonalSpan = 7;
        private boolean robust = true;
        private double threshold = 0.999;
        private int calibrationWindow = 1000;
        private int minCalibration = 30;
        private double tailFraction = 0.1;
        private int maxGapFill = -1;

        public Builder period(int v) { this.period = v; return this; }
        public Builder minPeriod(int v) { this.minPeriod = v; return this; }
        public Builder maxPeriod(int v) { this.maxPeriod = v; return this; }
        public Builder windowPeriods(int v) { this.windowPeriods = v; return this; }
        public Builder nonSeasonalWindow(int v) { this.nonSeasonalWindow = v; return this; }
        public Builder seasonalSpan(int v) { this.seasonalSpan = v; return this; }
        public Builder robust(boolean v) { this.robust = v; return this; }
        public Builder threshold(double v) { this.threshold = v; return this; }
        public Builder calibrationWindow(int v) { this.calibrationWindow = v; return this; }
        public Builder minCalibration(int v) { this.minCalibration = v; return this; }
        public Builder tailFraction(double v) { this.tailFraction = v; return this; }
        /** Longest gap filled; -1 means one period (or the non-seasonal window). */
        public Builder maxGapFill(int v) { this.maxGapFill = v; return this; }

        /** Validates and builds; messages name the job-spec key and the bad value. */
        public StlConfig build() {
            check(period == AUTO || period >= 2, "period", period, "must be 'auto' or an integer >= 2");
            check(minPeriod >= 2, "minPeriod", minPeriod, "must be >= 2");
            check(maxPeriod >= minPeriod, "maxPeriod", maxPeriod, "must be >= minPeriod (" + minPeriod + ")");
            check(maxPeriod <= 100_000, "maxPeriod", maxPeriod, "must be <= 100000");
            check(windowPeriods >= 2 && windowPeriods <= 50, "windowPeriods", windowPeriods, "must be in [2, 50]");
            check(nonSeasonalWindow >= 8 && nonSeasonalWindow <= 100_000, "nonSeasonalWindow", nonSeasonalWindow,
                    "must be in [8, 100000]");
            check(seasonalSpan >= 3 && seasonalSpan % 2 == 1, "seasonalSpan", seasonalSpan, "must be odd and >= 3");
            check(threshold > 0 && threshold < 1, "threshold", threshold, "must be in (0, 1)");
            check(calibrationWindow >= 20 && calibrationWindow <= 1_000_000, "calibrationWindow", calibrationWindow,
                    "must be in [20, 1000000]");
            check(minCalibration >= 1 && minCalibration <= calibrationWindow, "minCalibration", minCalibration,
                    "must be in [1, calibrationWindow]");
            check(tailFraction > 0 && tailFraction <= 0.5, "tailFraction", tailFraction, "must be in (0, 0.5]");
            check(maxGapFill >= -1, "maxGapFill", maxGapFill, "must be >= 0, or -1 for one period");
            return new StlConfig(this);
        }

        private static void check(boolean ok, String key, Object value, String rule) {
            if (!ok) {
                throw new IllegalArgumentException("detectors.stl." + key + ": " + rule + ", got " + value);
            }
        }
    }
}
