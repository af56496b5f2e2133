package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.config.JobSpec;
import io.vigil.detect.stl.StlConfig;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OnsetStateTest {

    private static double score(double rarity) {
        return 1 - Math.pow(10, -rarity);
    }

    @Test
    void anOnsetIsRarerThanTheWindowBeforeItAndAnEscalationTenTimesRarer() {
        OnsetState s = new OnsetState(5);
        assertThat(s.advance(5, 0)).isFalse(); // a cold or perfectly normal point is never an onset
        assertThat(s.advance(5, score(1))).isTrue(); // rarer than everything before (nothing)
        assertThat(s.advance(5, score(0.5))).isFalse();
        assertThat(s.advance(5, score(4))).isTrue(); // an anomaly
        assertThat(s.advance(5, score(4.5))).isFalse(); // rarer, but not ten times: the same incident
        assertThat(s.advance(5, score(5.6))).isTrue(); // ten times rarer than the 4.5 before it
        assertThat(s.advance(5, score(2))).isFalse();
        for (int i = 0; i < 4; i++) {
            assertThat(s.advance(5, score(0.1))).isFalse();
        }
        // the window (5 points) has forgotten the anomaly: a milder one is a new onset
        assertThat(s.advance(5, score(3.2))).isTrue();
        assertThat(OnsetState.rarity(1.0)).isEqualTo(OnsetState.MAX_RARITY);
    }

    @Test
    void roundTripsResizesKeepingTheNewestAndRefusesCorruptInput() throws IOException {
        OnsetState a = new OnsetState(4);
        OnsetState b = new OnsetState(4);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 11; i++) {
            double sc = r.nextDouble();
            a.advance(4, sc);
            b.advance(4, sc);
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        a.write(new DataOutputStream(bo));
        OnsetState c = OnsetState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(c).isEqualTo(a);
        for (int i = 0; i < 20; i++) {
            double sc = i == 7 ? score(6) : r.nextDouble();
            assertThat(c.advance(4, sc)).isEqualTo(a.advance(4, sc));
        }
        // a job restarted with a shorter window keeps the newest rarities: the same decision as a fresh window
        b.advance(4, score(5));
        b.advance(4, 0);
        assertThat(b.advance(2, score(5.5))).isFalse(); // 5 is still within the last 2 points
        assertThat(b.advance(2, score(0.1))).isFalse();
        assertThat(b.advance(2, score(0.1))).isFalse();
        assertThat(b.advance(2, score(4))).isTrue(); // 5 and 5.5 have left the 2-point window
        byte[] bad = bo.toByteArray();
        bad[1] = 0x7f; // window length far beyond the maximum
        assertThatThrownBy(() -> OnsetState.read(new DataInputStream(new ByteArrayInputStream(bad))))
                .hasMessageContaining("corrupt OnsetState");
    }

    @Test
    void aLevelShiftIsOneOnsetThoughEveryPointOfItIsAnomalous() {
        SeriesScorer scorer = new SeriesScorer(DetectorSettings.of(StlConfig.builder().period(24).build()),
                AlertPolicy.defaults());
        SeriesState st = scorer.newState();
        SplittableRandom r = new SplittableRandom(9);
        List<FieldScore> shifted = new ArrayList<>();
        for (int t = 0; t < 24 * 20 + 6; t++) {
            double v = 10 + 3 * Math.sin(2 * Math.PI * t / 24) + 0.2 * r.nextGaussian() + (t >= 24 * 20 ? 8 : 0);
            FieldScore f = scorer.score(st, new InputPoint("s", t * 3_600_000L, new String[] {"value"},
                    new double[] {v}, Map.of())).fields().get(0);
            if (t >= 24 * 20) {
                shifted.add(f);
            }
        }
        assertThat(shifted.get(0).onset()).isEqualTo(shifted.get(0).score()).isGreaterThan(0.999);
        List<FieldScore> later = shifted.subList(1, shifted.size());
        assertThat(later.stream().filter(FieldScore::anomaly).count()).isGreaterThanOrEqualTo(3);
        assertThat(later).allMatch(f -> f.onset() == 0.0);
    }

    @Test
    void theWindowIsReadFromTheJobSpecAndABadOneNamesTheKey() {
        assertThat(JobSpec.parse("{}").alerting().onsetWindow()).isEqualTo(AlertPolicy.DEFAULT_ONSET_WINDOW);
        assertThat(JobSpec.parse("alerting: {onsetWindow: 0}").alerting().onsetWindow()).isZero();
        assertThatThrownBy(() -> JobSpec.parse("alerting: {onsetWindow: -3}"))
                .hasMessageContaining("alerting.onsetWindow").hasMessageContaining("-3");
    }
}
