package io.vigil.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.JobSpec;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Operator harness tests: buffering in event time, timers, expiry, snapshot and restore. */
class DetectorFunctionTest {

    private static final long HOUR = 3_600_000L;
    private static final JobSpec SPEC = JobSpec.parse("""
            state: {seriesTtl: 2d}
            detectors: {stl: {period: 24}}
            """);

    private static KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DetectorFunction(SPEC)), InputPoint::series, Types.STRING);
        h.open();
        return h;
    }

    private static List<ScoredPoint> scored(KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint> h) {
        List<ScoredPoint> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((ScoredPoint) r.getValue());
            }
        }
        return out;
    }

    private static double value(long seed, int t) {
        return 10 + 3 * Math.sin(2 * Math.PI * t / 24) + new SplittableRandom(seed * 1000 + t).nextDouble();
    }

    @Test
    void buffersUntilTheWatermarkAndScoresInEventTimeOrder() throws Exception {
        try (var h = harness()) {
            h.processElement(InputPoint.of("a", 3 * HOUR, 3), 3 * HOUR);
            h.processElement(InputPoint.of("a", 1 * HOUR, 1), 1 * HOUR);
            h.processElement(InputPoint.of("b", 2 * HOUR, 2), 2 * HOUR);
            h.processElement(InputPoint.of("a", 2 * HOUR, 2), 2 * HOUR);
            assertThat(scored(h)).isEmpty();
            // one timer per (series, timestamp) for the points, one expiry timer per series
            assertThat(h.numEventTimeTimers()).isEqualTo(4 + 2);

            h.processWatermark(new Watermark(2 * HOUR));
            List<ScoredPoint> out = scored(h);
            assertThat(out).extracting(ScoredPoint::series, ScoredPoint::ts)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("a", 1 * HOUR),
                            org.assertj.core.groups.Tuple.tuple("a", 2 * HOUR),
                            org.assertj.core.groups.Tuple.tuple("b", 2 * HOUR));
            List<Long> aOrder = out.stream().filter(p -> p.series().equals("a")).map(ScoredPoint::ts).toList();
            assertThat(aOrder).containsExactly(1 * HOUR, 2 * HOUR);
            assertThat(out.stream().filter(p -> p.series().equals("a")).map(ScoredPoint::modelVersion).toList())
                    .containsExactly(1L, 2L);
            assertThat(h.numEventTimeTimers()).isEqualTo(1 + 2);

            h.processWatermark(new Watermark(3 * HOUR));
            assertThat(scored(h)).hasSize(4);
            assertThat(scored(h).get(0).fields().get(0).ready()).isFalse(); // cold start says so
        }
    }

    @Test
    void idleSeriesExpireAndRestartCold() throws Exception {
        try (var h = harness()) {
            for (int t = 0; t < 60; t++) {
                h.processElement(InputPoint.of("a", t * HOUR, value(1, t)), t * HOUR);
            }
            h.processWatermark(new Watermark(60 * HOUR));
            assertThat(h.numKeyedStateEntries()).isGreaterThan(0);
            assertThat(scored(h).get(59).fields().get(0).ready()).isTrue();

            // two days of event time without a point of "a": its state is dropped
            h.processWatermark(new Watermark((59 + 49) * HOUR));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();

            h.processElement(InputPoint.of("a", 200 * HOUR, 5), 200 * HOUR);
            h.processWatermark(new Watermark(200 * HOUR));
            ScoredPoint back = scored(h).get(scored(h).size() - 1);
            assertThat(back.modelVersion()).isEqualTo(1);
            assertThat(back.fields().get(0).ready()).isFalse();
        }
    }

    @Test
    void restoredOperatorContinuesWithIdenticalScores() throws Exception {
        List<ScoredPoint> uninterrupted;
        try (var h = harness()) {
            feed(h, 0, 150);
            uninterrupted = scored(h);
        }
        OperatorSubtaskState snapshot;
        List<ScoredPoint> firstPart;
        try (var h = harness()) {
            feed(h, 0, 80);
            firstPart = scored(h);
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint>(
                new KeyedProcessOperator<>(new DetectorFunction(SPEC)), InputPoint::series, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, 80, 150);
            List<ScoredPoint> all = new ArrayList<>(firstPart);
            all.addAll(scored(h));
            // across series, timers of one timestamp may fire in another order after a restore;
            // within a series the sequence must be identical
            for (String key : List.of("x", "y")) {
                assertThat(all.stream().filter(p -> p.series().equals(key)).toList()).as("series %s", key)
                        .isEqualTo(uninterrupted.stream().filter(p -> p.series().equals(key)).toList());
            }
            assertThat(all).hasSameSizeAs(uninterrupted);
        }
        assertThat(uninterrupted.stream().filter(p -> p.fields().get(0).ready()).count()).isGreaterThan(50);
    }

    @Test
    void incidentsAreTheSameWhenPointsArriveOutOfOrderWithinTheBound() throws Exception {
        // a burst of anomalies at hours 400..403 merges into one subsequence incident, whether the
        // points arrive in order or shuffled inside a 3-hour out-of-orderness bound
        List<InputPoint> points = new ArrayList<>();
        for (int t = 0; t < 430; t++) {
            double v = value(5, t) + (t >= 400 && t < 404 ? 40 : 0);
            points.add(InputPoint.of("z", t * HOUR, v));
        }
        List<io.vigil.model.AnomalyEvent> inOrder = events(points, 0);
        List<InputPoint> shuffled = new ArrayList<>(points);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i + 3 < shuffled.size(); i += 4) {
            java.util.Collections.swap(shuffled, i + rnd.nextInt(4), i + rnd.nextInt(4));
            java.util.Collections.swap(shuffled, i + rnd.nextInt(4), i + rnd.nextInt(4));
        }
        assertThat(shuffled).isNotEqualTo(points);
        assertThat(events(shuffled, 3 * HOUR)).isEqualTo(inOrder);
        List<io.vigil.model.AnomalyEvent> burst = inOrder.stream().filter(e -> e.start() == 400 * HOUR).toList();
        assertThat(burst).extracting(io.vigil.model.AnomalyEvent::status).containsExactly("open", "closed");
        io.vigil.model.AnomalyEvent closed = burst.get(1);
        assertThat(closed.kind()).isEqualTo("subsequence");
        assertThat(closed.start()).isEqualTo(400 * HOUR);
        assertThat(closed.end()).isBetween(401 * HOUR, 403 * HOUR);
    }

    @Test
    void aCapOnTrackedSeriesSendsPointsOfNewSeriesToDeadLettersUntilOneExpires() throws Exception {
        JobSpec capped = JobSpec.parse("""
                state: {seriesTtl: 2d, maxSeries: 2}
                detectors: {stl: {period: 24}}
                """);
        OperatorSubtaskState snapshot;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint>(
                new KeyedProcessOperator<>(new DetectorFunction(capped)), InputPoint::series, Types.STRING)) {
            h.open();
            h.processElement(InputPoint.of("a", HOUR, 1), HOUR);
            h.processElement(InputPoint.of("b", HOUR, 2), HOUR);
            h.processElement(InputPoint.of("c", HOUR, 3), HOUR); // a third series: over the cap
            h.processElement(InputPoint.of("a", 2 * HOUR, 1), 2 * HOUR); // known series: still fine
            h.processWatermark(new Watermark(2 * HOUR));
            assertThat(scored(h)).extracting(ScoredPoint::series).containsExactly("a", "b", "a");
            var dead = new ArrayList<>(h.getSideOutput(ParseFunction.DEAD_LETTERS));
            assertThat(dead).hasSize(1);
            io.vigil.model.DeadLetter d = dead.get(0).getValue();
            assertThat(d.reason()).isEqualTo(io.vigil.model.DeadLetter.Reason.SERIES_LIMIT);
            assertThat(d.detail()).contains("'c'").contains("maxSeries = 2");
            assertThat(new String(d.payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("\"series\":\"c\"").contains("\"value\":3");
            snapshot = h.snapshot(1L, 1L);
        }
        // the count survives a restore: still full
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint>(
                new KeyedProcessOperator<>(new DetectorFunction(capped)), InputPoint::series, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(InputPoint.of("d", 3 * HOUR, 4), 3 * HOUR);
            assertThat(h.getSideOutput(ParseFunction.DEAD_LETTERS)).hasSize(1);
            // "b" goes idle for two days and expires: there is room again
            h.processElement(InputPoint.of("a", 40 * HOUR, 1), 40 * HOUR);
            h.processWatermark(new Watermark(52 * HOUR));
            h.processElement(InputPoint.of("e", 53 * HOUR, 5), 53 * HOUR);
            h.processWatermark(new Watermark(53 * HOUR));
            assertThat(scored(h)).extracting(ScoredPoint::series).contains("e");
            assertThat(h.getSideOutput(ParseFunction.DEAD_LETTERS)).hasSize(1);
        }
    }

    @Test
    void pointsOfOneTimestampAreScoredInContentOrderWhateverTheirArrival() throws Exception {
        List<List<Double>> orders = new ArrayList<>();
        for (double[] arrival : new double[][] {{3, 1, 2}, {2, 3, 1}}) {
            try (var h = harness()) {
                for (double v : arrival) {
                    h.processElement(InputPoint.of("a", 5 * HOUR, v), 5 * HOUR);
                }
                h.processWatermark(new Watermark(5 * HOUR));
                orders.add(scored(h).stream().map(p -> p.fields().get(0).value()).toList());
            }
        }
        assertThat(orders.get(0)).containsExactly(1.0, 2.0, 3.0);
        assertThat(orders.get(1)).isEqualTo(orders.get(0));
    }

    /** Feeds points in the given arrival order with a bounded-out-of-orderness watermark; returns the events. */
    private static List<io.vigil.model.AnomalyEvent> events(List<InputPoint> arrival, long bound) throws Exception {
        try (var h = harness()) {
            long maxTs = Long.MIN_VALUE;
            for (InputPoint p : arrival) {
                h.processElement(p, p.ts());
                maxTs = Math.max(maxTs, p.ts());
                h.processWatermark(new Watermark(maxTs - bound - 1));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE - 1));
            return scored(h).stream().flatMap(p -> p.events().stream()).toList();
        }
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, InputPoint, ScoredPoint> h, int from, int to)
            throws Exception {
        for (int t = from; t < to; t++) {
            for (String s : new String[] {"x", "y"}) {
                h.processElement(InputPoint.of(s, t * HOUR, value(s.charAt(0), t)), t * HOUR);
            }
            h.processWatermark(new Watermark(t * HOUR - 1));
        }
        h.processWatermark(new Watermark(to * HOUR - 1));
    }
}
