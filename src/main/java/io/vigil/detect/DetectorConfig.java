package io.vigil.detect;

import java.io.Serializable;

/**
 * The validated settings of one detector for one series setting, and the factory of its detector.
 * Immutable, {@link Serializable} (it travels with the job graph) and with value equality (the
 * operator caches one scorer per distinct setting).
 */
public interface DetectorConfig extends Serializable {

    /** The detector's name ({@code detectors.<name>} in the job spec). */
    String name();

    /** The calibrated score at or above which the detector fires. */
    double threshold();

    /** A new detector (configuration and scratch only, no series state). */
    Detector newDetector();
}
