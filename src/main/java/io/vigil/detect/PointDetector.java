package io.vigil.detect;

/**
 * A detector that judges a whole point of a series at once, in event-time order: all fields of a
 * multivariate point together, or, for a univariate series, the newest value in the context of its
 * recent window (a lag embedding or feature vector the detector builds in its state). Isolation
 * Forest, k-means and the autoencoder are point detectors.
 *
 * <p>The verdict names how much each field contributed ({@link PointVerdict#contribution}); the
 * {@link SeriesScorer} attributes the point's score to the fields that explain it, so an anomaly
 * event names the field that is off, not every field of the point.
 *
 * <p>Instances hold configuration, scratch arrays and at most a cache of models derived from state
 * (keyed by content, so a cache can never serve a stale model); all per-series memory lives in the
 * state {@code S}. Not thread-safe.
 *
 * @param <S> the detector's per-series state
 */
public interface PointDetector<S extends DetectorState> extends Detector {

    /** A fresh state for a new series. */
    S newState();

    /**
     * Updates the state with the next point and returns the verdict on it (may be
     * {@link PointVerdict#COLD}).
     *
     * @param fields field names of the point, in its order ({@code ["value"]} for univariate)
     * @param values the values, parallel to {@code fields}; not retained
     */
    PointVerdict update(S state, long ts, String[] fields, double[] values);

    /** The state class this detector keeps, to check states read back from a checkpoint. */
    Class<S> stateType();
}
