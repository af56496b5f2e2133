package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.stl.StlConfig;
import io.vigil.detect.stl.StlState;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesStateTest {

    private static final long HOUR = 3_600_000L;

    private static SeriesScorer scorer() {
        return new SeriesScorer(DetectorSettings.of(StlConfig.builder().period(24).build()),
                AlertPolicy.defaults());
    }

    private static InputPoint point(int i) {
        double a = 10 + 3 * Math.sin(2 * Math.PI * i / 24) + 0.2 * Math.cos(i * 1.7);
        double b = 50 + 5 * Math.cos(2 * Math.PI * i / 24) + 0.3 * Math.sin(i * 0.9);
        return new InputPoint("s", i * HOUR, new String[] {"a", "b"}, new double[] {a, b}, Map.of());
    }

    private static byte[] bytes(SeriesState s) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bo));
        return bo.toByteArray();
    }

    private static SeriesState read(byte[] b) throws IOException {
        return SeriesState.read(new DataInputStream(new ByteArrayInputStream(b)));
    }

    @Test
    void roundTripsAndContinuesWithIdenticalScores() throws IOException {
        SeriesScorer scorer = scorer();
        SeriesState live = scorer.newState();
        for (int i = 0; i < 200; i++) {
            scorer.score(live, point(i));
        }
        SeriesState restored = read(bytes(live));
        assertThat(restored).isEqualTo(live);
        // the STL column, and the alerting columns: each field's incidents and onset memory
        assertThat(restored.detectors()).containsExactly("stl", IncidentState.COLUMN, OnsetState.COLUMN);
        assertThat(restored.fields()).containsExactly("a", "b");
        for (int i = 200; i < 300; i++) {
            ScoredPoint x = scorer.score(live, point(i));
            ScoredPoint y = scorer.score(restored, point(i));
            for (int f = 0; f < 2; f++) {
                FieldScore fx = x.fields().get(f);
                FieldScore fy = y.fields().get(f);
                assertThat(fy.ready()).isTrue();
                assertThat(fy.score()).isEqualTo(fx.score());
                assertThat(fy.expected()).isEqualTo(fx.expected());
            }
        }
    }

    @Test
    void readsTheVersionOneEncodingOfEarlierReleases() throws IOException {
        SeriesScorer scorer = scorer();
        SeriesState live = scorer.newState();
        for (int i = 0; i < 100; i++) {
            scorer.score(live, point(i));
        }
        // version 1: points, then per field its name and an optional StlState, no column names
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bo);
        out.writeByte(1);
        out.writeLong(live.points());
        out.writeInt(2);
        for (String f : new String[] {"a", "b"}) {
            out.writeUTF(f);
            out.writeBoolean(true);
            live.stl(f).write(out);
        }
        SeriesState old = read(bo.toByteArray());
        assertThat(old.points()).isEqualTo(live.points());
        assertThat(old.stl("a")).isEqualTo(live.stl("a"));
        assertThat(old.stl("b")).isEqualTo(live.stl("b"));
        ScoredPoint x = scorer.score(live, point(100));
        ScoredPoint y = scorer.score(old, point(100));
        assertThat(y.fields().get(0).score()).isEqualTo(x.fields().get(0).score());
    }

    @Test
    void refusesUnknownVersionsAndDetectors() throws IOException {
        assertThatThrownBy(() -> read(new byte[] {9})).hasMessageContaining("unknown SeriesState version 9");
        SeriesState s = new SeriesState();
        s.slot("nosuch");
        s.add("value");
        s.states[0][0] = (DetectorState) out -> out.writeByte(1);
        assertThatThrownBy(() -> read(bytes(s))).hasMessageContaining("detector 'nosuch'");
    }

    @Test
    void aDetectorSwitchedOnLaterGetsItsOwnColumn() {
        SeriesState s = new SeriesState();
        int f = s.add("value");
        int stl = s.slot("stl");
        s.states[f][stl] = (StlState) null;
        int other = s.slot("forecast");
        assertThat(other).isEqualTo(1);
        assertThat(s.states[f]).hasSize(2);
        assertThat(s.slot("stl")).isEqualTo(stl);
    }
}
