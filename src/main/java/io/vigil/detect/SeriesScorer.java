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
 * <p>Combination (until the combination issue lands): the point's score is the largest calibrated
 * score among the detectors that are past their cold start, and the point is anomalous when any
 * detector fired. Because each detector's score is a calibrated tail probability, taking the
 * maximum compares like with like. {@code expected} and the band come from the highest-scoring
 * detector that fired, or, on a normal point, from the first ready detector in
 * {@link DetectorSettings#enabled()} order — so the band a chart draws is stable from point to
 * point and switches only where an anomaly is explained by another detector.
 */
public final class SeriesScorer {

    /** Name of the STL detector in outputs. */
    public static final String STL = StlDetector.NAME;

    private final DetectorSettings settings;
    private final FieldDetector<?>[] detectors;
    private final String[] names;
    private final Verdict[] verdicts;

    public SeriesScorer(DetectorSettings settings, SeverityBands severity) {
        this.settings = settings;
        List<FieldDetector<?>> list = new ArrayList<>();
        for (String name : settings.enabled()) {
            list.add(settings.fieldDetector(name));
        }
        this.detectors = list.toArray(new FieldDetector<?>[0]);
        this.names = new String[detectors.length];
        for (int i = 0; i < detectors.length; i++) {
            names[i] = detectors[i].name();
        }
        this.verdicts = new Verdict[detectors.length];
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
        List<FieldScore> out = new ArrayList<>(fields.length);
        for (int i = 0; i < fields.length; i++) {
            int at = state.indexOf(fields[i]);
            if (at < 0) {
                at = state.add(fields[i]);
            }
            out.add(scoreField(state.states[at], slots, fields[i], p.ts(), values[i]));
        }
        return new ScoredPoint(p.series(), p.ts(), out, p.tags(), state.points);
    }

    private FieldScore scoreField(DetectorState[] row, int[] slots, String field, long ts, double value) {
        Map<String, Double> scores = new LinkedHashMap<>(4);
        List<String> fired = new ArrayList<>(1);
        int firstReady = -1;
        int bestFired = -1;
        double score = 0;
        for (int d = 0; d < detectors.length; d++) {
            Verdict v = update(detectors[d], row, slots[d], ts, value);
            verdicts[d] = v;
            if (!v.ready()) {
                continue;
            }
            scores.put(names[d], v.score());
            score = Math.max(score, v.score());
            if (firstReady < 0) {
                firstReady = d;
            }
            if (v.anomaly()) {
                fired.add(names[d]);
                if (bestFired < 0 || v.score() > verdicts[bestFired].score()) {
                    bestFired = d;
                }
            }
        }
        if (firstReady < 0) {
            return new FieldScore(field, value, false, 0.0, false, Double.NaN, Double.NaN, Double.NaN, value, scores,
                    fired, "");
        }
        boolean anomaly = bestFired >= 0;
        Verdict best = verdicts[anomaly ? bestFired : firstReady];
        String explanation = "";
        if (anomaly) {
            StringBuilder sb = new StringBuilder();
            for (int d = 0; d < detectors.length; d++) {
                if (verdicts[d].anomaly()) {
                    if (sb.length() > 0) {
                        sb.append("; ");
                    }
                    sb.append(explain(detectors[d], row[slots[d]], value, verdicts[d]));
                }
            }
            explanation = sb.toString();
        }
        return new FieldScore(field, value, true, score, anomaly, best.expected(), best.lower(), best.upper(),
                anomaly ? best.expected() : value, scores, fired, explanation);
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
            String direction = v >= f.expected() ? "up" : "down";
            double beyond = v > f.upper() ? v - f.upper() : (v < f.lower() ? f.lower() - v : 0.0);
            // the seed text's importance: distance beyond the violated bound over the value itself
            double denom = Math.abs(v) > 0 ? Math.abs(v) : Math.max(Math.abs(f.expected()), 1e-12);
            out.add(new AnomalyEvent(p.series(), p.ts(), f.field(), v, f.expected(), f.lower(), f.upper(), f.score(),
                    severity.of(f.score()), direction, beyond / denom, f.detectors(), "point", p.ts(), p.ts(),
                    f.corrected(), f.explanation(), p.modelVersion(), p.tags()));
        }
        return out;
    }
}
