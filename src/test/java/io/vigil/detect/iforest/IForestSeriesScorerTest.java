package io.vigil.detect.iforest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.DetectorSettings;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.detect.AlertPolicy;
import io.vigil.detect.stl.StlConfig;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Isolation Forest inside the {@link SeriesScorer}: the point row of {@link SeriesState}, attribution, events. */
class IForestSeriesScorerTest {

    private static final long MINUTE = 60_000L;

    private static InputPoint point(int t, SplittableRandom r) {
        double a = 10 + 3 * Math.sin(2 * Math.PI * t / 120) + 0.3 * r.nextDouble();
        double b = 50 + 0.5 * r.nextDouble();
        if (t == 1500) {
            b += 20;
        }
        return new InputPoint("s", t * MINUTE, new String[] {"a", "b"}, new double[] {a, b}, Map.of());
    }

    @Test
    void seriesStateWithAnIForestRowRoundTripsAndTheAnomalyNamesItsField() throws IOException {
        SeriesScorer scorer = new SeriesScorer(
                DetectorSettings.of(StlConfig.builder().period(120).build(), IForestConfig.builder().build()),
                AlertPolicy.defaults());
        SeriesState live = scorer.newState();
        SplittableRandom r = new SplittableRandom(9);
        InputPoint[] points = new InputPoint[1700];
        for (int t = 0; t < points.length; t++) {
            points[t] = point(t, r);
        }
        for (int t = 0; t < 1000; t++) {
            scorer.score(live, points[t]);
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        live.write(new DataOutputStream(bo));
        SeriesState restored = SeriesState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(restored).isEqualTo(live);
        assertThat(restored.pointState("iforest")).isInstanceOf(IForestState.class);
        SeriesScorer fresh = new SeriesScorer(scorer.settings(), AlertPolicy.defaults()); // empty model cache
        List<AnomalyEvent> events = null;
        for (int t = 1000; t < points.length; t++) {
            ScoredPoint x = scorer.score(live, points[t]);
            ScoredPoint y = fresh.score(restored, points[t]);
            // every column, bit for bit, through a cache miss
            assertThat(y.fields()).as("t=%d", t).isEqualTo(x.fields());
            assertThat(y.events()).isEqualTo(x.events());
            if (t == 1500) {
                events = x.events();
            }
        }
        assertThat(events).isNotEmpty();
        AnomalyEvent onB = events.stream().filter(e -> e.field().equals("b")).findFirst().orElseThrow();
        assertThat(onB.detectors()).containsKey("iforest");
        assertThat(onB.detectors().get("iforest")).isGreaterThanOrEqualTo(0.999);
        assertThat(onB.explanation()).contains("iforest: isolated");
        // the iforest verdict is attributed to b alone: on a its score there is 0
        assertThat(events.stream().filter(e -> e.field().equals("a"))
                .allMatch(e -> e.detectors().getOrDefault("iforest", 0.0) == 0.0)).isTrue();
    }
}
