package io.vigil.model;

import java.util.List;
import java.util.Map;

/**
 * Every input point after detection, anomalous or not: what the backtest writes row by row and
 * what the cleaned stream is made from.
 *
 * @param series series id
 * @param ts event time, epoch milliseconds
 * @param fields one verdict per field, in the input's field order
 * @param tags the input's tags
 * @param modelVersion number of points the series' detectors have been updated with (monotonic per series)
 * @param events the anomaly events this point publishes: incidents it opens and incidents it closes
 *     (see {@link AnomalyEvent#status}); empty for most points
 * @param suppressed anomalous fields of this point that opened no incident because of an alerting
 *     rule (minimum score, cooldown, mute): counted, and still anomalous in {@link #fields}
 */
public record ScoredPoint(String series, long ts, List<FieldScore> fields, Map<String, String> tags, long modelVersion,
        List<AnomalyEvent> events, int suppressed) {

    public ScoredPoint {
        tags = tags == null ? Map.of() : tags;
        events = events == null ? List.of() : events;
    }

    /** A scored point that publishes no events. */
    public ScoredPoint(String series, long ts, List<FieldScore> fields, Map<String, String> tags, long modelVersion) {
        this(series, ts, fields, tags, modelVersion, List.of(), 0);
    }

    /** Whether any field is anomalous. */
    public boolean anomalous() {
        for (FieldScore f : fields) {
            if (f.anomaly()) {
                return true;
            }
        }
        return false;
    }
}
