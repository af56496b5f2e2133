package io.vigil.config;

import io.vigil.detect.DetectorConfig;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.forecast.ForecastConfig;
import io.vigil.detect.forecast.ForecastDetector;
import io.vigil.detect.stl.StlConfig;
import io.vigil.detect.stl.StlDetector;
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
        READERS.put(ForecastDetector.NAME, (n, seed) -> forecast(n));
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

    private static ForecastConfig forecast(ConfigNode s) {
        s.allowOnly(keys("model", "period", "extraPeriods", "minPeriod", "maxPeriod", "windowPeriods",
                "nonSeasonalWindow", "refitEvery", "seasonality", "damped", "arOrder", "seasonalArOrder",
                "differencing", "seasonalDifferencing", "fourierOrder", "changepoints", "intervalWidth", "threshold",
                "onAnomaly", "shiftAfter", "calibrationWindow", "minCalibration", "tailFraction", "maxGapFill"));
        ForecastConfig d = ForecastConfig.builder().build();
        ForecastConfig.Builder b = ForecastConfig.builder();
        String period = s.string("period", "auto");
        if (!period.equalsIgnoreCase("auto")) {
            b.period((int) s.integer("period", 0, 2, 100_000));
        }
        return b.model(s.choice("model", d.model(), ForecastConfig.Model.class))
                .extraPeriods(periods(s, "extraPeriods"))
                .minPeriod((int) s.integer("minPeriod", d.minPeriod(), 2, 100_000))
                .maxPeriod((int) s.integer("maxPeriod", d.maxPeriod(), 2, 100_000))
                .windowPeriods((int) s.integer("windowPeriods", d.windowPeriods(), 2, 50))
                .nonSeasonalWindow((int) s.integer("nonSeasonalWindow", d.nonSeasonalWindow(), 16, 100_000))
                .refitEvery((int) s.integer("refitEvery", d.refitEvery(), -1, 1_000_000))
                .seasonality(s.choice("seasonality", d.seasonality(), ForecastConfig.Seasonality.class))
                .damped(s.bool("damped", d.damped()))
                .arOrder((int) s.integer("arOrder", d.arOrder(), 0, 20))
                .seasonalArOrder((int) s.integer("seasonalArOrder", d.seasonalArOrder(), 0, 3))
                .differencing((int) s.integer("differencing", d.differencing(), 0, 2))
                .seasonalDifferencing((int) s.integer("seasonalDifferencing", d.seasonalDifferencing(), 0, 1))
                .fourierOrder((int) s.integer("fourierOrder", d.fourierOrder(), 1, 50))
                .changepoints((int) s.integer("changepoints", d.changepoints(), 0, 25))
                .intervalWidth(s.number("intervalWidth", d.intervalWidth(), 0, 1))
                .threshold(s.number("threshold", d.threshold(), 0, 1))
                .onAnomaly(s.choice("onAnomaly", d.onAnomaly(), ForecastConfig.OnAnomaly.class))
                .shiftAfter((int) s.integer("shiftAfter", d.shiftAfter(), 1, 1_000_000))
                .calibrationWindow((int) s.integer("calibrationWindow", d.calibrationWindow(), 20, 1_000_000))
                .minCalibration((int) s.integer("minCalibration", d.minCalibration(), 1, 1_000_000))
                .tailFraction(s.number("tailFraction", d.tailFraction(), 0, 0.5))
                .maxGapFill((int) s.integer("maxGapFill", d.maxGapFill(), -1, 1_000_000))
                .build();
    }

    /** A list of periods in points ({@code []} for none). */
    private static int[] periods(ConfigNode s, String key) {
        com.fasterxml.jackson.databind.JsonNode v = s.raw().get(key);
        if (v == null || v.isNull() || (v.isArray() && v.isEmpty())) {
            return new int[0];
        }
        List<String> items = s.stringList(key, List.of());
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = Integer.parseInt(items.get(i));
            } catch (NumberFormatException e) {
                throw new ConfigException(s.key(key) + ": expected a list of periods in points, got " + v);
            }
        }
        return out;
    }
}
