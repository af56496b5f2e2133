package io.vigil.detect;

import io.vigil.detect.stl.StlDetector;
import io.vigil.detect.stl.StlState;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the enabled detectors of one series setting on each point and combines their verdicts:
 * the host-independent heart of the pipeline. The Flink operator and the tests call the same
 * {@link #score}; the operator only loads and stores the {@link SeriesState}.
 *
 * <p>Combination (until the combination issue lands): the point's score is the largest calibrated
 * score among the detectors that are past their cold start, and the point is anomalous when any
 * detector fired. Because each detector's score is a calibrated tail probability, taking the
 * maximum compares like with like.
 */
public final class SeriesScorer {

    /** Name of the STL detector in outputs. */
    public static final String STL = "stl";

    private final DetectorSettings settings;
    private final SeverityBands severity;
    private final StlDetector stl;

    public SeriesScorer(DetectorSettings settings, SeverityBands severity) {
        this.settings = settings;
        this.severity = severity;
        this.stl = settings.stlEnabled() ? new StlDetector(settings.stl()) : null;
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
        List<FieldScore> out = new ArrayList<>(fields.length);
        for (int i = 0; i < fields.length; i++) {
            int at = state.indexOf(fields[i]);
            if (at < 0) {
                at = state.add(fields[i]);
            }
            out.add(scoreField(state, at, fields[i], p.ts(), values[i]));
        }
        return new ScoredPoint(p.series(), p.ts(), out, p.tags(), state.points);
    }

    private FieldScore scoreField(SeriesState state, int at, String field, long ts, double value) {
        Map<String, Double> scores = new LinkedHashMap<>(2);
        List<String> fired = new ArrayList<>(1);
        Verdict best = null;
        String explanation = "";
        if (stl != null) {
            StlState s = state.stl[at];
            if (s == null) {
                s = stl.newState();
                state.stl[at] = s;
            }
            Verdict v = stl.update(s, ts, value);
            if (v.ready()) {
                scores.put(STL, v.score());
                if (v.anomaly()) {
                    fired.add(STL);
                    explanation = String.format(Locale.ROOT,
                            "stl: %s is %.1f residual scales %s trend+seasonal %s (period %d)",
                            fmt(value), v.magnitude(), value > v.expected() ? "above" : "below", fmt(v.expected()),
                            s.period());
                }
                best = v;
            }
        }
        if (best == null) {
            return new FieldScore(field, value, false, 0.0, false, Double.NaN, Double.NaN, Double.NaN, value, scores,
                    fired, "");
        }
        double score = 0;
        for (double x : scores.values()) {
            score = Math.max(score, x);
        }
        boolean anomaly = !fired.isEmpty();
        return new FieldScore(field, value, true, score, anomaly, best.expected(), best.lower(), best.upper(),
                anomaly ? best.expected() : value, scores, fired, explanation);
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

    private static String fmt(double x) {
        return Math.abs(x) >= 1e6 || (Math.abs(x) < 1e-3 && x != 0)
                ? String.format(Locale.ROOT, "%.4g", x)
                : String.format(Locale.ROOT, "%.3f", x).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
