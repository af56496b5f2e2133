package io.vigil.detect;

import io.vigil.detect.kmeans.KMeansConfig;
import io.vigil.detect.kmeans.KMeansDetector;
import io.vigil.detect.autoencoder.AutoencoderConfig;
import io.vigil.detect.autoencoder.AutoencoderDetector;
import io.vigil.detect.forecast.ForecastConfig;
import io.vigil.detect.forecast.ForecastDetector;
import io.vigil.detect.iforest.IForestConfig;
import io.vigil.detect.iforest.IForestDetector;
import io.vigil.detect.range.RangeConfig;
import io.vigil.detect.range.RangeDetector;
import io.vigil.detect.stl.StlConfig;
import io.vigil.detect.stl.StlDetector;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which detectors run on a series and how they are set: one immutable value per distinct series
 * setting of the job spec (defaults plus overrides). Every known detector has a config here, on or
 * off, so {@code --detectors} and overrides can switch any of them on without inventing settings.
 *
 * <p>A new detector adds its name to {@link #ALL} (scoring order), its default config to
 * {@link #defaults()}, its state reader to {@link DetectorStates}, and its keys to the job spec
 * reader.
 *
 * @param configs one config per known detector, in {@link #ALL} order
 * @param on names of the enabled detectors
 * @param combine how the detectors' verdicts on a field become one
 */
public record DetectorSettings(List<DetectorConfig> configs, Set<String> on, Combination combine)
        implements Serializable {

    /** Every detector name this build knows, in scoring order. */
    public static final List<String> ALL = List.of(StlDetector.NAME, ForecastDetector.NAME, RangeDetector.NAME,
            IForestDetector.NAME, KMeansDetector.NAME, AutoencoderDetector.NAME);

    public DetectorSettings {
        java.util.Objects.requireNonNull(combine, "combine");
        configs = List.copyOf(configs);
        on = Set.copyOf(on);
        for (String n : on) {
            if (configs.stream().noneMatch(c -> c.name().equals(n))) {
                throw new IllegalArgumentException("detector '" + n + "' is enabled but has no config");
            }
        }
    }

    /** The default config of every known detector, in {@link #ALL} order. */
    public static List<DetectorConfig> defaultConfigs() {
        return List.of(StlConfig.builder().build(), ForecastConfig.builder().build(), RangeConfig.DEFAULTS,
                IForestConfig.builder().build(), KMeansConfig.builder().build(), AutoencoderConfig.builder().build());
    }

    /** Every detector with its defaults; the ones {@code jobs/default.yaml} enables are on. */
    public static DetectorSettings defaults() {
        return new DetectorSettings(defaultConfigs(), Set.of(StlDetector.NAME, ForecastDetector.NAME, RangeDetector.NAME),
                Combination.defaults());
    }

    /**
     * Exactly the given configs enabled (others at their defaults, off): for tests and
     * experiments, {@code DetectorSettings.of(StlConfig.builder().period(24).build())}.
     */
    public static DetectorSettings of(DetectorConfig... enabled) {
        List<DetectorConfig> all = new ArrayList<>(defaultConfigs());
        Set<String> on = new LinkedHashSet<>();
        for (DetectorConfig c : enabled) {
            int at = ALL.indexOf(c.name());
            if (at < 0) {
                throw new IllegalArgumentException("unknown detector '" + c.name() + "', known: " + ALL);
            }
            all.set(at, c);
            on.add(c.name());
        }
        return new DetectorSettings(all, on, Combination.defaults());
    }

    /** Names of the enabled detectors, in scoring order. */
    public List<String> enabled() {
        List<String> out = new ArrayList<>();
        for (DetectorConfig c : configs) {
            if (on.contains(c.name())) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** The config of a known detector. */
    public DetectorConfig config(String name) {
        for (DetectorConfig c : configs) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown detector '" + name + "', known: " + ALL);
    }

    /** The config of a known detector, as its own type. */
    public <C extends DetectorConfig> C config(String name, Class<C> type) {
        return type.cast(config(name));
    }

    /** The calibrated score at or above which the named detector fires. */
    public double threshold(String name) {
        return config(name).threshold();
    }

    /** A copy that runs only the named detectors (for per-detector backtests). */
    public DetectorSettings only(List<String> names) {
        for (String n : names) {
            if (!ALL.contains(n)) {
                throw new IllegalArgumentException("unknown detector '" + n + "', known: " + ALL);
            }
        }
        Set<String> keep = new LinkedHashSet<>(on);
        keep.retainAll(names);
        return new DetectorSettings(configs, keep, combine);
    }

    /**
     * A copy with the named detectors switched on (settings unchanged): {@code --detectors} names
     * detectors to run, on or off in the job spec.
     */
    public DetectorSettings with(List<String> names) {
        only(names); // validates the names
        return new DetectorSettings(configs, new LinkedHashSet<>(names), combine);
    }
}
