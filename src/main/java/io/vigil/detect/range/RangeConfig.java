package io.vigil.detect.range;

import io.vigil.detect.Detector;
import io.vigil.detect.DetectorConfig;

/**
 * Settings of the range check for one series (job spec {@code detectors.range}); validated here
 * with messages that name the key.
 *
 * @param tolerance the past range is widened by this share of itself on each side before a value counts as beyond it
 * @param minPoints points before the check is armed (the range of a young series is not yet its range)
 * @param rarity rarity (−log10 of the tail probability) of a value just beyond the widened range
 * @param rarityPerRange rarity added per past range of excess (a value twice the range beyond the maximum is rarer)
 * @param quietPoints the check fires only when the field set no new extreme in this many points before: a
 *     trending or still-growing series keeps setting new extremes and is left to the other detectors
 * @param threshold calibrated score at or above which the check fires (every value beyond the range scores at
 *     least {@code 1 − 10^−rarity})
 */
public record RangeConfig(double tolerance, int minPoints, double rarity, double rarityPerRange, int quietPoints,
        double threshold) implements DetectorConfig {

    private static final long serialVersionUID = 1L;

    /** The highest rarity the check reports (a score of 1 − 10⁻¹²). */
    public static final double MAX_RARITY = 12;

    public static final RangeConfig DEFAULTS = new RangeConfig(0.0, 500, 6.0, 30.0, 100, 0.999);

    public RangeConfig {
        check(tolerance >= 0 && tolerance <= 10, "tolerance", tolerance, "in [0, 10]");
        check(minPoints >= 2 && minPoints <= 100_000_000, "minPoints", minPoints, "in [2, 100000000]");
        check(rarity > 0 && rarity <= MAX_RARITY, "rarity", rarity, "in (0, " + (int) MAX_RARITY + "]");
        check(rarityPerRange >= 0 && rarityPerRange <= 1000, "rarityPerRange", rarityPerRange, "in [0, 1000]");
        check(quietPoints >= 0 && quietPoints <= 100_000_000, "quietPoints", quietPoints, "in [0, 100000000]");
        check(threshold > 0 && threshold <= 1, "threshold", threshold, "in (0, 1]");
    }

    private static void check(boolean ok, String key, double value, String range) {
        if (!ok) {
            throw new IllegalArgumentException("detectors." + RangeDetector.NAME + "." + key + ": must be " + range
                    + ", got " + (value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value)
                            : String.valueOf(value)));
        }
    }

    @Override
    public String name() {
        return RangeDetector.NAME;
    }

    @Override
    public Detector newDetector() {
        return new RangeDetector(this);
    }

    public RangeConfig withTolerance(double v) {
        return new RangeConfig(v, minPoints, rarity, rarityPerRange, quietPoints, threshold);
    }

    public RangeConfig withMinPoints(int v) {
        return new RangeConfig(tolerance, v, rarity, rarityPerRange, quietPoints, threshold);
    }

    public RangeConfig withQuietPoints(int v) {
        return new RangeConfig(tolerance, minPoints, rarity, rarityPerRange, v, threshold);
    }
}
