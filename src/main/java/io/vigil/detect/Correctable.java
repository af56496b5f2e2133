package io.vigil.detect;

/**
 * A field detector that can learn a corrected value in place of the anomalous one it was just
 * updated with, so a long incident does not teach the model that it is normal (the job spec's
 * {@code alerting.feedback}).
 *
 * @param <S> the detector's state
 */
public interface Correctable<S extends DetectorState> {

    /** Replaces the newest value the state holds by {@code corrected}. */
    void replaceNewest(S state, double corrected);
}
