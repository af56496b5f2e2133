package io.vigil.detect.range;

import io.vigil.detect.FieldDetector;
import io.vigil.detect.Verdict;

/**
 * The range check: a value beyond everything the field has shown before is anomalous, however
 * ordinary its residual looks to a model that adapts to it. It catches what the residual
 * detectors are built to forgive — a slow drift to a level never seen, a sensor pinned at a new
 * extreme, a failure that arrives as a trend — and it is the cheapest detector there is: four
 * numbers per field, O(1) per point.
 *
 * <p>Score: a value beyond the past [min, max], widened by {@code tolerance} of the range on each
 * side, has rarity {@code rarity + rarityPerRange × excess / range} (capped at 12), i.e. score
 * {@code 1 − 10^−rarity}; any other value scores 0. The default rarity, 6, puts such a value on a
 * par with a one-in-a-million residual of the model detectors.
 *
 * <p>Two guards keep it honest. It is armed only after {@code minPoints} points, so a young
 * series does not fire on its own growth. And it fires only when the field set no new extreme in
 * the {@code quietPoints} points before: a series with a trend (monthly sales that grow every
 * year, a counter) sets new extremes all the time, and for it a new maximum is the normal course,
 * left to the residual detectors; a stationary series sets them rarely, and then they mean
 * something. (A trend slower than the noise around it can go quiet for longer than
 * {@code quietPoints}; it then fires once per quiet spell.) The range itself is the whole history of the field in state (a field idle past
 * {@code state.seriesTtl} starts over).
 *
 * <p>Instances hold configuration only; state lives in {@link RangeState}.
 */
public final class RangeDetector implements FieldDetector<RangeState> {

    /** The detector's name in outputs and the job spec. */
    public static final String NAME = "range";

    private final RangeConfig config;

    public RangeDetector(RangeConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    public RangeConfig config() {
        return config;
    }

    @Override
    public RangeState newState() {
        return new RangeState();
    }

    @Override
    public Class<RangeState> stateType() {
        return RangeState.class;
    }

    @Override
    public Verdict update(RangeState s, long ts, double value) {
        s.points++;
        double min = s.min;
        double max = s.max;
        if (value < s.min) {
            s.min = value;
        }
        if (value > s.max) {
            s.max = value;
        }
        if (s.points <= config.minPoints() || !(max > min)) {
            return Verdict.COLD;
        }
        boolean extreme = value > max || value < min;
        boolean quiet = s.lastExtreme == RangeState.NEVER || s.points - s.lastExtreme > config.quietPoints();
        if (extreme) {
            s.lastExtreme = s.points;
        }
        double range = max - min;
        double lower = min - config.tolerance() * range;
        double upper = max + config.tolerance() * range;
        double excess = Math.max(value - upper, lower - value);
        if (excess <= 0 || !quiet) {
            return new Verdict(true, 0.0, false, Double.NaN, lower, upper, 0.0);
        }
        double rarity = Math.min(RangeConfig.MAX_RARITY, config.rarity() + config.rarityPerRange() * excess / range);
        double score = 1 - Math.pow(10, -rarity);
        return new Verdict(true, score, score >= config.threshold(), Double.NaN, lower, upper, excess / range);
    }

    @Override
    public String explain(RangeState s, double value, Verdict v) {
        boolean above = value > v.upper();
        return "range: " + Verdict.format(value) + (above ? " is above the highest value so far, " : " is below the lowest value so far, ")
                + Verdict.format(above ? v.upper() : v.lower()) + " (by " + Math.round(100 * v.magnitude())
                + "% of the range)";
    }
}
