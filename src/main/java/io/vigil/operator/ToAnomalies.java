package io.vigil.operator;

import io.vigil.model.AnomalyEvent;
import io.vigil.model.ScoredPoint;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The anomaly events a scored point publishes: the incidents it opens and closes (decided in the
 * keyed detector operator, where the incident state lives).
 */
public final class ToAnomalies implements FlatMapFunction<ScoredPoint, AnomalyEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(ScoredPoint p, Collector<AnomalyEvent> out) {
        for (AnomalyEvent e : p.events()) {
            out.collect(e);
        }
    }
}
