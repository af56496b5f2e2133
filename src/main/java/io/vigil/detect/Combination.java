package io.vigil.detect;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How the verdicts of several detectors on one field become one: the job spec's
 * {@code detectors.combine} (overridable per series, so weights can differ between series).
 *
 * <ul>
 *   <li>{@code max} (default): the score is the largest detector score; the field is anomalous when
 *       any detector fired. Scores are calibrated tail probabilities, so the maximum compares like
 *       with like — the most sensitive rule.
 *   <li>{@code mean}: the score is the weighted mean of the ready detectors' scores; anomalous at or
 *       above {@code threshold}. Quieter: one detector alone rarely carries the mean.
 *   <li>{@code vote}: anomalous when at least {@code votes} detectors fired (k of n); the score is the
 *       {@code votes}-th largest detector score, so the score says how strongly the k-th voter agrees.
 *       While fewer detectors are ready than {@code votes}, all of the ready ones must fire.
 * </ul>
 *
 * @param rule the rule
 * @param votes detectors that must fire under {@code vote}
 * @param threshold combined score at or above which a field is anomalous under {@code mean}
 * @param weights weight per detector under {@code mean} (absent = 1)
 */
public record Combination(Rule rule, int votes, double threshold, Map<String, Double> weights)
        implements Serializable {

    /** The combination rule. */
    public enum Rule { MAX, MEAN, VOTE }

    public Combination {
        weights = Map.copyOf(weights);
        if (votes < 1) {
            throw new IllegalArgumentException("detectors.combine.votes: must be >= 1, got " + votes);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("detectors.combine.threshold: must be in (0, 1), got " + threshold);
        }
        for (Map.Entry<String, Double> w : weights.entrySet()) {
            if (!(w.getValue() >= 0) || w.getValue().isInfinite()) {
                throw new IllegalArgumentException("detectors.combine.weights." + w.getKey()
                        + ": must be a finite number >= 0, got " + w.getValue());
            }
        }
    }

    /** The default: max. */
    public static Combination defaults() {
        return new Combination(Rule.MAX, 2, 0.999, Map.of());
    }

    /** The weight of a detector under {@code mean}. */
    public double weight(String detector) {
        Double w = weights.get(detector);
        return w == null ? 1.0 : w;
    }

    /**
     * Combines the ready verdicts of one field.
     *
     * @param names detector names, parallel to {@code verdicts}
     * @param verdicts the verdicts; the ones not ready are ignored
     * @return the combined score and whether the field is anomalous
     */
    public Result combine(String[] names, Verdict[] verdicts) {
        int ready = 0;
        int fired = 0;
        double max = 0;
        double sum = 0;
        double weightSum = 0;
        for (int d = 0; d < verdicts.length; d++) {
            Verdict v = verdicts[d];
            if (!v.ready()) {
                continue;
            }
            ready++;
            if (v.anomaly()) {
                fired++;
            }
            max = Math.max(max, v.score());
            double w = weight(names[d]);
            sum += w * v.score();
            weightSum += w;
        }
        if (ready == 0) {
            return new Result(0.0, false);
        }
        return switch (rule) {
            case MAX -> new Result(max, fired > 0);
            case MEAN -> {
                double mean = weightSum > 0 ? sum / weightSum : 0.0;
                yield new Result(mean, mean >= threshold);
            }
            case VOTE -> {
                int k = Math.min(votes, ready);
                yield new Result(kthLargest(verdicts, k), fired >= k);
            }
        };
    }

    private static double kthLargest(Verdict[] verdicts, int k) {
        // k and the number of detectors are tiny: a selection by repeated passes, no allocation
        double bound = Double.POSITIVE_INFINITY;
        double kth = 0;
        int taken = 0;
        while (taken < k) {
            double best = Double.NEGATIVE_INFINITY;
            int count = 0;
            for (Verdict v : verdicts) {
                if (!v.ready() || v.score() >= bound) {
                    continue;
                }
                if (v.score() > best) {
                    best = v.score();
                    count = 1;
                } else if (v.score() == best) {
                    count++;
                }
            }
            if (best == Double.NEGATIVE_INFINITY) {
                break;
            }
            kth = best;
            taken += count;
            bound = best;
        }
        return kth;
    }

    /** The combined verdict of one field. */
    public record Result(double score, boolean anomaly) {}

    /** Names of the rules, for messages. */
    public static List<String> ruleNames() {
        return List.of("max", "mean", "vote");
    }
}
