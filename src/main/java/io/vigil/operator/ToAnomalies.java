package io.vigil.operator;

import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeverityBands;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.ScoredPoint;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** One anomaly event per anomalous field of a scored point. */
public final class ToAnomalies implements FlatMapFunction<ScoredPoint, AnomalyEvent> {

    private static final long serialVersionUID = 1L;

    private final SeverityBands severity;

    public ToAnomalies(SeverityBands severity) {
        this.severity = severity;
    }

    @Override
    public void flatMap(ScoredPoint p, Collector<AnomalyEvent> out) {
        if (p.anomalous()) {
            for (AnomalyEvent e : SeriesScorer.anomalies(p, severity)) {
                out.collect(e);
            }
        }
    }
}
