package io.vigil.model;

import java.util.Map;

/**
 * An anomaly as published on the anomaly topic (see the data contract in README.md).
 *
 * @param series series id
 * @param ts event time of the anomalous point, epoch millis
 * @param field the anomalous field ({@code "value"} for univariate series)
 * @param value observed value
 * @param expected expected value
 * @param lower lower bound of the normal band
 * @param upper upper bound of the normal band
 * @param score calibrated score in [0,1]: the same value means the same rarity everywhere
 * @param severity severity band of the score
 * @param direction {@code "up"} or {@code "down"}
 * @param importance distance beyond the violated bound divided by |value|
 * @param detectors calibrated score per detector
 * @param kind {@code "point"} (one anomalous point) or {@code "subsequence"} (consecutive anomalous
 *     points merged into one incident)
 * @param start start of the anomaly, epoch millis
 * @param end end of the anomaly (its newest anomalous point so far), epoch millis
 * @param status {@code "open"}: the first event of an incident, published at its first anomalous point;
 *     {@code "closed"}: the incident's last event, published once enough normal points followed it,
 *     carrying its full extent and its peak (the values of the highest-scoring point)
 * @param points anomalous points in the incident so far
 * @param corrected replacement value for a cleaned stream
 * @param explanation human-readable reason
 * @param modelVersion the series' model version that produced the verdict
 * @param tags the input's tags
 */
public record AnomalyEvent(
        String series,
        long ts,
        String field,
        double value,
        double expected,
        double lower,
        double upper,
        double score,
        String severity,
        String direction,
        double importance,
        Map<String, Double> detectors,
        String kind,
        long start,
        long end,
        String status,
        int points,
        double corrected,
        String explanation,
        long modelVersion,
        Map<String, String> tags) {

    /** {@link #status} of an incident's first event. */
    public static final String OPEN = "open";

    /** {@link #status} of an incident's last event. */
    public static final String CLOSED = "closed";

    public AnomalyEvent {
        detectors = detectors == null ? Map.of() : detectors;
        status = status == null ? OPEN : status;
        tags = tags == null ? Map.of() : tags;
    }
}
