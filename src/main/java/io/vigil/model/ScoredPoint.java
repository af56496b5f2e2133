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
 */
public record ScoredPoint(String series, long ts, List<FieldScore> fields, Map<String, String> tags, long modelVersion) {

    public ScoredPoint {
        tags = tags == null ? Map.of() : tags;
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
