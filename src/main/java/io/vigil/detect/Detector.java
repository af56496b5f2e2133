package io.vigil.detect;

/**
 * A detector of one kind: either a {@link FieldDetector}, which judges each field of a series on
 * its own (STL, the forecasters), or a {@link PointDetector}, which judges the whole point at once
 * (Isolation Forest, k-means, the autoencoder: multivariate vectors, or windows of a univariate
 * series). Instances hold configuration and scratch arrays only; per-series memory lives in a
 * {@link DetectorState}.
 */
public interface Detector {

    /** Name in outputs and in the job spec ({@code detectors.<name>}). */
    String name();

    /** Model retrains this instance has run (for all the series it served); 0 for detectors without models. */
    default long retrains() {
        return 0;
    }

    /** Total time of those retrains, in nanoseconds. */
    default long retrainNanos() {
        return 0;
    }
}
