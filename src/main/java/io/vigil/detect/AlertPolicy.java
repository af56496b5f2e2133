package io.vigil.detect;

import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What turns anomalous points into alerts (the job spec's {@code alerting} section): severity
 * bands, incidents, suppression and correction. Detection is not affected: a suppressed anomaly is
 * still anomalous in the scored stream and the backtest, it only opens no incident.
 *
 * @param severity severity bands on the combined score
 * @param minScore an anomaly whose combined score is below this opens no incident
 * @param cooldownMillis after an incident of a series' field closes, a new one on that field within
 *     this much event time is suppressed (0 = off)
 * @param closeAfter consecutive normal points of a field that close its open incident; anomalous
 *     points closer together merge into one subsequence incident
 * @param onsetWindow points over which a field's score must rise to count as the onset of an anomaly
 *     ({@link io.vigil.model.FieldScore#onset}); 0 = every point is its own onset
 * @param correction how an anomalous value is corrected for the cleaned stream
 * @param feedback whether the field detectors that can ({@link Correctable}) keep the corrected value
 *     in their state in place of the anomalous one, so a long incident does not become the norm
 * @param mutes series (and optionally fields) whose anomalies never alert
 */
public record AlertPolicy(SeverityBands severity, double minScore, long cooldownMillis, int closeAfter,
        int onsetWindow, Correction correction, boolean feedback, List<Mute> mutes) implements Serializable {

    /** How an anomalous value is replaced in the cleaned stream. */
    public enum Correction {
        /** The expected value of the detector that explains the anomaly (a one-step forecast). */
        EXPECTED,
        /**
         * The seed text's rule: the mean of the same seasonal phase in the earlier periods the STL
         * window holds (e.g. earlier Decembers of a monthly series); the expected value when the
         * series has no known period yet.
         */
        SEASONAL_MEAN
    }

    /**
     * A mute rule: anomalies of series matching the glob (and of the listed fields, or of every
     * field when none are listed) open no incident.
     */
    public record Mute(String match, Pattern pattern, Set<String> fields) implements Serializable {

        public boolean mutes(String series, String field) {
            return pattern.matcher(series).matches() && (fields.isEmpty() || fields.contains(field));
        }
    }

    public AlertPolicy {
        mutes = List.copyOf(mutes);
        if (closeAfter < 1) {
            throw new IllegalArgumentException("alerting.closeAfter: must be >= 1, got " + closeAfter);
        }
        if (onsetWindow < 0 || onsetWindow > OnsetState.MAX_WINDOW) {
            throw new IllegalArgumentException("alerting.onsetWindow: must be in [0, " + OnsetState.MAX_WINDOW
                    + "], got " + onsetWindow);
        }
    }

    /**
     * Points a field's score must top to count as a new onset. 20 points is long enough that an incident's
     * flicker (normal, anomalous, normal...) is reported once, short enough that a second incident an hour
     * later on 5-minute data is reported on its own; 10 to 100 scored alike on the labelled benchmark.
     */
    public static final int DEFAULT_ONSET_WINDOW = 20;

    /** Default bands, every anomaly alerts, incidents close after 3 normal points, expected-value correction. */
    public static AlertPolicy defaults() {
        return new AlertPolicy(SeverityBands.defaults(), 0.0, 0L, 3, DEFAULT_ONSET_WINDOW, Correction.EXPECTED, false, List.of());
    }

    /** Whether an anomaly of this series' field is muted. */
    public boolean muted(String series, String field) {
        for (Mute m : mutes) {
            if (m.mutes(series, field)) {
                return true;
            }
        }
        return false;
    }
}
