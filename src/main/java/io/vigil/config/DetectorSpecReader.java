package io.vigil.config;

import io.vigil.detect.Combination;
import io.vigil.detect.DetectorConfig;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.forecast.ForecastConfig;
import io.vigil.detect.forecast.ForecastDetector;
import io.vigil.detect.kmeans.KMeansConfig;
import io.vigil.detect.kmeans.KMeansDetector;
import io.vigil.detect.autoencoder.AutoencoderConfig;
import io.vigil.detect.autoencoder.AutoencoderDetector;
import io.vigil.detect.autoencoder.DenseAutoencoder;
import io.vigil.detect.iforest.IForestConfig;
import io.vigil.detect.iforest.IForestDetector;
import io.vigil.detect.range.RangeConfig;
import io.vigil.detect.range.RangeDetector;
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
        READERS.put(ForecastDetector.NAME, (n, seed) -> forecast(n));
        READERS.put(RangeDetector.NAME, (n, seed) -> range(n));
        READERS.put(IForestDetector.NAME, DetectorSpecReader::iforest);
        READERS.put(KMeansDetector.NAME, DetectorSpecReader::kmeans);
        READERS.put(AutoencoderDetector.NAME, DetectorSpecReader::autoencoder);
    }

    private DetectorSpecReader() {}

    static DetectorSettings read(ConfigNode d, long seed) {
        Set<String> known = new LinkedHashSet<>(READERS.keySet());
        known.add("combine");
        d.allowOnly(known);
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
        return new DetectorSettings(configs, on, combine(d.child("combine")));
    }

    private static Combination combine(ConfigNode c) {
        c.allowOnly(Set.of("rule", "votes", "threshold", "weights"));
        Combination defaults = Combination.defaults();
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Map.Entry<String, String> w : c.stringMap("weights").entrySet()) {
            if (!READERS.containsKey(w.getKey())) {
                throw new ConfigException(c.key("weights") + "." + w.getKey() + ": unknown detector (known: "
                        + String.join(", ", READERS.keySet()) + ")");
            }
            try {
                weights.put(w.getKey(), Double.parseDouble(w.getValue()));
            } catch (NumberFormatException e) {
                throw new ConfigException(c.key("weights") + "." + w.getKey() + ": expected a number, got \""
                        + w.getValue() + "\"");
            }
        }
        try {
            return new Combination(c.choice("rule", defaults.rule(), Combination.Rule.class),
                    (int) c.integer("votes", defaults.votes(), 1, 100),
                    c.number("threshold", defaults.threshold(), 0, 1), weights);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().replace("detectors.combine.", c.path() + "."), e);
        }
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

    private static RangeConfig range(ConfigNode s) {
        s.allowOnly(keys("tolerance", "minPoints", "rarity", "rarityPerRange", "quietPoints", "threshold"));
        RangeConfig d = RangeConfig.DEFAULTS;
        return new RangeConfig(s.number("tolerance", d.tolerance(), 0, 10),
                (int) s.integer("minPoints", d.minPoints(), 2, 100_000_000),
                s.number("rarity", d.rarity(), 0, RangeConfig.MAX_RARITY),
                s.number("rarityPerRange", d.rarityPerRange(), 0, 1000),
                (int) s.integer("quietPoints", d.quietPoints(), 0, 100_000_000),
                s.number("threshold", d.threshold(), 0, 1));
    }

    private static KMeansConfig kmeans(ConfigNode s, long seed) {
        s.allowOnly(keys("window", "k", "minK", "maxK", "pca", "pcaVariance", "sampleSize", "minSample",
                "retrainEvery", "retrainInterval", "minClusterShare", "outliersFraction", "tailFraction"));
        KMeansConfig defaults = KMeansConfig.builder().build();
        KMeansConfig.Builder b = KMeansConfig.builder().seed(seed);
        if (!s.string("k", "auto").equalsIgnoreCase("auto")) {
            b.k((int) s.integer("k", 0, 1, 64));
        }
        if (!s.string("outliersFraction", "auto").equalsIgnoreCase("auto")) {
            double f = s.number("outliersFraction", 0, 0, 0.5);
            if (f == KMeansConfig.AUTO_FRACTION) { // 0 is the builder's 'auto': refuse it rather than switch modes silently
                throw new ConfigException(s.key("outliersFraction") + ": must be 'auto' or a fraction in (0, 0.5], got 0");
            }
            b.outliersFraction(f);
        }
        return b.window((int) s.integer("window", defaults.window(), 1, 256))
                .minK((int) s.integer("minK", defaults.minK(), 1, 64))
                .maxK((int) s.integer("maxK", defaults.maxK(), 1, 64))
                .pca(s.bool("pca", defaults.pca()))
                .pcaVariance(s.number("pcaVariance", defaults.pcaVariance(), 0, 1))
                .sampleSize((int) s.integer("sampleSize", defaults.sampleSize(), 20, 100_000))
                .minSample((int) s.integer("minSample", defaults.minSample(), 10, 100_000))
                .retrainEvery((int) s.integer("retrainEvery", defaults.retrainEvery(), 1, 10_000_000))
                .retrainIntervalMs(s.duration("retrainInterval", Duration.ZERO, Duration.ZERO).toMillis())
                .minClusterShare(s.number("minClusterShare", defaults.minClusterShare(), 0, 0.5))
                .tailFraction(s.number("tailFraction", defaults.tailFraction(), 0, 0.5))
                .build();
    }

    private static AutoencoderConfig autoencoder(ConfigNode a, long seed) {
        a.allowOnly(keys("hidden", "activation", "window", "sampleSize", "minSample", "retrainEvery", "retrainInterval", "maxEpochs",
                "patience", "batchSize", "learningRate", "validationFraction", "warmStart", "contamination",
                "calibrationWindow", "tailFraction"));
        AutoencoderConfig defaults = AutoencoderConfig.builder().build();
        AutoencoderConfig.Builder b = AutoencoderConfig.builder().seed(seed);
        if (a.has("hidden")) {
            List<String> widths = a.stringList("hidden", List.of());
            int[] hidden = new int[widths.size()];
            for (int i = 0; i < hidden.length; i++) {
                try {
                    hidden[i] = Integer.parseInt(widths.get(i));
                } catch (NumberFormatException e) {
                    throw new ConfigException(a.key("hidden") + ": expected a list of layer widths like [8, 2, 8], got "
                            + a.raw().get("hidden"));
                }
            }
            b.hidden(hidden);
        }
        String contamination = a.string("contamination", "auto");
        if (!contamination.equalsIgnoreCase("auto")) {
            b.contamination(a.number("contamination", 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY));
        }
        return b.activation(a.choice("activation", defaults.activation(), DenseAutoencoder.Activation.class))
                .window((int) a.integer("window", defaults.window(), 2, 1024))
                .sampleSize((int) a.integer("sampleSize", defaults.sampleSize(), 32, 100_000))
                .minSample((int) a.integer("minSample", defaults.minSample(), 16, 100_000))
                .retrainEvery((int) a.integer("retrainEvery", defaults.retrainEvery(), 1, 100_000_000))
                .retrainIntervalMillis(a.duration("retrainInterval", Duration.ZERO, Duration.ZERO).toMillis())
                .maxEpochs((int) a.integer("maxEpochs", defaults.maxEpochs(), 1, 10_000))
                .patience((int) a.integer("patience", defaults.patience(), 1, 10_000))
                .batchSize((int) a.integer("batchSize", defaults.batchSize(), 1, 4096))
                .learningRate(a.number("learningRate", defaults.learningRate(), 0, 1))
                .validationFraction(a.number("validationFraction", defaults.validationFraction(), 0, 0.5))
                .warmStart(a.bool("warmStart", defaults.warmStart()))
                .calibrationWindow((int) a.integer("calibrationWindow", defaults.calibrationWindow(), 20, 1_000_000))
                .tailFraction(a.number("tailFraction", defaults.tailFraction(), 0, 0.5))
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
