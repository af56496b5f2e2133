package io.vigil.job.local;

import io.vigil.config.JobSpec;
import io.vigil.io.EventJson;
import io.vigil.job.VigilJob;
import io.vigil.model.InputPoint;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one-machine demo: starts an in-process Kafka broker and a local Flink MiniCluster, runs the
 * job of a job spec against them, publishes a seeded synthetic fleet with planted anomalies (and a
 * few bad records), prints anomalies as they are committed to the anomaly topic, and ends with
 * planted versus found.
 */
public final class LocalDemo {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jobFile;
    private final long seed;
    private final int days;
    private final boolean follow;
    private final PrintStream out;

    public LocalDemo(Path jobFile, long seed, int days, boolean follow, PrintStream out) {
        this.jobFile = jobFile;
        this.seed = seed;
        this.days = days;
        this.follow = follow;
        this.out = out;
    }

    /** Runs the demo; 0 when every planted anomaly was found. */
    public int run() throws Exception {
        long started = System.nanoTime();
        JobSpec base = Files.exists(jobFile) ? JobSpec.load(jobFile) : JobSpec.defaults();
        out.println("vigil demo: starting an in-process Kafka broker ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            JobSpec spec = base.withBootstrapServers(kafka.bootstrapServers())
                    // exactly-once output becomes visible at each checkpoint: checkpoint often in the demo
                    .withCheckpointInterval(Duration.ofSeconds(2));
            JobSpec.KafkaSpec k = spec.kafka();
            kafka.createTopics(2, k.inputTopics().toArray(new String[0]));
            kafka.createTopics(1, k.anomalyTopic(), k.deadLetterTopic());
            if (k.hasCleanedTopic()) {
                kafka.createTopics(1, k.cleanedTopic());
            }
            out.printf(Locale.ROOT, "broker %s up in %.1f s; starting the job on a local Flink MiniCluster ...%n",
                    kafka.bootstrapServers(), kafka.startupTime().toMillis() / 1000.0);

            Configuration conf = new Configuration();
            conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
            StreamExecutionEnvironment env = VigilJob.environment(spec, conf);
            VigilJob.attach(env, spec);
            JobClient job = env.executeAsync("vigil demo: " + spec.name());

            SyntheticFleet.Fleet fleet = SyntheticFleet.generate(seed, days);
            int bad = publish(kafka.bootstrapServers(), k.inputTopics().get(0), fleet);
            out.printf(Locale.ROOT, "published %d points of %d series (%d planted anomalies) and %d bad records to '%s'%n",
                    fleet.points().size(), 4, fleet.planted().size(), bad, k.inputTopics().get(0));
            out.println("anomalies as they are committed to '" + k.anomalyTopic() + "':");

            List<JsonNode> found = consume(kafka.bootstrapServers(), k.anomalyTopic(), fleet);
            int deadLetters = countRecords(kafka.bootstrapServers(), k.deadLetterTopic(), bad, Duration.ofSeconds(10));
            int hits = summary(fleet, found, bad, deadLetters, started);
            if (follow) {
                out.println("--follow: still running; Ctrl-C to stop.");
                Thread.currentThread().join();
            }
            job.cancel().get();
            return hits == fleet.planted().size() && deadLetters == bad ? 0 : 1;
        }
    }

    private int publish(String servers, String topic, SyntheticFleet.Fleet fleet) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("acks", "all");
        List<byte[]> bad = List.of(
                "{\"series\": \"plant-1/boiler/temp\", \"ts\": ".getBytes(StandardCharsets.UTF_8),
                "{\"series\": \"plant-1/boiler/temp\", \"ts\": \"yesterday\", \"value\": 1}".getBytes(StandardCharsets.UTF_8),
                "{\"series\": \"plant-1/boiler/temp\", \"ts\": 1761955200000, \"value\": NaN}".getBytes(StandardCharsets.UTF_8),
                "{\"ts\": 1761955200000, \"value\": 3}".getBytes(StandardCharsets.UTF_8),
                "[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (InputPoint point : fleet.points()) {
                producer.send(new ProducerRecord<>(topic, point.series().getBytes(StandardCharsets.UTF_8),
                        EventJson.point(point)));
                if (++i % 700 == 0 && i / 700 <= bad.size()) {
                    producer.send(new ProducerRecord<>(topic, null, bad.get(i / 700 - 1)));
                }
            }
            producer.flush();
        }
        return Math.min(bad.size(), fleet.points().size() / 700);
    }

    private List<JsonNode> consume(String servers, String topic, SyntheticFleet.Fleet fleet) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long quietAfterAll = 0;
        try (KafkaConsumer<byte[], byte[]> c = consumer(servers, topic)) {
            while (System.nanoTime() < deadline || follow) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    found.add(JSON.readTree(r.value()));
                    out.println("  " + io.vigil.job.AnomalyFormat.format(r.value()));
                }
                if (!follow && matched(fleet, found) == fleet.planted().size()) {
                    // all planted found: wait a few more seconds for anything else, then summarize
                    if (quietAfterAll == 0) {
                        quietAfterAll = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                    } else if (System.nanoTime() > quietAfterAll) {
                        break;
                    }
                }
            }
        }
        return found;
    }

    private int countRecords(String servers, String topic, int expected, Duration timeout) {
        int n = 0;
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = consumer(servers, topic)) {
            while (n < expected && System.nanoTime() < deadline) {
                n += c.poll(Duration.ofMillis(500)).count();
            }
        }
        return n;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String servers, String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("group.id", "vigil-demo-" + UUID.randomUUID());
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("isolation.level", "read_committed");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** How many planted anomalies have an alert on their series within their tolerance. */
    static int matched(SyntheticFleet.Fleet fleet, List<JsonNode> found) {
        int hits = 0;
        for (SyntheticFleet.Planted pl : fleet.planted()) {
            if (hit(fleet, pl, found)) {
                hits++;
            }
        }
        return hits;
    }

    private static boolean hit(SyntheticFleet.Fleet fleet, SyntheticFleet.Planted pl, List<JsonNode> found) {
        for (JsonNode a : found) {
            if ("closed".equals(a.path("status").asText())) {
                continue; // an incident counts once, by its opening event
            }
            long ts = java.time.Instant.parse(a.path("ts").asText()).toEpochMilli();
            if (a.path("series").asText().equals(pl.series()) && ts >= pl.ts()
                    && ts < pl.ts() + pl.tolerance() * fleet.stepMillis()) {
                return true;
            }
        }
        return false;
    }

    private int summary(SyntheticFleet.Fleet fleet, List<JsonNode> found, int bad, int deadLetters, long started) {
        out.println();
        out.println("summary");
        out.printf(Locale.ROOT, "  %-26s %-14s %-22s %s%n", "series", "planted", "at", "found");
        int hits = 0;
        for (SyntheticFleet.Planted pl : fleet.planted()) {
            boolean h = hit(fleet, pl, List.copyOf(found));
            hits += h ? 1 : 0;
            out.printf(Locale.ROOT, "  %-26s %-14s %-22s %s%n", pl.series(), pl.kind(), EventJson.iso(pl.ts()),
                    h ? "yes" : "NO");
        }
        Map<String, Integer> other = new LinkedHashMap<>();
        int others = 0;
        int incidents = 0;
        for (JsonNode a : found) {
            if ("closed".equals(a.path("status").asText())) {
                continue; // an incident counts once, by its opening event
            }
            incidents++;
            long ts = java.time.Instant.parse(a.path("ts").asText()).toEpochMilli();
            boolean explained = false;
            for (SyntheticFleet.Planted pl : fleet.planted()) {
                // a level shift keeps alerting until the window adapts: count those as the same incident
                long span = "level shift".equals(pl.kind()) ? 24 : pl.tolerance();
                if (a.path("series").asText().equals(pl.series()) && ts >= pl.ts() && ts < pl.ts() + span * fleet.stepMillis()) {
                    explained = true;
                }
            }
            if (!explained) {
                others++;
                other.merge(a.path("series").asText(), 1, Integer::sum);
            }
        }
        out.printf(Locale.ROOT, "  planted found: %d of %d; other incidents: %d %s; incidents: %d (anomaly events, "
                + "opening and closing: %d)%n", hits, fleet.planted().size(), others, other.isEmpty() ? "" : other,
                incidents, found.size());
        out.printf(Locale.ROOT, "  bad records sent: %d; dead letters committed: %d%n", bad, deadLetters);
        out.printf(Locale.ROOT, "  wall time: %.1f s%n", (System.nanoTime() - started) / 1e9);
        return hits;
    }
}
