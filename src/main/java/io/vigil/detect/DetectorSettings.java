package io.vigil.detect;

import io.vigil.detect.stl.StlConfig;
import io.vigil.detect.stl.StlDetector;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which detectors run on a series and how they are set: one immutable value per distinct series
 * setting of the job spec (defaults plus overrides), and the factory of that setting's detectors.
 * A new detector adds its enabled flag and config here, a case in {@link #fieldDetector} and a
 * name in {@link #enabled()}.
 *
 * @param stlEnabled whether the STL detector runs
 * @param stl STL settings
 */
public record DetectorSettings(boolean stlEnabled, StlConfig stl) implements Serializable {

    /** Every detector name this build knows, in scoring order. */
    public static final List<String> ALL = List.of(StlDetector.NAME);

    /** Every detector on with its defaults. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(true, StlConfig.builder().build());
    }

    /** Names of the enabled detectors, in scoring order. */
    public List<String> enabled() {
        List<String> out = new ArrayList<>();
        if (stlEnabled) {
            out.add(StlDetector.NAME);
        }
        return out;
    }

    /** A new per-field detector (configuration and scratch only) for one of {@link #enabled()}. */
    public FieldDetector<?> fieldDetector(String name) {
        return switch (name) {
            case StlDetector.NAME -> new StlDetector(stl);
            default -> throw new IllegalArgumentException("unknown detector '" + name + "', known: " + ALL);
        };
    }

    /** The calibrated score at or above which the named detector fires. */
    public double threshold(String name) {
        return switch (name) {
            case StlDetector.NAME -> stl.threshold();
            default -> throw new IllegalArgumentException("unknown detector '" + name + "', known: " + ALL);
        };
    }

    /** A copy that runs only the named detectors (for per-detector backtests). */
    public DetectorSettings only(List<String> names) {
        for (String n : names) {
            if (!ALL.contains(n)) {
                throw new IllegalArgumentException("unknown detector '" + n + "', known: " + ALL);
            }
        }
        return new DetectorSettings(stlEnabled && names.contains(StlDetector.NAME), stl);
    }
}
