package io.vigil.detect;

import io.vigil.detect.stl.StlDetector;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the enabled detectors of one series setting on each point and combines their verdicts:
 * the host-independent heart of the pipeline. The Flink operator and the tests call the same
 * {@link #score}; the operator only loads and stores the {@link SeriesState}.
 *
 * <p>Field detectors ({@link FieldDetector}) run on each field; point detectors
 * ({@link PointDetector}) run once on the whole point, and their verdict is attributed to the
 * fields that explain it ({@link PointVerdict#attributes}).
 *
 * <p>Per field: the ready detectors' calibrated scores are combined by the series'
 * {@link Combination} rule (max, weighted mean, k-of-n vote). {@code expected} and the band come
 * from the highest-scoring detector that fired and has an expected value, or, on a normal point,
 * from the first ready detector in {@link DetectorSettings#enabled()} order that has one — so the
 * band a chart draws is stable from point to point and switches only where an anomaly is explained
 * by another detector. An anomalous value gets its correction ({@link AlertPolicy.Correction}),
 * optionally fed back into the detectors' state ({@link Correctable}); then the field's
 * {@link IncidentTracker} decides which events the point publishes. Last, the field's
 * {@link OnsetState} decides whether the point is the onset of an anomaly ({@link FieldScore#onset}).
 */
public final class SeriesScorer {

    /** Name of the STL detector in outputs. */
    public static final String STL = StlDetector.NAME;

    private final DetectorSettings settings;
    private final AlertPolicy policy;
    private final Combination combination;
    /** Enabled detectors in scoring order, field and point detectors mixed. */
    private final Detector[] detectors;
    private final String[] names;
    private final Verdict[] verdicts;
    private final PointVerdict[] pointVerdicts;
    private final long[][] timing;
    private int tick;
    private boolean timedPoint;

    public SeriesScorer(DetectorSettings settings, AlertPolicy policy) {
        this(settings, policy, new DetectorTimings());
    }

    /** A scorer whose detectors' sampled update times accumulate in {@code timings}. */
    public SeriesScorer(DetectorSettings settings, AlertPolicy policy, DetectorTimings timings) {
        this.settings = settings;
        this.policy = policy;
        this.combination = settings.combine();
        List<String> enabled = settings.enabled();
        this.detectors = new Detector[enabled.size()];
        this.names = new String[detectors.length];
        for (int i = 0; i < detectors.length; i++) {
            detectors[i] = settings.config(enabled.get(i)).newDetector();
            names[i] = detectors[i].name();
        }
        this.verdicts = new Verdict[detectors.length];
        this.pointVerdicts = new PointVerdict[detectors.length];
        this.timing = new long[detectors.length][];
        for (int d = 0; d < detectors.length; d++) {
            timing[d] = timings.slot(names[d]);
        }
    }

    /** The detector instances of this scorer (for their retrain counters). */
    public List<Detector> detectors() {
        return List.of(detectors);
    }

    public DetectorSettings settings() {
        return settings;
    }

    /** A fresh state for a new series. */
    public SeriesState newState() {
        return new SeriesState();
    }

    /** Scores one point of the series, updating its state. Points must arrive in event-time order. */
    public ScoredPoint score(SeriesState state, InputPoint p) {
        state.points++;
        String[] fields = p.fields();
        double[] values = p.values();
        int[] slots = new int[detectors.length];
        for (int d = 0; d < detectors.length; d++) {
            slots[d] = state.slot(names[d]);
        }
        // one point in SAMPLE_EVERY is timed per detector: the clock stays off the per-event path
        boolean timed = ++tick >= DetectorTimings.SAMPLE_EVERY;
        if (timed) {
            tick = 0;
        }
        for (int d = 0; d < detectors.length; d++) {
            if (detectors[d] instanceof PointDetector<?> pd) {
                long t0 = timed ? System.nanoTime() : 0;
                pointVerdicts[d] = updatePoint(pd, state.pointStates, slots[d], p.ts(), fields, values);
                if (timed) {
                    timing[d][0]++;
                    timing[d][1] += System.nanoTime() - t0;
                }
            } else {
                pointVerdicts[d] = null;
            }
        }
        timedPoint = timed;
        int incidentSlot = state.slot(IncidentState.COLUMN);
        int onsetSlot = state.slot(OnsetState.COLUMN);
        List<FieldScore> out = new ArrayList<>(fields.length);
        List<AnomalyEvent> events = null;
        int suppressed = 0;
        for (int i = 0; i < fields.length; i++) {
            int at = state.indexOf(fields[i]);
            if (at < 0) {
                at = state.add(fields[i]);
            }
            DetectorState[] row = state.states[at];
            FieldScore f = scoreField(row, slots, i, fields[i], p.ts(), values[i]);
            OnsetState onset = (OnsetState) row[onsetSlot];
            if (onset == null) {
                onset = new OnsetState(policy.onsetWindow());
                row[onsetSlot] = onset;
            }
            if (onset.advance(policy.onsetWindow(), f.score())) {
                f = f.withOnset(f.score());
            }
            out.add(f);
            IncidentState incident = (IncidentState) row[incidentSlot];
            if (incident == null) {
                if (!f.anomaly()) {
                    continue; // most fields never see an anomaly: no incident state for them
                }
                incident = new IncidentState();
                row[incidentSlot] = incident;
            }
            if (events == null && (f.anomaly() || incident.open())) {
                events = new ArrayList<>(1);
            }
            if (events != null && IncidentTracker.advance(incident, policy, p.series(), p.ts(), f, state.points,
                    p.tags(), events)) {
                suppressed++;
            }
        }
        return new ScoredPoint(p.series(), p.ts(), out, p.tags(), state.points,
                events == null ? List.of() : events, suppressed);
    }

    private FieldScore scoreField(DetectorState[] row, int[] slots, int fieldIndex, String field, long ts,
            double value) {
        Map<String, Double> scores = new LinkedHashMap<>(4);
        List<String> fired = new ArrayList<>(1);
        int firstReady = -1;
        int bestFired = -1;
        double score = 0;
        for (int d = 0; d < detectors.length; d++) {
            Verdict v;
            if (detectors[d] instanceof FieldDetector<?> fd) {
                long t0 = timedPoint ? System.nanoTime() : 0;
                v = update(fd, row, slots[d], ts, value);
                if (timedPoint) {
                    timing[d][0]++;
                    timing[d][1] += System.nanoTime() - t0;
                }
            } else {
                v = attributed(pointVerdicts[d], fieldIndex);
            }
            verdicts[d] = v;
            if (!v.ready()) {
                continue;
            }
            scores.put(names[d], v.score());
            score = Math.max(score, v.score());
            if (firstReady < 0 && Double.isFinite(v.expected())) {
                firstReady = d;
            }
            if (v.anomaly()) {
                fired.add(names[d]);
                if (Double.isFinite(v.expected())
                        && (bestFired < 0 || v.score() > verdicts[bestFired].score())) {
                    bestFired = d;
                }
            }
        }
        if (scores.isEmpty()) {
            return new FieldScore(field, value, false, 0.0, 0.0, false, Double.NaN, Double.NaN, Double.NaN, value, scores,
                    fired, "");
        }
        Combination.Result combined = combination.combine(names, verdicts);
        boolean anomaly = combined.anomaly();
        score = combined.score();
        int bandFrom = bestFired >= 0 ? bestFired : firstReady;
        double expected = bandFrom >= 0 ? verdicts[bandFrom].expected() : Double.NaN;
        double lower = bandFrom >= 0 ? verdicts[bandFrom].lower() : Double.NaN;
        double upper = bandFrom >= 0 ? verdicts[bandFrom].upper() : Double.NaN;
        String explanation = anomaly ? explanation(row, slots, ts, value, expected, fired) : "";
        double corrected = anomaly ? correction(row, slots, expected, value) : value;
        if (anomaly && policy.feedback() && corrected != value) {
            for (int d = 0; d < detectors.length; d++) {
                if (detectors[d] instanceof Correctable<?> c && row[slots[d]] != null) {
                    replaceNewest(c, row[slots[d]], corrected);
                }
            }
        }
        return new FieldScore(field, value, true, score, 0.0, anomaly, expected, lower, upper, corrected, scores, fired,
                explanation);
    }

    /**
     * One sentence for an anomaly, built from the detectors' own clauses: "value 10000 is 54% below
     * the expected 21650 for December; stl and forecast agree; stl: ...; forecast: ...".
     */
    private String explanation(DetectorState[] row, int[] slots, long ts, double value, double expected,
            List<String> fired) {
        StringBuilder sb = new StringBuilder();
        if (Double.isFinite(expected)) {
            sb.append("value ").append(Verdict.format(value));
            if (expected != 0) {
                sb.append(" is ").append(Math.round(100 * Math.abs(value - expected) / Math.abs(expected)))
                        .append(value >= expected ? "% above" : "% below");
            } else {
                sb.append(value >= expected ? " is above" : " is below");
            }
            sb.append(" the expected ").append(Verdict.format(expected));
            for (int d = 0; d < detectors.length; d++) {
                if (detectors[d] instanceof SeasonalHistory<?> h && row[slots[d]] != null) {
                    String phase = phaseLabel(h, row[slots[d]], ts);
                    if (!phase.isEmpty()) {
                        sb.append(" for ").append(phase);
                        break;
                    }
                }
            }
            sb.append("; ");
        }
        if (fired.size() > 1) {
            sb.append(String.join(", ", fired.subList(0, fired.size() - 1))).append(" and ")
                    .append(fired.get(fired.size() - 1)).append(" agree; ");
        }
        boolean first = true;
        for (int d = 0; d < detectors.length; d++) {
            if (verdicts[d].anomaly()) {
                if (!first) {
                    sb.append("; ");
                }
                first = false;
                sb.append(detectors[d] instanceof FieldDetector<?> fd
                        ? explain(fd, row[slots[d]], value, verdicts[d])
                        : pointVerdicts[d].explanation());
            }
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static <S extends DetectorState> String phaseLabel(SeasonalHistory<S> h, DetectorState s, long ts) {
        return h.phaseLabel((S) s, ts);
    }

    /** The correction of an anomalous value: by the policy's rule, else the expected value, else the value. */
    private double correction(DetectorState[] row, int[] slots, double expected, double value) {
        if (policy.correction() == AlertPolicy.Correction.SEASONAL_MEAN) {
            for (int d = 0; d < detectors.length; d++) {
                if (detectors[d] instanceof SeasonalHistory<?> h && row[slots[d]] != null) {
                    double mean = samePhaseMean(h, row[slots[d]]);
                    if (Double.isFinite(mean)) {
                        return mean;
                    }
                }
            }
        }
        return Double.isFinite(expected) ? expected : value;
    }

    @SuppressWarnings("unchecked")
    private static <S extends DetectorState> double samePhaseMean(SeasonalHistory<S> h, DetectorState s) {
        return h.samePhaseMean((S) s);
    }

    @SuppressWarnings("unchecked")
    private static <S extends DetectorState> void replaceNewest(Correctable<S> c, DetectorState s, double v) {
        c.replaceNewest((S) s, v);
    }

    /**
     * A point verdict as seen from one field: the point's score on the fields that explain it, a
     * quiet ready verdict (score 0) on the others, so a multivariate anomaly is reported on the
     * field that is off rather than on every field of the point.
     */
    private static Verdict attributed(PointVerdict pv, int field) {
        if (!pv.ready()) {
            return Verdict.COLD;
        }
        double expected = pv.expected(field);
        if (!pv.attributes(field)) {
            return new Verdict(true, 0.0, false, expected, Double.NaN, Double.NaN, 0.0);
        }
        return new Verdict(true, pv.score(), pv.anomaly(), expected, Double.NaN, Double.NaN, pv.magnitude());
    }

    private static <S extends DetectorState> Verdict update(FieldDetector<S> d, DetectorState[] row, int slot,
            long ts, double value) {
        S s = d.stateType().cast(row[slot]);
        if (s == null) {
            s = d.newState();
            row[slot] = s;
        }
        return d.update(s, ts, value);
    }

    private static <S extends DetectorState> PointVerdict updatePoint(PointDetector<S> d, DetectorState[] row,
            int slot, long ts, String[] fields, double[] values) {
        S s = d.stateType().cast(row[slot]);
        if (s == null) {
            s = d.newState();
            row[slot] = s;
        }
        return d.update(s, ts, fields, values);
    }

    private static <S extends DetectorState> String explain(FieldDetector<S> d, DetectorState s, double value,
            Verdict v) {
        return d.explain(d.stateType().cast(s), value, v);
    }
}
