package io.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.AlertPolicy;
import io.vigil.detect.OnsetState;
import io.vigil.detect.SeverityBands;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One deployable detection job, read from a YAML file under {@code jobs/}: where to read and
 * write, how to treat time and bad input, and the detector settings with per-series overrides.
 * Immutable and validated when built: a bad value fails at start with a message naming the key and
 * the value. Every key and its default is in this class (the README's job spec reference mirrors it).
 */
public record JobSpec(
        String name,
        KafkaSpec kafka,
        TimeSpec time,
        LimitsSpec limits,
        Duration checkpointInterval,
        Duration seriesTtl,
        long maxSeries,
        long seed,
        DetectorSettings detectors,
        List<SeriesOverride> overrides,
        AlertPolicy alerting) implements Serializable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i)(password|passwd|secret|jaas|token|credential|\\.key$|api[._-]?key|private)");

    /** How the Kafka sinks commit. */
    public enum Delivery { EXACTLY_ONCE, AT_LEAST_ONCE }

    /** Where a consumer group without committed offsets starts. */
    public enum StartingOffsets { COMMITTED, EARLIEST, LATEST }

    /** Kafka connection, topics and client properties. */
    public record KafkaSpec(
            String bootstrapServers,
            String groupId,
            List<String> inputTopics,
            String anomalyTopic,
            String deadLetterTopic,
            String cleanedTopic,
            StartingOffsets startingOffsets,
            Delivery delivery,
            String transactionalIdPrefix,
            Duration transactionTimeout,
            Map<String, String> properties) implements Serializable {

        /**
         * Client properties whose values are secrets by their name (passwords, JAAS configs, keys,
         * tokens) are masked, so a spec that ends up in a log or an error shows no credential.
         */
        @Override
        public String toString() {
            Map<String, String> masked = new java.util.TreeMap<>();
            properties.forEach((key, value) -> masked.put(key, secret(key) ? "****" : value));
            return "KafkaSpec[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", inputTopics="
                    + inputTopics + ", anomalyTopic=" + anomalyTopic + ", deadLetterTopic=" + deadLetterTopic
                    + ", cleanedTopic=" + cleanedTopic + ", startingOffsets=" + startingOffsets + ", delivery="
                    + delivery + ", transactionalIdPrefix=" + transactionalIdPrefix + ", transactionTimeout="
                    + transactionTimeout + ", properties=" + masked + "]";
        }

        /** Whether a client property holds a secret, judged by its name. */
        public static boolean secret(String key) {
            return SECRET_KEY.matcher(key).find();
        }

        /** Whether a cleaned stream is published. */
        public boolean hasCleanedTopic() {
            return cleanedTopic != null && !cleanedTopic.isBlank();
        }

        /** The same spec pointing at other brokers (used by the demo and tests). */
        public KafkaSpec withBootstrapServers(String servers) {
            return new KafkaSpec(servers, groupId, inputTopics, anomalyTopic, deadLetterTopic, cleanedTopic,
                    startingOffsets, delivery, transactionalIdPrefix, transactionTimeout, properties);
        }
    }

    /** Event time: watermarks and lateness. */
    public record TimeSpec(Duration maxOutOfOrderness, Duration idleness, Duration allowedLateness)
            implements Serializable {}

    /** Input validation limits; records beyond them become dead letters. */
    public record LimitsSpec(int maxPayloadBytes, int maxSeriesLength, int maxFields, int maxTags,
            double minValue, double maxValue, Duration maxFutureSkew) implements Serializable {}


    /** Detector settings for the series whose id matches a glob ({@code *} any run of characters, {@code ?} one). */
    public record SeriesOverride(String match, Pattern pattern, DetectorSettings detectors) implements Serializable {}


    /** The detector settings of one series: the first override whose glob matches, else the defaults. */
    public DetectorSettings detectorsFor(String series) {
        for (SeriesOverride o : overrides) {
            if (o.pattern().matcher(series).matches()) {
                return o.detectors();
            }
        }
        return detectors;
    }

    /** A copy reading from and writing to other brokers. */
    public JobSpec withBootstrapServers(String servers) {
        return new JobSpec(name, kafka.withBootstrapServers(servers), time, limits, checkpointInterval, seriesTtl,
                maxSeries, seed, detectors, overrides, alerting);
    }

    /** A copy with another checkpoint interval (the demo checkpoints often so exactly-once output shows up fast). */
    public JobSpec withCheckpointInterval(Duration interval) {
        return new JobSpec(name, kafka, time, limits, interval, seriesTtl, maxSeries, seed, detectors, overrides, alerting);
    }

    /**
     * A copy that runs exactly the named detectors — switched on with their settings from the job
     * spec, whether or not the spec enables them — in the defaults and in every override (the
     * backtest's {@code --detectors}); an unknown name fails with the list of known ones.
     */
    public JobSpec withOnlyDetectors(List<String> names) {
        List<SeriesOverride> only = new java.util.ArrayList<>(overrides.size());
        for (SeriesOverride o : overrides) {
            only.add(new SeriesOverride(o.match(), o.pattern(), o.detectors().with(names)));
        }
        return new JobSpec(name, kafka, time, limits, checkpointInterval, seriesTtl, maxSeries, seed, detectors.with(names),
                List.copyOf(only), alerting);
    }

    /** A copy with a different default detector spec (and no overrides), for experiments and tests. */
    public JobSpec withDetectors(DetectorSettings d) {
        return new JobSpec(name, kafka, time, limits, checkpointInterval, seriesTtl, maxSeries, seed, d, List.of(), alerting);
    }

    /** Reads and validates a job spec file. */
    public static JobSpec load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("job spec " + file + ": no such file");
        }
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("job spec " + file + ": cannot read: " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new ConfigException("job spec " + file + ": " + e.getMessage(), e);
        }
    }

    /** The built-in defaults (what an empty file means). */
    public static JobSpec defaults() {
        return parse("{}");
    }

    /** Parses and validates YAML text; {@code ${VAR}} in values comes from the process environment. */
    public static JobSpec parse(String yaml) {
        return parse(yaml, System.getenv());
    }

    /** Parses and validates YAML text, taking {@code ${VAR}} references from {@code env}. */
    public static JobSpec parse(String yaml, Map<String, String> env) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new ConfigException("not valid YAML: " + e.getMessage(), e);
        }
        EnvSubstitution.apply(root, "", env);
        ConfigNode top = new ConfigNode("", root);
        top.allowOnly(Set.of("name", "kafka", "time", "limits", "checkpoint", "state", "seed", "detectors",
                "overrides", "alerting"));

        String name = top.nonEmpty("name", "vigil");
        KafkaSpec kafka = kafka(top.child("kafka"), name);
        ConfigNode t = top.child("time");
        t.allowOnly(Set.of("maxOutOfOrderness", "idleness", "allowedLateness"));
        TimeSpec time = new TimeSpec(
                t.duration("maxOutOfOrderness", Duration.ofSeconds(5), Duration.ZERO),
                t.duration("idleness", Duration.ofMinutes(1), Duration.ZERO),
                t.duration("allowedLateness", Duration.ZERO, Duration.ZERO));
        ConfigNode l = top.child("limits");
        l.allowOnly(Set.of("maxPayloadBytes", "maxSeriesLength", "maxFields", "maxTags", "minValue", "maxValue",
                "maxFutureSkew"));
        double minValue = l.number("minValue", -1e15, -Double.MAX_VALUE, Double.MAX_VALUE);
        double maxValue = l.number("maxValue", 1e15, -Double.MAX_VALUE, Double.MAX_VALUE);
        if (!(maxValue > minValue)) {
            throw new ConfigException("limits.maxValue: must be greater than limits.minValue (" + minValue + "), got "
                    + maxValue);
        }
        LimitsSpec limits = new LimitsSpec(
                (int) l.integer("maxPayloadBytes", 64 * 1024, 64, 16 * 1024 * 1024),
                (int) l.integer("maxSeriesLength", 512, 1, 64 * 1024),
                (int) l.integer("maxFields", 64, 1, 10_000),
                (int) l.integer("maxTags", 32, 0, 10_000),
                minValue, maxValue,
                // one event stamped years ahead would drag the watermark with it and turn every
                // later event into a late one: such timestamps are refused at the door
                l.duration("maxFutureSkew", Duration.ofDays(1), Duration.ZERO));
        ConfigNode cp = top.child("checkpoint");
        cp.allowOnly(Set.of("interval"));
        Duration checkpointInterval = cp.duration("interval", Duration.ofSeconds(10), Duration.ofMillis(100));
        ConfigNode st = top.child("state");
        st.allowOnly(Set.of("seriesTtl", "maxSeries"));
        Duration ttl = st.duration("seriesTtl", Duration.ofDays(7), Duration.ofSeconds(1));
        long maxSeries = st.integer("maxSeries", 1_000_000, 1, Long.MAX_VALUE);
        long seed = top.integer("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);

        JsonNode detectorsRaw = root == null ? null : root.get("detectors");
        DetectorSettings defaults = DetectorSpecReader.read(new ConfigNode("detectors", detectorsRaw), seed);

        List<SeriesOverride> overrides = new ArrayList<>();
        JsonNode ov = root == null ? null : root.get("overrides");
        if (ov != null && !ov.isNull()) {
            if (!ov.isArray()) {
                throw new ConfigException("overrides: expected a list of {match, detectors}, got " + ov);
            }
            for (int i = 0; i < ov.size(); i++) {
                ConfigNode o = new ConfigNode("overrides[" + i + "]", ov.get(i));
                o.allowOnly(Set.of("match", "detectors"));
                String glob = o.nonEmpty("match", null);
                JsonNode merged = merge(detectorsRaw, ov.get(i).get("detectors"));
                overrides.add(new SeriesOverride(glob, glob(glob),
                        DetectorSpecReader.read(new ConfigNode("overrides[" + i + "].detectors", merged), seed)));
            }
        }

        ConfigNode a = top.child("alerting");
        a.allowOnly(Set.of("severity", "minScore", "cooldown", "closeAfter", "onsetWindow", "correction", "feedback", "mute"));
        ConfigNode sev = a.child("severity");
        sev.allowOnly(Set.of("critical", "major"));
        double critical = sev.number("critical", 0.99999, 0, 1);
        double major = sev.number("major", 0.9999, 0, 1);
        if (major > critical) {
            throw new ConfigException("alerting.severity.major: must not exceed critical (" + critical + "), got " + major);
        }
        JsonNode alertingRaw = root == null ? null : root.get("alerting");
        AlertPolicy policy = new AlertPolicy(new SeverityBands(critical, major),
                a.number("minScore", 0.0, 0, 1),
                a.duration("cooldown", Duration.ZERO, Duration.ZERO).toMillis(),
                (int) a.integer("closeAfter", 3, 1, 1_000_000),
                (int) a.integer("onsetWindow", AlertPolicy.DEFAULT_ONSET_WINDOW, 0, OnsetState.MAX_WINDOW),
                a.choice("correction", AlertPolicy.Correction.EXPECTED, AlertPolicy.Correction.class),
                a.bool("feedback", false),
                mutes(alertingRaw == null ? null : alertingRaw.get("mute")));
        return new JobSpec(name, kafka, time, limits, checkpointInterval, ttl, maxSeries, seed, defaults, List.copyOf(overrides),
                policy);
    }

    /** {@code alerting.mute}: a list of {@code {match: <glob>, fields: [..]}}. */
    private static List<AlertPolicy.Mute> mutes(JsonNode raw) {
        List<AlertPolicy.Mute> out = new ArrayList<>();
        if (raw == null || raw.isNull()) {
            return out;
        }
        if (!raw.isArray()) {
            throw new ConfigException("alerting.mute: expected a list of {match, fields}, got " + raw);
        }
        for (int i = 0; i < raw.size(); i++) {
            ConfigNode m = new ConfigNode("alerting.mute[" + i + "]", raw.get(i));
            m.allowOnly(Set.of("match", "fields"));
            String glob = m.nonEmpty("match", null);
            out.add(new AlertPolicy.Mute(glob, glob(glob), Set.copyOf(m.stringList("fields", List.of()))));
        }
        return out;
    }

    private static KafkaSpec kafka(ConfigNode k, String jobName) {
        k.allowOnly(Set.of("bootstrapServers", "groupId", "topics", "startingOffsets", "deliveryGuarantee",
                "transactionalIdPrefix", "transactionTimeout", "properties"));
        ConfigNode topics = k.child("topics");
        topics.allowOnly(Set.of("input", "anomalies", "deadLetters", "cleaned"));
        Duration txTimeout = k.duration("transactionTimeout", Duration.ofMinutes(10), Duration.ofSeconds(1));
        // the broker's transaction.max.timeout.ms defaults to 15 min; beyond it every transaction is refused
        if (txTimeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new ConfigException(k.key("transactionTimeout")
                    + ": must not exceed the broker default transaction.max.timeout.ms (15m) unless the broker is "
                    + "configured higher — set it at most 15m, got " + txTimeout);
        }
        String servers = k.nonEmpty("bootstrapServers", "localhost:9092");
        for (String s : servers.split(",")) {
            if (!s.trim().matches("[^\\s:]+:\\d{1,5}")) {
                throw new ConfigException(k.key("bootstrapServers") + ": expected host:port[,host:port...], got \""
                        + servers + "\"");
            }
        }
        return new KafkaSpec(
                servers,
                k.nonEmpty("groupId", jobName),
                topics.stringList("input", List.of("metrics")),
                topics.nonEmpty("anomalies", "anomalies"),
                topics.nonEmpty("deadLetters", "vigil-dead-letters"),
                topics.string("cleaned", ""),
                k.choice("startingOffsets", StartingOffsets.COMMITTED, StartingOffsets.class),
                k.choice("deliveryGuarantee", Delivery.EXACTLY_ONCE, Delivery.class),
                k.nonEmpty("transactionalIdPrefix", jobName),
                txTimeout,
                Map.copyOf(k.stringMap("properties")));
    }

    /** Deep merge of YAML objects: values of {@code patch} win. */
    private static JsonNode merge(JsonNode base, JsonNode patch) {
        if (patch == null || patch.isNull()) {
            return base;
        }
        if (base == null || !base.isObject() || !patch.isObject()) {
            return patch;
        }
        ObjectNode out = ((ObjectNode) base).deepCopy();
        Iterator<Map.Entry<String, JsonNode>> it = patch.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
        }
        return out;
    }

    private static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
