package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.config.JobSpec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Combination rules, incidents (open, merge, close), suppression, correction and feedback. */
class AlertingTest {

    private static final long HOUR = 3_600_000L;

    /**
     * A field detector for these tests whose verdict is set by the value: at or above {@code at} it
     * fires with {@code score}; expected is always 10 with the band [5, 15].
     */
    record Fixed(String name, double at, double score) implements FieldDetector<Fixed.Count>, DetectorConfig {
        static final class Count implements DetectorState {
            long n;

            @Override
            public void write(DataOutput out) throws IOException {
                out.writeByte(1);
                out.writeLong(n);
            }
        }

        @Override
        public Count newState() {
            return new Count();
        }

        @Override
        public Verdict update(Count s, long ts, double value) {
            s.n++;
            boolean hit = value >= at;
            return new Verdict(true, hit ? score : 0.5, hit && score >= 0.999, 10, 5, 15, hit ? 9 : 0);
        }

        @Override
        public String explain(Count s, double value, Verdict v) {
            return name + ": " + value + " is high";
        }

        @Override
        public Class<Count> stateType() {
            return Count.class;
        }

        @Override
        public double threshold() {
            return 0.999;
        }

        @Override
        public Detector newDetector() {
            return this;
        }
    }

    private static SeriesScorer scorer(AlertPolicy policy, Combination combine, Fixed... detectors) {
        Set<String> on = new java.util.LinkedHashSet<>();
        for (Fixed f : detectors) {
            on.add(f.name());
        }
        return new SeriesScorer(new DetectorSettings(List.of(detectors), on, combine), policy);
    }

    /** A policy without onset suppression (onsetWindow 0), so each test sees only the rule it is about. */
    private static AlertPolicy policy(double minScore, long cooldownHours, int closeAfter, List<AlertPolicy.Mute> mutes) {
        return new AlertPolicy(SeverityBands.defaults(), minScore, cooldownHours * HOUR, closeAfter, 0,
                AlertPolicy.Correction.EXPECTED, false, mutes);
    }

    /** Runs values through a scorer; returns every event in order. */
    private static List<AnomalyEvent> run(SeriesScorer scorer, SeriesState state, String series, double... values) {
        List<AnomalyEvent> events = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            events.addAll(scorer.score(state, InputPoint.of(series, i * HOUR, values[i])).events());
        }
        return events;
    }

    @Test
    void consecutiveAnomaliesMergeIntoOneIncidentThatOpensAtOnceAndClosesAfterNormalPoints() {
        SeriesScorer scorer = scorer(policy(0, 0, 3, List.of()), Combination.defaults(), new Fixed("a", 100, 0.9999));
        SeriesState s = scorer.newState();
        // normal, then anomalies at 2,3,4, one normal point inside the incident at 5, anomaly at 6, then normal
        List<AnomalyEvent> events = run(scorer, s, "x", 1, 1, 100, 200, 100, 1, 150, 1, 1, 1, 1);
        assertThat(events).hasSize(2);
        AnomalyEvent open = events.get(0);
        assertThat(open.status()).isEqualTo(AnomalyEvent.OPEN);
        assertThat(open.kind()).isEqualTo("point");
        assertThat(open.start()).isEqualTo(2 * HOUR);
        assertThat(open.ts()).isEqualTo(2 * HOUR);
        assertThat(open.points()).isEqualTo(1);
        AnomalyEvent closed = events.get(1);
        assertThat(closed.status()).isEqualTo(AnomalyEvent.CLOSED);
        assertThat(closed.kind()).isEqualTo("subsequence");
        assertThat(closed.start()).isEqualTo(2 * HOUR);
        assertThat(closed.end()).isEqualTo(6 * HOUR);
        assertThat(closed.points()).isEqualTo(4);
        assertThat(closed.value()).isEqualTo(100.0); // the peak: the first of the equal-score points
        assertThat(closed.direction()).isEqualTo("up");
        assertThat(closed.importance()).isCloseTo((100 - 15) / 100.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.state(IncidentState.COLUMN, "value")).isInstanceOf(IncidentState.class);
        assertThat(((IncidentState) s.state(IncidentState.COLUMN, "value")).open()).isFalse();
    }

    @Test
    void aLoneAnomalyIsAPointIncident() {
        SeriesScorer scorer = scorer(policy(0, 0, 2, List.of()), Combination.defaults(), new Fixed("a", 100, 0.9999));
        List<AnomalyEvent> events = run(scorer, scorer.newState(), "x", 1, 100, 1, 1);
        assertThat(events).extracting(AnomalyEvent::status).containsExactly("open", "closed");
        assertThat(events).extracting(AnomalyEvent::kind).containsExactly("point", "point");
        assertThat(events.get(1).start()).isEqualTo(events.get(1).end());
    }

    @Test
    void cooldownSuppressesANewIncidentButCountsIt() {
        SeriesScorer scorer = scorer(policy(0, 5, 1, List.of()), Combination.defaults(), new Fixed("a", 100, 0.9999));
        SeriesState s = scorer.newState();
        List<ScoredPoint> out = new ArrayList<>();
        double[] v = {1, 100, 1, 100, 1, 1, 1, 1, 1, 100, 1};
        for (int i = 0; i < v.length; i++) {
            out.add(scorer.score(s, InputPoint.of("x", i * HOUR, v[i])));
        }
        List<AnomalyEvent> events = out.stream().flatMap(p -> p.events().stream()).toList();
        // the incident at 1 closes at 2; the anomaly at 3 is 2 h after its end (< 5 h): suppressed;
        // the one at 9 is 8 h after: a new incident
        assertThat(events).extracting(AnomalyEvent::status, AnomalyEvent::start).containsExactly(
                org.assertj.core.groups.Tuple.tuple("open", 1 * HOUR),
                org.assertj.core.groups.Tuple.tuple("closed", 1 * HOUR),
                org.assertj.core.groups.Tuple.tuple("open", 9 * HOUR),
                org.assertj.core.groups.Tuple.tuple("closed", 9 * HOUR));
        assertThat(out.get(3).suppressed()).isEqualTo(1);
        assertThat(out.get(3).anomalous()).isTrue(); // still anomalous in the scored stream (and the backtest)
    }

    @Test
    void anAnomalyThatIsNotAnOnsetOpensNoNewIncident() {
        AlertPolicy onsets = new AlertPolicy(SeverityBands.defaults(), 0, 0, 1, 5, AlertPolicy.Correction.EXPECTED,
                false, List.of());
        SeriesScorer scorer = scorer(onsets, Combination.defaults(), new Fixed("a", 100, 0.9999),
                new Fixed("b", 1000, 0.9999999));
        SeriesState s = scorer.newState();
        List<ScoredPoint> out = new ArrayList<>();
        // 1: an anomaly (rarity 4) opens; 3: as rare, two points later: the same incident flickering
        // back, suppressed; 5: a thousand times rarer (b fires): a new incident; 12: the 5-point
        // window has forgotten both: a new incident
        double[] v = {1, 100, 1, 100, 1, 1000, 1, 1, 1, 1, 1, 1, 100, 1};
        for (int i = 0; i < v.length; i++) {
            out.add(scorer.score(s, InputPoint.of("x", i * HOUR, v[i])));
        }
        List<AnomalyEvent> opened = out.stream().flatMap(p -> p.events().stream())
                .filter(e -> e.status().equals(AnomalyEvent.OPEN)).toList();
        assertThat(opened).extracting(AnomalyEvent::start).containsExactly(1 * HOUR, 5 * HOUR, 12 * HOUR);
        assertThat(out.get(3).suppressed()).isEqualTo(1);
        assertThat(out.get(3).anomalous()).isTrue();
        assertThat(out.get(3).fields().get(0).onset()).isZero();
        assertThat(out.get(5).fields().get(0).onset()).isEqualTo(out.get(5).fields().get(0).score());
    }

    @Test
    void muteAndMinimumScoreSuppress() {
        AlertPolicy.Mute mute = new AlertPolicy.Mute("lab/*", java.util.regex.Pattern.compile("lab/.*"), Set.of());
        SeriesScorer scorer = scorer(policy(0.99999, 0, 1, List.of(mute)), Combination.defaults(),
                new Fixed("a", 100, 0.9999), new Fixed("b", 1000, 0.999999));
        // muted series: nothing
        assertThat(run(scorer, scorer.newState(), "lab/x", 1, 1000, 1)).isEmpty();
        // below minScore (0.9999 < 0.99999): suppressed; above it: alerts
        SeriesState s = scorer.newState();
        ScoredPoint weak = scorer.score(s, InputPoint.of("prod/x", 0, 100));
        assertThat(weak.events()).isEmpty();
        assertThat(weak.suppressed()).isEqualTo(1);
        ScoredPoint strong = scorer.score(s, InputPoint.of("prod/x", HOUR, 1000));
        assertThat(strong.events()).singleElement().satisfies(e -> {
            assertThat(e.score()).isEqualTo(0.999999);
            assertThat(e.detectors()).containsEntry("a", 0.9999).containsEntry("b", 0.999999);
            assertThat(e.explanation()).contains("a: 1000.0 is high").contains("b: 1000.0 is high");
        });
    }

    @Test
    void combinationRules() {
        String[] names = {"a", "b", "c"};
        Verdict fire99 = new Verdict(true, 0.9999, true, 0, 0, 0, 0);
        Verdict fire95 = new Verdict(true, 0.9995, true, 0, 0, 0, 0);
        Verdict quiet = new Verdict(true, 0.5, false, 0, 0, 0, 0);
        Verdict[] oneFires = {fire99, quiet, quiet};
        Verdict[] twoFire = {fire99, fire95, quiet};

        Combination max = Combination.defaults();
        assertThat(max.combine(names, oneFires)).isEqualTo(new Combination.Result(0.9999, true));

        Combination vote = new Combination(Combination.Rule.VOTE, 2, 0.999, Map.of());
        assertThat(vote.combine(names, oneFires).anomaly()).isFalse();
        assertThat(vote.combine(names, oneFires).score()).isEqualTo(0.5);
        assertThat(vote.combine(names, twoFire)).isEqualTo(new Combination.Result(0.9995, true));
        // fewer ready than votes: every ready one must fire
        assertThat(vote.combine(names, new Verdict[] {fire99, Verdict.COLD, Verdict.COLD}).anomaly()).isTrue();

        Combination mean = new Combination(Combination.Rule.MEAN, 2, 0.99, Map.of("c", 0.0));
        assertThat(mean.combine(names, twoFire).score()).isCloseTo((0.9999 + 0.9995) / 2,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(mean.combine(names, twoFire).anomaly()).isTrue();
        assertThat(mean.combine(names, oneFires).anomaly()).isFalse();
        assertThat(Combination.defaults().combine(names, new Verdict[] {Verdict.COLD, Verdict.COLD, Verdict.COLD}))
                .isEqualTo(new Combination.Result(0, false));
    }

    @Test
    void combinationAndAlertingAreReadFromTheJobSpecWithClearErrors() {
        JobSpec spec = JobSpec.parse("""
                detectors:
                  combine: {rule: vote, votes: 2}
                alerting: {minScore: 0.9999, cooldown: 1h, closeAfter: 5, correction: seasonal-mean, feedback: true,
                           mute: [{match: "lab/*", fields: [temp]}]}
                overrides:
                  - match: "shop/*"
                    detectors: {combine: {rule: mean, threshold: 0.99, weights: {stl: 2}}}
                """);
        assertThat(spec.detectors().combine().rule()).isEqualTo(Combination.Rule.VOTE);
        assertThat(spec.detectorsFor("shop/a").combine().weight("stl")).isEqualTo(2.0);
        assertThat(spec.alerting().cooldownMillis()).isEqualTo(HOUR);
        assertThat(spec.alerting().closeAfter()).isEqualTo(5);
        assertThat(spec.alerting().correction()).isEqualTo(AlertPolicy.Correction.SEASONAL_MEAN);
        assertThat(spec.alerting().feedback()).isTrue();
        assertThat(spec.alerting().muted("lab/1", "temp")).isTrue();
        assertThat(spec.alerting().muted("lab/1", "rpm")).isFalse();
        assertThat(spec.alerting().muted("prod/1", "temp")).isFalse();
        assertThatThrownBy(() -> JobSpec.parse("detectors: {combine: {rule: median}}"))
                .hasMessageContaining("detectors.combine.rule").hasMessageContaining("median");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {combine: {weights: {nosuch: 1}}}"))
                .hasMessageContaining("detectors.combine.weights.nosuch");
        assertThatThrownBy(() -> JobSpec.parse("alerting: {correction: median}"))
                .hasMessageContaining("alerting.correction").hasMessageContaining("median");
        assertThatThrownBy(() -> JobSpec.parse("alerting: {closeAfter: 0}"))
                .hasMessageContaining("alerting.closeAfter");
    }

    @Test
    void incidentStateRoundTripsMidIncident() throws IOException {
        SeriesScorer scorer = scorer(policy(0, 0, 3, List.of()), Combination.defaults(), new Fixed("a", 100, 0.9999));
        DetectorStates.register("a", in -> {
            in.readUnsignedByte();
            Fixed.Count c = new Fixed.Count();
            c.n = in.readLong();
            return c;
        });
        SeriesState live = scorer.newState();
        run(scorer, live, "x", 1, 1, 100, 200); // an incident is open
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        live.write(new DataOutputStream(bo));
        SeriesState back = SeriesState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(back.state(IncidentState.COLUMN, "value")).isEqualTo(live.state(IncidentState.COLUMN, "value"));
        List<AnomalyEvent> a = new ArrayList<>();
        List<AnomalyEvent> b = new ArrayList<>();
        for (int i = 4; i < 9; i++) {
            a.addAll(scorer.score(live, InputPoint.of("x", i * HOUR, 1)).events());
            b.addAll(scorer.score(back, InputPoint.of("x", i * HOUR, 1)).events());
        }
        assertThat(b).isEqualTo(a).hasSize(1);
        assertThat(b.get(0).points()).isEqualTo(2);
    }

    @Test
    void stlScoresAreCalibratedOnNormalData() {
        // a seasonal series with Gaussian noise and nothing anomalous: a calibrated score is about
        // uniform in the tail — about 1% of points at or above 0.99, 10% at or above 0.9
        SeriesScorer scorer = new SeriesScorer(DetectorSettings.of(StlConfig.builder().period(24).build()),
                AlertPolicy.defaults());
        SeriesState s = scorer.newState();
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 0;
        int above99 = 0;
        int above90 = 0;
        for (int i = 0; i < 20_000; i++) {
            double v = 100 + 10 * Math.sin(2 * Math.PI * i / 24) + gaussian(rnd);
            FieldScore f = scorer.score(s, InputPoint.of("s", i * HOUR, v)).fields().get(0);
            if (i >= 2_000 && f.ready()) {
                n++;
                above99 += f.score() >= 0.99 ? 1 : 0;
                above90 += f.score() >= 0.9 ? 1 : 0;
            }
        }
        assertThat((double) above99 / n).isBetween(0.005, 0.02);
        assertThat((double) above90 / n).isBetween(0.07, 0.13);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
