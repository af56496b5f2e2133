package io.vigil.operator;

import io.vigil.config.JobSpec;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.DetectorTimings;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.io.flink.VigilTypes;
import io.vigil.io.EventJson;
import io.vigil.model.DeadLetter;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector operator, keyed by series: puts each series' points in event-time order, runs the
 * series' detectors on them, and emits every point scored. Thin by design: the algorithms live in
 * {@link SeriesScorer}; this class only moves state and timers.
 *
 * <p>Event-time order: a point is buffered (keyed map state, by timestamp) until the watermark
 * passes it, then scored when its event-time timer fires; timers fire in timestamp order, and
 * points with the same timestamp are scored in content order (field names, then values). So the
 * same input gives the same scores whatever the arrival order within the out-of-orderness bound —
 * which is also what makes a backtest over a file predict the streaming job. A point at or behind
 * the watermark (admitted by {@code time.allowedLateness}) is scored at once.
 *
 * <p>State per series: {@code series} (all detector state, one versioned object), {@code pending}
 * (buffered points) and {@code lastSeen}/{@code expiry} (for the idle timeout). A series with no
 * point for {@code state.seriesTtl} of event time is dropped entirely; it restarts cold if it
 * comes back. The expiry timer is re-armed lazily (one timer per series, not one per point).
 *
 * <p>Bounded keys: each parallel instance tracks at most {@code state.maxSeries} series. The count
 * is operator state (checkpointed with the keyed state, so it survives a restart; after a rescale
 * the restored counts are summed and split evenly, an approximation until series expire). A point
 * of a new series beyond the cap is not scored: it goes to the dead-letter output as
 * {@code SERIES_LIMIT} (nothing is dropped silently), is counted in {@code seriesRejected}, and a
 * warning is logged at most once a minute. {@code seriesTracked} is a gauge.
 */
public final class DetectorFunction extends KeyedProcessFunction<String, InputPoint, ScoredPoint>
        implements CheckpointedFunction {

    private static final Logger LOG = LoggerFactory.getLogger(DetectorFunction.class);

    private static final long serialVersionUID = 1L;

    /** Order of points that share a timestamp: by field names, then values. */
    static final java.util.Comparator<InputPoint> SAME_TS_ORDER = (a, b) -> {
        int c = java.util.Arrays.compare(a.fields(), b.fields());
        return c != 0 ? c : java.util.Arrays.compare(a.values(), b.values());
    };

    private final JobSpec spec;

    private transient ValueState<SeriesState> series;
    private transient MapState<Long, List<InputPoint>> pending;
    private transient ValueState<Long> lastSeen;
    private transient ValueState<Long> expiry;
    private transient Map<DetectorSettings, SeriesScorer> scorers;
    private transient DetectorTimings timings;
    private transient Counter scored;
    private transient Counter anomalies;
    private transient Counter expired;
    private transient Counter suppressed;
    private transient Counter rejected;
    private transient ListState<Long> trackedState;
    private transient long tracked;
    private transient long lastCapWarning;

    public DetectorFunction(JobSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext ctx) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", VigilTypes.SERIES_STATE));
        pending = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("pending", Types.LONG, new ListTypeInfo<>(VigilTypes.POINT)));
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("lastSeen", Types.LONG));
        expiry = getRuntimeContext().getState(new ValueStateDescriptor<>("expiry", Types.LONG));
        scorers = new java.util.concurrent.ConcurrentHashMap<>(); // the metric reporter reads it too
        timings = new DetectorTimings();
        // per detector: sampled update time, and the retrains of its instances in this operator
        for (String name : DetectorSettings.ALL) {
            org.apache.flink.metrics.MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("detector", name);
            g.gauge("nanosPerUpdate", (Gauge<Double>) () -> timings.nanosPerUpdate(name));
            g.gauge("retrains", (Gauge<Long>) () -> retrains(name, false));
            g.gauge("retrainMillis", (Gauge<Double>) () -> retrains(name, true) / 1e6);
        }
        scored = getRuntimeContext().getMetricGroup().counter("pointsScored");
        anomalies = getRuntimeContext().getMetricGroup().counter("anomalousPoints");
        expired = getRuntimeContext().getMetricGroup().counter("seriesExpired");
        suppressed = getRuntimeContext().getMetricGroup().counter("suppressedAlerts");
        rejected = getRuntimeContext().getMetricGroup().counter("seriesRejected");
        getRuntimeContext().getMetricGroup().gauge("seriesTracked", (Gauge<Long>) () -> tracked);
    }

    @Override
    public void processElement(InputPoint p, Context ctx, Collector<ScoredPoint> out) throws Exception {
        long ts = p.ts();
        Long seen = lastSeen.value();
        if (seen == null) {
            if (tracked >= spec.maxSeries()) {
                reject(p, ctx);
                return;
            }
            tracked++;
        }
        if (seen == null || ts > seen) {
            lastSeen.update(ts);
        }
        if (expiry.value() == null) {
            long at = saturatedAdd(ts, spec.seriesTtl().toMillis());
            expiry.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
        if (ts <= ctx.timerService().currentWatermark()) {
            score(p, out);
            return;
        }
        List<InputPoint> atTs = pending.get(ts);
        if (atTs == null) {
            atTs = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(ts);
        }
        // points of one timestamp are scored in content order, not arrival order: arrival order
        // among equal timestamps is not stable across parallel paths (a backtest's file source,
        // a repartitioned topic), and the same input must give the same verdicts
        int at = atTs.size();
        while (at > 0 && SAME_TS_ORDER.compare(atTs.get(at - 1), p) > 0) {
            at--;
        }
        atTs.add(at, p);
        pending.put(ts, atTs);
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<ScoredPoint> out) throws Exception {
        List<InputPoint> due = pending.get(ts);
        if (due != null) {
            pending.remove(ts);
            for (InputPoint p : due) {
                score(p, out);
            }
        }
        Long exp = expiry.value();
        if (exp != null && exp == ts) {
            long idleUntil = saturatedAdd(lastSeen.value(), spec.seriesTtl().toMillis());
            if (idleUntil <= ts && pending.isEmpty()) {
                series.clear();
                lastSeen.clear();
                expiry.clear();
                expired.inc();
                tracked = Math.max(0, tracked - 1);
            } else {
                expiry.update(idleUntil);
                ctx.timerService().registerEventTimeTimer(idleUntil);
            }
        }
    }

    private long retrains(String detector, boolean nanos) {
        long sum = 0;
        for (SeriesScorer s : scorers.values()) {
            for (io.vigil.detect.Detector d : s.detectors()) {
                if (d.name().equals(detector)) {
                    sum += nanos ? d.retrainNanos() : d.retrains();
                }
            }
        }
        return sum;
    }

    private void reject(InputPoint p, Context ctx) {
        rejected.inc();
        long now = System.currentTimeMillis();
        if (now - lastCapWarning > 60_000) {
            lastCapWarning = now;
            LOG.warn("state.maxSeries ({}) reached on subtask {}: points of new series (e.g. '{}') go to the "
                    + "dead-letter topic as SERIES_LIMIT until tracked series expire (state.seriesTtl); "
                    + "{} rejected so far", spec.maxSeries(), getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    p.series().length() > 100 ? p.series().substring(0, 100) + "..." : p.series(), rejected.getCount());
        }
        ctx.output(ParseFunction.DEAD_LETTERS, new DeadLetter(DeadLetter.Reason.SERIES_LIMIT,
                "series '" + (p.series().length() > 200 ? p.series().substring(0, 200) + "..." : p.series())
                        + "' is new and this subtask already tracks state.maxSeries = " + spec.maxSeries()
                        + " series", "", -1, -1, EventJson.point(p)));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        trackedState.update(List.of(tracked));
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        trackedState = ctx.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("trackedSeries", Types.LONG));
        long sum = 0;
        for (Long n : trackedState.get()) {
            sum += n;
        }
        // even-split redistribution: after a rescale each instance gets a share of the old counts
        tracked = sum;
    }

    private void score(InputPoint p, Collector<ScoredPoint> out) throws Exception {
        SeriesScorer scorer = scorers.computeIfAbsent(spec.detectorsFor(p.series()),
                d -> new SeriesScorer(d, spec.alerting(), timings));
        SeriesState s = series.value();
        if (s == null) {
            s = scorer.newState();
        }
        ScoredPoint result = scorer.score(s, p);
        series.update(s);
        scored.inc();
        if (result.anomalous()) {
            anomalies.inc();
        }
        if (result.suppressed() > 0) {
            suppressed.inc(result.suppressed());
        }
        out.collect(result);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
