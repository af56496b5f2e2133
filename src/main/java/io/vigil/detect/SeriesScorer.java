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
 * <p>Combination (until the combination issue lands): a field's score is the largest calibrated
 * score among the detectors that are past their cold start, and the field is anomalous when any
 * detector fired on it. Because each detector's score is a calibrated tail probability, taking the
 * maximum compares like with like. {@code expected} and the band come from the highest-scoring
 * detector that fired and has an expected value, or, on a normal point, from the first ready
 * detector in {@link DetectorSettings#enabled()} order that has one — so the band a chart draws is
 * stable from point to point and switches only where an anomaly is explained by another detector.
 */
public final class SeriesScorer {

    /** Name of the STL detector in outputs. */
    public static final String STL = StlDetector.NAME;

    private final DetectorSettings settings;
    /** Enabled detectors in scoring order, field and point detectors mixed. */
    private final Detector[] detectors;
    private final String[] names;
    private final Verdict[] verdicts;
    private final PointVerdict[] pointVerdicts;

    public SeriesScorer(DetectorSettings settings, SeverityBands severity) {
        this.settings = settings;
        List<String> enabled = settings.enabled();
        this.detectors = new Detector[enabled.size()];
        this.names = new String[detectors.length];
        for (int i = 0; i < detectors.length; i++) {
            detectors[i] = settings.config(enabled.get(i)).newDetector();
            names[i] = detectors[i].name();
        }
        this.verdicts = new Verdict[detectors.length];
        this.pointVerdicts = new PointVerdict[detectors.length];
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
        for (int d = 0; d < detectors.length; d++) {
            pointVerdicts[d] = detectors[d] instanceof PointDetector<?> pd
                    ? updatePoint(pd, state.pointStates, slots[d], p.ts(), fields, values)
                    : null;
        }
        List<FieldScore> out = new ArrayList<>(fields.length);
        for (int i = 0; i < fields.length; i++) {
            int at = state.indexOf(fields[i]);
            if (at < 0) {
                at = state.add(fields[i]);
            }
            out.add(scoreField(state.states[at], slots, i, fields[i], p.ts(), values[i]));
        }
        return new ScoredPoint(p.series(), p.ts(), out, p.tags(), state.points);
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
                v = update(fd, row, slots[d], ts, value);
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
            return new FieldScore(field, value, false, 0.0, false, Double.NaN, Double.NaN, Double.NaN, value, scores,
                    fired, "");
        }
        boolean anomaly = !fired.isEmpty();
        int bandFrom = bestFired >= 0 ? bestFired : firstReady;
        double expected = bandFrom >= 0 ? verdicts[bandFrom].expected() : Double.NaN;
        double lower = bandFrom >= 0 ? verdicts[bandFrom].lower() : Double.NaN;
        double upper = bandFrom >= 0 ? verdicts[bandFrom].upper() : Double.NaN;
        String explanation = "";
        if (anomaly) {
            StringBuilder sb = new StringBuilder();
            for (int d = 0; d < detectors.length; d++) {
                if (verdicts[d].anomaly()) {
                    if (sb.length() > 0) {
                        sb.append("; ");
                    }
                    sb.append(detectors[d] instanceof FieldDetector<?> fd
                            ? explain(fd, row[slots[d]], value, verdicts[d])
                            : pointVerdicts[d].explanation());
                }
            }
            explanation = sb.toString();
        }
        double corrected = anomaly && Double.isFinite(expected) ? expected : value;
        return new FieldScore(field, value, true, score, anomaly, expected, lower, upper, corrected, scores, fired,
                explanation);
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

    /** The anomaly events of a scored point: one per anomalous field. */
    public static List<AnomalyEvent> anomalies(ScoredPoint p, SeverityBands severity) {
        List<AnomalyEvent> out = new ArrayList<>(1);
        for (FieldScore f : p.fields()) {
            if (!f.anomaly()) {
                continue;
            }
            double v = f.value();
            String direction = Double.isNaN(f.expected()) || v >= f.expected() ? "up" : "down";
            // the seed text's importance: distance beyond the violated bound over the value itself;
            // a detector without a band (a multivariate model) measures from the expected value
            double beyond = v > f.upper() ? v - f.upper() : (v < f.lower() ? f.lower() - v : 0.0);
            if (Double.isNaN(f.lower()) && Double.isFinite(f.expected())) {
                beyond = Math.abs(v - f.expected());
            }
            double denom = Math.abs(v) > 0 ? Math.abs(v) : Math.max(Math.abs(f.expected()), 1e-12);
            out.add(new AnomalyEvent(p.series(), p.ts(), f.field(), v, f.expected(), f.lower(), f.upper(), f.score(),
                    severity.of(f.score()), direction, beyond / denom, f.detectors(), "point", p.ts(), p.ts(),
                    f.corrected(), f.explanation(), p.modelVersion(), p.tags()));
        }
        return out;
    }
}
