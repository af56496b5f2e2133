package io.vigil.detect;

import io.vigil.detect.stl.StlConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which detectors run on a series and how they are set.
 *
 * @param stlEnabled whether the STL detector runs
 * @param stl STL settings
 */
public record DetectorSettings(boolean stlEnabled, StlConfig stl) implements Serializable {

    /** Every detector on with its defaults. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(true, StlConfig.builder().build());
    }

    /** Names of the enabled detectors, in scoring order. */
    public List<String> enabled() {
        List<String> out = new ArrayList<>();
        if (stlEnabled) {
            out.add("stl");
        }
        return out;
    }

    /** A copy that runs only the named detectors (for per-detector backtests). */
    public DetectorSettings only(List<String> names) {
        return new DetectorSettings(stlEnabled && names.contains("stl"), stl);
    }
}
