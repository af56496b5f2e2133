package io.vigil.model;

import java.util.List;
import java.util.Map;

/**
 * The verdict on one field of one point, after all enabled detectors ran on it.
 *
 * @param field field name ({@code "value"} for univariate points)
 * @param value observed value
 * @param ready false while every detector is still in its cold start (then score is 0, bounds NaN)
 * @param score combined calibrated score in [0,1]
 * @param onset the score when this point starts an anomaly — its score exceeds every score of the field's
 *     previous {@code alerting.onsetWindow} points — else 0: what the backtest's NAB sweep and an alert
 *     threshold see, so an incident is reported once, at its start, and again only if it gets worse
 * @param anomaly whether the combined verdict is anomalous
 * @param expected expected value (NaN when not ready)
 * @param lower lower bound of the normal band (NaN when not ready)
 * @param upper upper bound of the normal band (NaN when not ready)
 * @param corrected the value to publish in a cleaned stream: {@code expected} when anomalous, else {@code value}
 * @param detectors calibrated score per ready detector, in a stable order
 * @param fired names of the detectors whose own verdict was anomalous
 * @param explanation short human-readable reason (empty when normal)
 */
public record FieldScore(
        String field,
        double value,
        boolean ready,
        double score,
        double onset,
        boolean anomaly,
        double expected,
        double lower,
        double upper,
        double corrected,
        Map<String, Double> detectors,
        List<String> fired,
        String explanation) {

    public FieldScore {
        detectors = detectors == null ? Map.of() : detectors;
        fired = fired == null ? List.of() : fired;
        explanation = explanation == null ? "" : explanation;
    }

    /** This verdict with another onset score. */
    public FieldScore withOnset(double onsetScore) {
        return new FieldScore(field, value, ready, score, onsetScore, anomaly, expected, lower, upper, corrected,
                detectors, fired, explanation);
    }
}
