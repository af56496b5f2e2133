package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.stl.StlConfig;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * How the {@link SeriesScorer} hosts a {@link PointDetector}: its state lives in the series'
 * point row and survives the codec, its verdict lands on the fields that explain it, and a field
 * detector's band still frames the event when the point detector has none.
 */
class PointDetectorScoringTest {

    private static final long HOUR = 3_600_000L;

    /**
     * A minimal whole-point detector for these tests: the distance of each field from its running
     * mean, fired when any field is more than 10 away after 20 points.
     */
    static final class MeanDistance implements PointDetector<MeanState> {
        @Override
        public String name() {
            return "meandist";
        }

        @Override
        public MeanState newState() {
            return new MeanState();
        }

        @Override
        public PointVerdict update(MeanState s, long ts, String[] fields, double[] values) {
            if (s.sums.length != values.length) {
                s.sums = new double[values.length];
            }
            PointVerdict v = PointVerdict.COLD;
            if (s.n >= 20) {
                double[] expected = new double[values.length];
                double[] contribution = new double[values.length];
                double max = 0;
                for (int i = 0; i < values.length; i++) {
                    expected[i] = s.sums[i] / s.n;
                    contribution[i] = Math.abs(values[i] - expected[i]);
                    max = Math.max(max, contribution[i]);
                }
                boolean anomaly = max > 10;
                v = new PointVerdict(true, anomaly ? 0.9999 : 0.5, anomaly, max, expected, contribution,
                        anomaly ? "meandist: far from the mean" : "");
            }
            for (int i = 0; i < values.length; i++) {
                s.sums[i] += values[i];
            }
            s.n++;
            return v;
        }

        @Override
        public Class<MeanState> stateType() {
            return MeanState.class;
        }
    }

    static final class MeanState implements DetectorState {
        long n;
        double[] sums = new double[0];

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeByte(1);
            out.writeLong(n);
            out.writeInt(sums.length);
            for (double d : sums) {
                out.writeDouble(d);
            }
        }

        static MeanState read(DataInput in) throws IOException {
            in.readUnsignedByte();
            MeanState s = new MeanState();
            s.n = in.readLong();
            s.sums = new double[in.readInt()];
            for (int i = 0; i < s.sums.length; i++) {
                s.sums[i] = in.readDouble();
            }
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MeanState m && m.n == n && java.util.Arrays.equals(m.sums, sums);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(n);
        }
    }

    record MeanDistanceConfig() implements DetectorConfig {
        @Override
        public String name() {
            return "meandist";
        }

        @Override
        public double threshold() {
            return 0.999;
        }

        @Override
        public Detector newDetector() {
            return new MeanDistance();
        }
    }

    private static InputPoint point(int i, double a, double b) {
        return new InputPoint("s", i * HOUR, new String[] {"a", "b"}, new double[] {a, b}, Map.of());
    }

    private static double a(int i) {
        return 10 + 3 * Math.sin(2 * Math.PI * i / 24) + 0.2 * Math.cos(i * 1.7);
    }

    private static double b(int i) {
        return 50 + 0.3 * Math.sin(i * 0.9);
    }

    private static SeriesScorer scorer() {
        StlConfig stl = StlConfig.builder().period(24).build();
        return new SeriesScorer(new DetectorSettings(List.of(stl, new MeanDistanceConfig()), Set.of("stl", "meandist"),
                Combination.defaults()), AlertPolicy.defaults());
    }

    @Test
    void aPointVerdictLandsOnTheFieldThatExplainsIt() {
        SeriesScorer scorer = scorer();
        SeriesState s = scorer.newState();
        for (int i = 0; i < 200; i++) {
            ScoredPoint p = scorer.score(s, point(i, a(i), b(i)));
            if (i >= 20) {
                assertThat(p.fields().get(1).detectors()).containsKey("meandist");
            }
        }
        ScoredPoint hit = scorer.score(s, point(200, a(200), b(200) + 40));
        FieldScore fa = hit.fields().get(0);
        FieldScore fb = hit.fields().get(1);
        assertThat(fb.anomaly()).isTrue();
        assertThat(fb.fired()).contains("meandist");
        assertThat(fb.detectors().get("meandist")).isEqualTo(0.9999);
        // the other field is quiet from this detector's point of view
        assertThat(fa.detectors().get("meandist")).isEqualTo(0.0);
        assertThat(fa.fired()).doesNotContain("meandist");
        assertThat(fb.explanation()).contains("meandist: far from the mean");
        List<AnomalyEvent> events = hit.events();
        assertThat(events).extracting(AnomalyEvent::field).contains("b");
        AnomalyEvent eb = events.stream().filter(e -> e.field().equals("b")).findFirst().orElseThrow();
        assertThat(eb.direction()).isEqualTo("up");
        assertThat(eb.expected()).isBetween(45.0, 55.0);
        assertThat(eb.importance()).isGreaterThan(0.0);
    }

    @Test
    void updatesOfEveryDetectorAreTimedOnASample() {
        DetectorTimings timings = new DetectorTimings();
        StlConfig stl = StlConfig.builder().period(24).build();
        SeriesScorer scorer = new SeriesScorer(new DetectorSettings(List.of(stl, new MeanDistanceConfig()),
                Set.of("stl", "meandist"), Combination.defaults()), AlertPolicy.defaults(), timings);
        SeriesState s = scorer.newState();
        for (int i = 0; i < DetectorTimings.SAMPLE_EVERY - 1; i++) {
            scorer.score(s, point(i, a(i), b(i)));
        }
        assertThat(timings.nanosPerUpdate("stl")).isZero();
        for (int i = DetectorTimings.SAMPLE_EVERY - 1; i < 10 * DetectorTimings.SAMPLE_EVERY; i++) {
            scorer.score(s, point(i, a(i), b(i)));
        }
        assertThat(timings.nanosPerUpdate("stl")).isPositive();
        assertThat(timings.nanosPerUpdate("meandist")).isPositive();
        assertThat(timings.detectors()).containsExactlyInAnyOrder("stl", "meandist");
        // and the detectors that keep models count and time their refits
        Detector stlDetector = scorer.detectors().get(0);
        assertThat(stlDetector.name()).isEqualTo("stl");
        assertThat(stlDetector.retrains()).isPositive();
        assertThat(stlDetector.retrainNanos()).isPositive();
        assertThat(scorer.detectors().get(1).retrains()).isZero(); // no model, the default
    }

    @Test
    void pointStateRoundTripsThroughTheSeriesCodec() throws IOException {
        DetectorStates.register("meandist", MeanState::read);
        SeriesScorer scorer = scorer();
        SeriesState live = scorer.newState();
        for (int i = 0; i < 100; i++) {
            scorer.score(live, point(i, a(i), b(i)));
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        live.write(new DataOutputStream(bo));
        SeriesState back = SeriesState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(back).isEqualTo(live);
        assertThat(back.pointState("meandist")).isEqualTo(live.pointState("meandist"));
        for (int i = 100; i < 150; i++) {
            double bi = i == 120 ? b(i) + 40 : b(i);
            ScoredPoint x = scorer.score(live, point(i, a(i), bi));
            ScoredPoint y = scorer.score(back, point(i, a(i), bi));
            assertThat(y.fields()).isEqualTo(x.fields());
        }
    }
}
