package io.vigil.config;

import io.vigil.detect.DetectorConfig;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.iforest.IForestConfig;
import io.vigil.detect.iforest.IForestDetector;
import io.vigil.detect.stl.StlConfig;
import io.vigil.detect.stl.StlDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code detectors} section of a job spec (or of an override, merged over it): one
 * reader per known detector, each refusing keys it does not know. Every detector has an
 * {@code enabled} key; its default is whether {@link DetectorSettings#defaults()} enables it.
 * A detector's builder validates its values with messages that name {@code detectors.<name>.<key>};
 * they are re-rooted here at the node's real path (e.g. {@code overrides[0].detectors.stl.period}).
 */
final class DetectorSpecReader {

    /** Reads one detector's keys (all but {@code enabled}); {@code seed} is the job spec's top-level seed. */
    @FunctionalInterface
    private interface Reader {
        DetectorConfig read(ConfigNode node, long seed);
    }

    /** The reader of each detector's keys, in {@link DetectorSettings#ALL} order. */
    private static final Map<String, Reader> READERS = new LinkedHashMap<>();

    static {
        READERS.put(StlDetector.NAME, (n, seed) -> stl(n));
        READERS.put(IForestDetector.NAME, DetectorSpecReader::iforest);
    }

    private DetectorSpecReader() {}

    static DetectorSettings read(ConfigNode d, long seed) {
        d.allowOnly(READERS.keySet());
        Set<String> defaultOn = DetectorSettings.defaults().on();
        List<DetectorConfig> configs = new ArrayList<>();
        Set<String> on = new LinkedHashSet<>();
        for (Map.Entry<String, Reader> e : READERS.entrySet()) {
            ConfigNode node = d.child(e.getKey());
            try {
                configs.add(e.getValue().read(node, seed));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(ex.getMessage().replace("detectors." + e.getKey() + ".", node.path() + "."),
                        ex);
            }
            if (node.bool("enabled", defaultOn.contains(e.getKey()))) {
                on.add(e.getKey());
            }
        }
        return new DetectorSettings(configs, on);
    }

    private static Set<String> keys(String... keys) {
        Set<String> out = new LinkedHashSet<>(List.of(keys));
        out.add("enabled");
        return out;
    }

    private static StlConfig stl(ConfigNode s) {
        s.allowOnly(keys("period", "minPeriod", "maxPeriod", "windowPeriods", "nonSeasonalWindow", "seasonalSpan",
                "robust", "threshold", "calibrationWindow", "minCalibration", "tailFraction", "maxGapFill"));
        StlConfig.Builder b = StlConfig.builder();
        String period = s.string("period", "auto");
        if (!period.equalsIgnoreCase("auto")) {
            b.period((int) s.integer("period", 0, 2, 100_000));
        }
        StlConfig defaults = StlConfig.builder().build();
        return b.minPeriod((int) s.integer("minPeriod", defaults.minPeriod(), 2, 100_000))
                .maxPeriod((int) s.integer("maxPeriod", defaults.maxPeriod(), 2, 100_000))
                .windowPeriods((int) s.integer("windowPeriods", defaults.windowPeriods(), 2, 50))
                .nonSeasonalWindow((int) s.integer("nonSeasonalWindow", defaults.nonSeasonalWindow(), 8, 100_000))
                .seasonalSpan((int) s.integer("seasonalSpan", defaults.seasonalSpan(), 3, 10_001))
                .robust(s.bool("robust", defaults.robust()))
                .threshold(s.number("threshold", defaults.threshold(), 0, 1))
                .calibrationWindow((int) s.integer("calibrationWindow", defaults.calibrationWindow(), 20, 1_000_000))
                .minCalibration((int) s.integer("minCalibration", defaults.minCalibration(), 1, 1_000_000))
                .tailFraction(s.number("tailFraction", defaults.tailFraction(), 0, 0.5))
                .maxGapFill((int) s.integer("maxGapFill", defaults.maxGapFill(), -1, 1_000_000))
                .build();
    }

    private static IForestConfig iforest(ConfigNode s, long seed) {
        s.allowOnly(keys("trees", "subsample", "sampleSize", "minSample", "retrainEvery", "retrainInterval",
                "contamination", "tailFraction", "differences", "seasonalPeriod", "rollingWindow", "timeOfDay",
                "dayOfWeek", "modelCache"));
        IForestConfig d = IForestConfig.builder().build();
        IForestConfig.Builder b = IForestConfig.builder().seed(seed);
        String contamination = s.string("contamination", "auto");
        if (!contamination.trim().equalsIgnoreCase("auto")) {
            b.contamination(s.number("contamination", 0, 0, 1));
        }
        return b.trees((int) s.integer("trees", d.trees(), 1, 1000))
                .subsample((int) s.integer("subsample", d.subsample(), 4, 4096))
                .sampleSize((int) s.integer("sampleSize", d.sampleSize(), 16, 100_000))
                .minSample((int) s.integer("minSample", d.minSample(), 16, 100_000))
                .retrainEvery((int) s.integer("retrainEvery", d.retrainEvery(), 1, 100_000))
                .retrainIntervalMillis(s.duration("retrainInterval", Duration.ZERO, Duration.ZERO)
                        .toMillis())
                .tailFraction(s.number("tailFraction", d.tailFraction(), 0, 0.5))
                .differences(s.bool("differences", d.differences()))
                .seasonalPeriod((int) s.integer("seasonalPeriod", d.seasonalPeriod(), 0, 10_000))
                .rollingWindow((int) s.integer("rollingWindow", d.rollingWindow(), 0, 10_000))
                .timeOfDay(s.bool("timeOfDay", d.timeOfDay()))
                .dayOfWeek(s.bool("dayOfWeek", d.dayOfWeek()))
                .modelCache((int) s.integer("modelCache", d.modelCache(), 1, 1_000_000))
                .build();
    }
}
