package io.vigil.detect;

/**
 * A detector that judges one field of a series, value by value, in event-time order (STL, the
 * forecasters). Instances hold configuration and scratch arrays only — every per-series memory
 * lives in the state {@code S} — so one instance serves all series of a task. Not thread-safe.
 *
 * @param <S> the detector's per-field state
 */
public interface FieldDetector<S extends DetectorState> extends Detector {

    /** A fresh state for a new field of a series. */
    S newState();

    /** Updates the state with the next value and returns the verdict on it (may be {@link Verdict#COLD}). */
    Verdict update(S state, long ts, double value);

    /** One clause on why an anomalous verdict fired, for the anomaly event's explanation. */
    String explain(S state, double value, Verdict verdict);

    /** The state class this detector keeps, to check states read back from a checkpoint. */
    Class<S> stateType();
}
