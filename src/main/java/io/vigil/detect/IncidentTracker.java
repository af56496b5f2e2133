package io.vigil.detect;

import io.vigil.model.AnomalyEvent;
import io.vigil.model.FieldScore;
import java.util.List;
import java.util.Map;

/**
 * Turns the anomalous points of one field into incidents, in event-time order (the detector
 * operator scores points in timestamp order, so out-of-order arrival inside the allowed lateness
 * cannot split or reorder an incident):
 *
 * <ul>
 *   <li>The first anomalous point opens an incident and publishes an {@code open} event at once, so
 *       an alert never waits for the incident to end.
 *   <li>Anomalous points that follow before {@link AlertPolicy#closeAfter} consecutive normal points
 *       join it (no event: one incident, one alert — the answer to alert fatigue).
 *   <li>{@code closeAfter} normal points close it with a {@code closed} event carrying the whole
 *       extent ({@code start}..{@code end}), the number of anomalous points, and the peak point's
 *       values; {@code kind} is {@code subsequence} when it spanned more than one point.
 *   <li>An anomaly that would open an incident is suppressed — counted, still anomalous in the
 *       scored stream — when its combined score is below {@link AlertPolicy#minScore}, when its series
 *       and field are muted, or when it falls within {@link AlertPolicy#cooldownMillis} of the end of
 *       the field's previous incident; and when it is not an onset ({@link FieldScore#onset} 0: an
 *       anomaly of the field among its last {@link AlertPolicy#onsetWindow} points was as rare, or
 *       nearly), which is the incident just closed flickering back, not a new one. So the job alerts
 *       exactly on the anomalous onsets the backtest scores.
 * </ul>
 */
final class IncidentTracker {

    private IncidentTracker() {}

    /**
     * Advances the field's incident by one scored point.
     *
     * @param out where events are added
     * @return whether an anomaly of this point was suppressed
     */
    static boolean advance(IncidentState s, AlertPolicy policy, String series, long ts, FieldScore f,
            long modelVersion, Map<String, String> tags, List<AnomalyEvent> out) {
        if (f.anomaly()) {
            if (s.open()) {
                s.end = ts;
                s.points++;
                s.normalRun = 0;
                if (f.score() > s.peakScore) {
                    peak(s, ts, f);
                }
                return false;
            }
            boolean cooling = policy.cooldownMillis() > 0 && s.lastClosedEnd != IncidentState.NONE
                    && ts - s.lastClosedEnd < policy.cooldownMillis();
            if (f.score() < policy.minScore() || cooling || f.onset() == 0 || policy.muted(series, f.field())) {
                return true;
            }
            s.start = ts;
            s.end = ts;
            s.points = 1;
            s.normalRun = 0;
            peak(s, ts, f);
            out.add(event(s, policy, series, f.field(), AnomalyEvent.OPEN, modelVersion, tags));
            return false;
        }
        if (s.open() && ++s.normalRun >= policy.closeAfter()) {
            out.add(event(s, policy, series, f.field(), AnomalyEvent.CLOSED, modelVersion, tags));
            s.lastClosedEnd = s.end;
            s.start = IncidentState.NONE;
            s.end = IncidentState.NONE;
            s.points = 0;
            s.normalRun = 0;
            s.peakExplanation = "";
            s.peakDetectors = Map.of();
        }
        return false;
    }

    private static void peak(IncidentState s, long ts, FieldScore f) {
        s.peakTs = ts;
        s.peakValue = f.value();
        s.peakExpected = f.expected();
        s.peakLower = f.lower();
        s.peakUpper = f.upper();
        s.peakScore = f.score();
        s.peakCorrected = f.corrected();
        s.peakExplanation = f.explanation();
        s.peakDetectors = f.detectors();
    }

    /** The event of an incident, from its peak point. */
    private static AnomalyEvent event(IncidentState s, AlertPolicy policy, String series, String field,
            String status, long modelVersion, Map<String, String> tags) {
        double v = s.peakValue;
        double expected = s.peakExpected;
        String direction = Double.isNaN(expected) || v >= expected ? "up" : "down";
        // the seed text's importance: distance beyond the violated bound over the value itself; a
        // detector without a band (a multivariate model) measures from the expected value
        double beyond = v > s.peakUpper ? v - s.peakUpper : (v < s.peakLower ? s.peakLower - v : 0.0);
        if (Double.isNaN(s.peakLower) && Double.isFinite(expected)) {
            beyond = Math.abs(v - expected);
        }
        double denom = Math.abs(v) > 0 ? Math.abs(v) : Math.max(Math.abs(expected), 1e-12);
        String kind = s.points > 1 ? "subsequence" : "point";
        return new AnomalyEvent(series, status.equals(AnomalyEvent.OPEN) ? s.start : s.peakTs, field, v, expected,
                s.peakLower, s.peakUpper, s.peakScore, policy.severity().of(s.peakScore), direction, beyond / denom,
                s.peakDetectors, kind, s.start, s.end, status, s.points, s.peakCorrected, s.peakExplanation,
                modelVersion, tags);
    }
}
