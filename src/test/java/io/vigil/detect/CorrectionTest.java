package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.JobSpec;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import io.vigil.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The seed text's correction: an anomalous month replaced by the mean of the same month in earlier years. */
class CorrectionTest {

    private static final JobSpec SEASONAL = JobSpec.parse("alerting: {correction: seasonal-mean}");

    private static SeriesScorer scorer(JobSpec spec) {
        return new SeriesScorer(spec.detectors(), spec.alerting());
    }

    @Test
    void catfishDecember1998IsCorrectedToTheMeanOfEarlierDecembers() throws IOException {
        List<String> lines = Files.readAllLines(SharedData.require("catfish_planted.csv"));
        SeriesScorer scorer = scorer(SEASONAL);
        SeriesState s = scorer.newState();
        List<Double> decembers = new ArrayList<>();
        FieldScore dec1998 = null;
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            long ts = Instant.parse(c[0]).toEpochMilli();
            double v = Double.parseDouble(c[1]);
            FieldScore f = scorer.score(s, InputPoint.of("catfish", ts, v)).fields().get(0);
            if (c[0].startsWith("1998-12")) {
                dec1998 = f;
                break;
            }
            if (c[0].substring(5, 7).equals("12")) {
                decembers.add(v);
            }
        }
        assertThat(dec1998).isNotNull();
        assertThat(dec1998.anomaly()).isTrue();
        // the STL window holds four periods: the Decembers of 1994 to 1997
        List<Double> earlier = decembers.subList(decembers.size() - 4, decembers.size());
        double mean = earlier.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertThat(dec1998.corrected()).isEqualTo(mean);
        assertThat(mean).isBetween(16_000.0, 17_500.0);
        // one sentence: how far from what was expected, for which month, and the detector's clause
        assertThat(dec1998.explanation()).matches("value 10000 is \\d+% below the expected [0-9.]+ for December; "
                + "stl and forecast agree; stl: [0-9.]+ residual scales below trend\\+seasonal \\(period 12\\); "
                + "forecast: .*");
        // the default rule is the expected value (the one-step forecast)
        SeriesScorer byExpected = scorer(JobSpec.defaults());
        SeriesState e = byExpected.newState();
        FieldScore last = null;
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            last = byExpected.score(e, InputPoint.of("catfish", Instant.parse(c[0]).toEpochMilli(),
                    Double.parseDouble(c[1]))).fields().get(0);
            if (c[0].startsWith("1998-12")) {
                break;
            }
        }
        assertThat(last.corrected()).isEqualTo(last.expected());
    }

    /** A monthly synthetic series (seeded): same rule, no shared data needed. */
    @Test
    void syntheticMonthlyDipIsCorrectedAndFeedbackKeepsTheCorrection() {
        JobSpec spec = JobSpec.parse("""
                detectors: {stl: {period: 12}}
                alerting: {correction: seasonal-mean, feedback: true}
                """);
        SeriesScorer scorer = scorer(spec);
        SeriesState s = scorer.newState();
        SplittableRandom rnd = new SplittableRandom(3);
        List<Double> values = new ArrayList<>();
        int dip = 12 * 8 + 5; // June of year 9
        FieldScore atDip = null;
        FieldScore yearAfter = null;
        for (int i = 0; i < 12 * 10; i++) {
            double v = 1000 + 20 * i + 200 * Math.sin(2 * Math.PI * i / 12) + 10 * (rnd.nextDouble() - 0.5);
            if (i == dip) {
                v = 200;
            }
            long ts = LocalDate.of(2000, 1, 1).plusMonths(i).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
            ScoredPoint p = scorer.score(s, InputPoint.of("m", ts, v));
            if (i == dip) {
                atDip = p.fields().get(0);
            }
            if (i == dip + 12) {
                yearAfter = p.fields().get(0);
            }
            values.add(v);
        }
        assertThat(atDip.anomaly()).isTrue();
        double expected = (values.get(dip - 12) + values.get(dip - 24) + values.get(dip - 36) + values.get(dip - 48)) / 4;
        assertThat(atDip.corrected()).isEqualTo(expected);
        // with feedback, the window kept the corrected June, not the dip: next June is judged against it
        assertThat(yearAfter.anomaly()).isFalse();
        assertThat(s.stl("value").window()).doesNotContain(200.0).contains(expected);
    }
}
