package io.vigil.operator;

import io.vigil.model.DeadLetter;
import io.vigil.model.InputPoint;
import io.vigil.model.ParsedRecord;
import io.vigil.model.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sends points that arrive after the watermark has passed them by more than the allowed lateness
 * to the dead letters (reason {@code LATE}), with their original bytes. Runs right after watermark
 * assignment, chained, so it sees the same watermark the points were measured against; the keyed
 * detector downstream sees an equal or older watermark, so nothing it receives is later than this.
 */
public final class LatenessFilter extends ProcessFunction<ParsedRecord, InputPoint> {

    private static final long serialVersionUID = 1L;

    private final long allowedLatenessMs;
    private transient Counter late;

    public LatenessFilter(long allowedLatenessMs) {
        this.allowedLatenessMs = allowedLatenessMs;
    }

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().counter("lateRecords");
    }

    @Override
    public void processElement(ParsedRecord r, Context ctx, Collector<InputPoint> out) {
        long wm = ctx.timerService().currentWatermark();
        long ts = r.point().ts();
        if (wm != Long.MIN_VALUE && ts + allowedLatenessMs <= wm) {
            // the same rule as Flink's window operator: late once the watermark has reached ts + lateness
            late.inc();
            RawRecord raw = r.raw();
            ctx.output(ParseFunction.DEAD_LETTERS, new DeadLetter(DeadLetter.Reason.LATE,
                    "ts " + ts + " is " + (wm - ts) + " ms behind the watermark " + wm
                            + " (time.allowedLateness " + allowedLatenessMs + " ms)",
                    raw.topic(), raw.partition(), raw.offset(), raw.payload()));
            return;
        }
        out.collect(r.point());
    }
}
