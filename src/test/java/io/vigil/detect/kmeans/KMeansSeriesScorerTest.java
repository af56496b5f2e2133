package io.vigil.detect.kmeans;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.DetectorSettings;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.detect.AlertPolicy;
import io.vigil.detect.IncidentState;
import io.vigil.detect.stl.StlConfig;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The k-means detector behind the {@link SeriesScorer}, as the operator and the backtest run it. */
class KMeansSeriesScorerTest {

    private static final long HOUR = 3_600_000L;

    private static InputPoint booking(int t, double[] row) {
        return new InputPoint("hotel-42", t * HOUR, HotelData.FIELDS, row, Map.of());
    }

    @Test
    void aMultivariateAnomalyIsReportedOnTheFieldThatIsOff() {
        SeriesScorer scorer = new SeriesScorer(DetectorSettings.of(KMeansConfig.builder().build()),
                AlertPolicy.defaults());
        SeriesState s = scorer.newState();
        HotelData h = HotelData.generate(9, 1500, Integer.MAX_VALUE, 0);
        for (int t = 0; t < h.rows.length; t++) {
            scorer.score(s, booking(t, h.rows[t]));
        }
        ScoredPoint p = scorer.score(s, booking(1500, new double[] {120, 150, 0}));
        List<AnomalyEvent> events = p.events();
        assertThat(events).hasSize(1);
        AnomalyEvent e = events.get(0);
        assertThat(e.field()).isEqualTo("booking_window");
        assertThat(e.detectors()).containsKey("kmeans");
        assertThat(e.expected()).isLessThan(60);
        assertThat(e.explanation()).startsWith("value 150 is ").contains("kmeans: ").contains("booking_window 150");
        FieldScore price = p.fields().get(0);
        assertThat(price.ready()).isTrue();
        assertThat(price.anomaly()).isFalse();
    }

    @Test
    void seriesStateWithAKMeansColumnRoundTripsAndContinuesIdentically() throws IOException {
        SeriesScorer scorer = new SeriesScorer(DetectorSettings.of(StlConfig.builder().period(24).build(),
                KMeansConfig.builder().retrainEvery(60).build()), AlertPolicy.defaults());
        SeriesState live = scorer.newState();
        HotelData h = HotelData.generate(10, 900, 100, 0.02);
        for (int t = 0; t < 500; t++) {
            scorer.score(live, booking(t, h.rows[t]));
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        live.write(new DataOutputStream(bo));
        SeriesState restored = SeriesState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(restored.detectors()).containsExactly("stl", "kmeans", IncidentState.COLUMN, io.vigil.detect.OnsetState.COLUMN);
        assertThat(restored.pointState("kmeans")).isEqualTo(live.pointState("kmeans"));
        assertThat(((KMeansState) restored.pointState("kmeans")).modelVersion()).isPositive();
        for (int t = 500; t < 900; t++) {
            ScoredPoint x = scorer.score(live, booking(t, h.rows[t]));
            ScoredPoint y = scorer.score(restored, booking(t, h.rows[t]));
            for (int f = 0; f < x.fields().size(); f++) {
                FieldScore fx = x.fields().get(f);
                FieldScore fy = y.fields().get(f);
                // every column, bit for bit: STL and k-means continue identically after a restore
                assertThat(fy).as("field %d at %d", f, t).isEqualTo(fx);
            }
        }
        assertThat(restored.pointState("kmeans")).isEqualTo(live.pointState("kmeans"));
    }
}
