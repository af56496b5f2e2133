package io.vigil.job;

import io.vigil.testing.CommittedTopics;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.JobSpec;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.job.cluster.FlinkRestClient;
import io.vigil.job.cluster.LocalCluster;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.InputPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The deployment path for real: a standalone Flink cluster of separate processes (JobManager,
 * TaskManager) and a Kafka broker process ({@link LocalCluster}, what {@code ./vigil cluster start}
 * runs) on free ports, the shaded job jar deployed through Flink's REST API (what
 * {@code ./vigil deploy} does), and a stream with planted anomalies, while
 *
 * <ol>
 *   <li>the TaskManager process is killed with SIGKILL mid-stream, more data arrives while no
 *       TaskManager runs, and a new TaskManager process is started;
 *   <li>the recovered job is stopped with a savepoint through the REST API (what {@code ./vigil stop}
 *       does) and deployed again from it, and the stream goes on.
 * </ol>
 *
 * <p>The anomaly, dead-letter and cleaned topics, read with {@code read_committed}, must hold
 * exactly what the detectors say about the same points without any failure ({@link SeriesScorer}
 * run here, in event-time order): every input point exactly once in the cleaned topic, every anomaly
 * event and every dead letter exactly once.
 *
 * <p>Runs in failsafe's {@code integration-test} phase, after {@code package} built the jar.
 */
class ClusterITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final int SERIES = 4;
    private static final int PHASES = 3;
    private static final int PER_PHASE = 250;
    private static final String IN = "it-in";
    private static final String ANOMALIES = "it-anomalies";
    private static final String DEAD = "it-dlq";
    private static final String CLEANED = "it-cleaned";

    private final Map<Integer, SplittableRandom> rnd = new HashMap<>();
    private final List<InputPoint> good = new ArrayList<>();
    private final List<String> bad = new ArrayList<>();
    private String bootstrap;

    @Test
    void killedTaskManagerAndSavepointUpgradeLoseAndDuplicateNothing() throws Exception {
        long t0 = System.nanoTime();
        Path project = Path.of("").toAbsolutePath();
        // under target/, not a temporary folder: the processes' logs outlive a failed run, for CI to show
        Path dir = project.resolve("target").resolve("cluster-it");
        deleteRecursively(dir);
        Path jar = DeployCommand.defaultJar(project);
        assertThat(jar).as("the shaded job jar target/vigil-<version>.jar (built by `package` before this test)")
                .isNotNull().isRegularFile();

        LocalCluster cluster = LocalCluster.builder(project).dir(dir.resolve("cluster")).restPort(0).kafkaPort(0)
                .topics(IN + ":2," + ANOMALIES + ":2," + DEAD + ":1," + CLEANED + ":2")
                .stopWithThisJvm(true).start();
        List<LocalCluster.Member> all = new ArrayList<>();
        try {
            double startSeconds = seconds(t0);
            log(t0, "cluster up: REST " + cluster.restUrl() + ", Kafka " + cluster.kafkaBootstrap());
            bootstrap = cluster.kafkaBootstrap();
            Path specFile = dir.resolve("cluster-it.yaml");
            Files.writeString(specFile, String.format(Locale.ROOT, """
                    name: cluster-it
                    kafka:
                      bootstrapServers: %s
                      groupId: cluster-it
                      topics: {input: %s, anomalies: %s, deadLetters: %s, cleaned: %s}
                      transactionalIdPrefix: cluster-it
                    checkpoint: {interval: 1s}
                    time: {maxOutOfOrderness: 2h, idleness: 2s}
                    detectors: {stl: {period: 24}}
                    """, bootstrap, IN, ANOMALIES, DEAD, CLEANED), StandardCharsets.UTF_8);
            JobSpec spec = JobSpec.load(specFile);
            List<String> args = List.of("run", "--job", specFile.toString());
            FlinkRestClient rest = cluster.rest();

            String job = rest.deploy(jar, VigilCli.class.getName(), args, 2, null, false);
            assertThat(rest.awaitRunning(job, Duration.ofSeconds(90))).as("job state after deploy").isEqualTo("RUNNING");
            double deploySeconds = seconds(t0);
            log(t0, "job " + job + " running");

            // phase 0 flows; then the TaskManager dies with SIGKILL, as a crashed machine would
            send(0);
            assertThat(readUntil(CLEANED, c -> c.size() >= good.size() * 2 / 3, Duration.ofSeconds(90)))
                    .as("cleaned points committed before the kill").hasSizeGreaterThanOrEqualTo(good.size() * 2 / 3);
            log(t0, "phase 0 committed in part; anomaly events so far: "
                    + readAll(ANOMALIES) + "; killing the TaskManager");
            LocalCluster.Member first = cluster.taskManager();
            Process tm = cluster.process(first).orElseThrow();
            tm.destroyForcibly();
            assertThat(tm.waitFor()).as("TaskManager exit status: killed by SIGKILL").isEqualTo(128 + 9);
            long killedAt = System.nanoTime();

            // phase 1 arrives while no TaskManager runs; then a new TaskManager process
            send(1);
            LocalCluster.Member second = cluster.startTaskManager();
            assertThat(readUntil(CLEANED, c -> c.size() >= good.size() * 2 / 3, Duration.ofSeconds(120)))
                    .as("cleaned points committed after the recovery").hasSizeGreaterThanOrEqualTo(good.size() * 2 / 3);
            double recoverySeconds = (System.nanoTime() - killedAt) / 1e9;
            log(t0, "recovered; anomaly events so far: " + readAll(ANOMALIES));
            Optional<String> failure = rest.rootException(job);
            assertThat(failure).as("the job saw the TaskManager go").isPresent();

            // stop with a savepoint and deploy again from it: the upgrade path of ./vigil stop / deploy
            String savepoint = rest.stopWithSavepoint(job, dir.resolve("savepoints").toUri().toString(), false,
                    Duration.ofMinutes(2));
            log(t0, "stopped with savepoint " + savepoint);
            String job2 = rest.deploy(jar, VigilCli.class.getName(), args, 2, savepoint, false);
            assertThat(rest.awaitRunning(job2, Duration.ofSeconds(90))).as("job state after redeploy").isEqualTo("RUNNING");

            send(2);
            // points well ahead (but not in the future, which the job refuses) move the watermark past
            // every real point, so all of them get scored
            List<ProducerRecord<byte[], byte[]>> flush = new ArrayList<>();
            for (int s = 0; s < SERIES; s++) {
                String series = "fleet/" + s;
                flush.add(record(series, "{\"series\":\"" + series + "\",\"ts\":"
                        + (T0 + (PHASES * PER_PHASE + 100) * HOUR) + ",\"value\":1}"));
            }
            produce(flush);

            log(t0, "job " + job2 + " running from the savepoint; phase 2 sent");
            List<Tuple> expected = expectedEvents(spec);
            List<Tuple> anomalies = readUntil(ANOMALIES, a -> a.size() >= expected.size(), Duration.ofSeconds(120))
                    .stream().map(ClusterITCase::tuple).toList();
            List<JsonNode> dead = readUntil(DEAD, d -> d.size() >= bad.size(), Duration.ofSeconds(60));
            List<JsonNode> cleaned = readUntil(CLEANED, c -> c.size() >= good.size(), Duration.ofSeconds(60));
            log(t0, "read " + anomalies.size() + "/" + expected.size() + " anomaly events, " + dead.size() + "/"
                    + bad.size() + " dead letters, " + cleaned.size() + "/" + good.size() + " cleaned points");
            assertThat(rest.jobState(job2)).isEqualTo("RUNNING");

            assertThat(expected).as("the stream has anomalies to lose").hasSizeGreaterThanOrEqualTo(2 * SERIES + 2);
            assertThat(anomalies).as("anomaly events, read_committed").containsExactlyInAnyOrderElementsOf(expected);
            assertThat(dead.stream().map(d -> d.path("payload").asText()).toList()).as("dead letters")
                    .containsExactlyInAnyOrderElementsOf(bad);
            assertThat(cleaned.stream().map(c -> c.path("series").asText() + "@" + c.path("ts").asText()).toList())
                    .as("cleaned stream: every input point exactly once")
                    .containsExactlyInAnyOrderElementsOf(good.stream()
                            .map(p -> p.series() + "@" + Instant.ofEpochMilli(p.ts())).toList());

            all.addAll(cluster.members());
            assertThat(first.alive()).isFalse();
            assertThat(second.alive()).isTrue();
            System.out.printf(Locale.ROOT, "cluster kill-and-recover: %d points, %d bad records, %d anomaly events, "
                            + "%d dead letters, %d cleaned points; none lost, none duplicated. cluster up %.1f s, "
                            + "job running %.1f s, TaskManager killed -> 2/3 of the stream cleaned again %.1f s; "
                            + "total %.1f s. Job failure seen: %s%n", good.size(), bad.size(), anomalies.size(),
                    dead.size(), cleaned.size(), startSeconds, deploySeconds, recoverySeconds, seconds(t0),
                    failure.get());
        } finally {
            all.addAll(cluster.members());
            cluster.stop();
        }
        assertThat(all).as("every process of the cluster stopped").noneMatch(LocalCluster.Member::alive);
    }

    /** Publishes phase {@code phase}: every series' points of that stretch of time, plus a few malformed records. */
    private void send(int phase) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int t = phase * PER_PHASE; t < (phase + 1) * PER_PHASE; t++) {
            for (int s = 0; s < SERIES; s++) {
                double v = value(s, t, rnd.computeIfAbsent(s, k -> new SplittableRandom(300 + k)));
                String series = "fleet/" + s;
                InputPoint p = InputPoint.of(series, T0 + t * HOUR, v);
                good.add(p);
                records.add(record(series, String.format(Locale.ROOT, "{\"series\":\"%s\",\"ts\":%d,\"value\":%s}",
                        series, p.ts(), v)));
            }
            if (t % 40 == 7) {
                String b = "{\"series\":\"fleet/bad\",\"ts\":" + (T0 + t * HOUR) + ",\"value\":\"oops-" + t + "\"}";
                bad.add(b);
                records.add(record(null, b));
            }
        }
        produce(records);
    }

    /** Seasonal, noisy points with a spike per series and, on series 0, a six-hour dip. */
    private static double value(int s, int t, SplittableRandom r) {
        double v = 50 + 10 * s + 5 * Math.sin(2 * Math.PI * t / 24) + r.nextDouble() - 0.5;
        if (t == 150 + 131 * s) {
            v += 30; // series 0 and 1 before the kill, series 2 while no TaskManager runs, series 3 after the savepoint
        }
        if (s == 0 && t >= 420 && t < 426) {
            v -= 25;
        }
        return v;
    }

    /** An anomaly event as compared here: which incident, which stage, its extent. */
    record Tuple(String series, String field, String status, long start, long end, int points) {}

    private static Tuple tuple(JsonNode a) {
        return new Tuple(a.path("series").asText(), a.path("field").asText(), a.path("status").asText(),
                Instant.parse(a.path("start").asText()).toEpochMilli(), Instant.parse(a.path("end").asText()).toEpochMilli(),
                a.path("points").asInt());
    }

    /** What the detectors say about the same points, scored in event-time order per series, without any failure. */
    private List<Tuple> expectedEvents(JobSpec spec) {
        Map<String, SeriesScorer> scorers = new HashMap<>();
        Map<String, SeriesState> states = new HashMap<>();
        List<Tuple> out = new ArrayList<>();
        List<InputPoint> ordered = new ArrayList<>(good);
        ordered.sort(Comparator.comparingLong(InputPoint::ts));
        for (InputPoint p : ordered) {
            SeriesScorer scorer = scorers.computeIfAbsent(p.series(),
                    s -> new SeriesScorer(spec.detectorsFor(s), spec.alerting()));
            SeriesState st = states.computeIfAbsent(p.series(), s -> scorer.newState());
            for (AnomalyEvent e : scorer.score(st, p).events()) {
                out.add(new Tuple(e.series(), e.field(), e.status(), e.start(), e.end(), e.points()));
            }
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> record(String key, String json) {
        return CommittedTopics.record(IN, key, json);
    }

    private void produce(List<ProducerRecord<byte[], byte[]>> records) {
        CommittedTopics.send(bootstrap, records);
    }

    /** How many committed records a topic holds now (read_committed: up to the last stable offset). */
    private int readAll(String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("isolation.level", "read_committed");
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                n += c.poll(Duration.ofMillis(200)).count();
            }
        }
        return n;
    }

    private List<JsonNode> readUntil(String topic, Predicate<List<JsonNode>> done, Duration timeout) throws Exception {
        return CommittedTopics.readUntil(bootstrap, topic, done, timeout);
    }

    private static void deleteRecursively(Path p) throws java.io.IOException {
        if (Files.exists(p)) {
            try (java.util.stream.Stream<Path> walk = Files.walk(p)) {
                for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    private static void log(long t0, String what) {
        System.out.printf(Locale.ROOT, "ClusterITCase %6.1f s: %s%n", seconds(t0), what);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
