package io.vigil.job;

import io.vigil.testing.CommittedTopics;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.JobSpec;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.io.flink.VigilTypes;
import io.vigil.job.local.EmbeddedKafka;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.InputPoint;
import io.vigil.model.RawRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once from Kafka to Kafka under failures: the real job (Kafka source, pipeline,
 * transactional Kafka sinks) on a MiniCluster against an in-process broker, while five faults hit
 * it at different moments of a stream with known anomalies and bad records:
 *
 * <ol>
 *   <li>a task throws in the middle of the stream (record 1,500);
 *   <li>the job is stopped with a savepoint and a new job restores it;
 *   <li>the TaskManager is lost and a new one started;
 *   <li>a checkpoint fails (an operator's snapshot throws);
 *   <li>a task throws again, after all of the above (record 8,000).
 * </ol>
 *
 * <p>What the three topics hold, read with {@code read_committed}, must equal what the detectors
 * say about the same input without any failure — every anomaly event exactly once, every dead letter
 * exactly once, every point of the cleaned stream exactly once.
 */
class ExactlyOnceITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final int SERIES = 6;
    private static final int PHASES = 4;
    private static final int PER_PHASE = 300;

    // the fault plan, shared with the injector (the MiniCluster runs in this JVM)
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean FIRST_THROW = new AtomicBoolean();
    static final AtomicBoolean SECOND_THROW = new AtomicBoolean();
    static final AtomicBoolean FAIL_NEXT_CHECKPOINT = new AtomicBoolean();
    static final AtomicInteger INJECTED = new AtomicInteger();

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Passes records through, and throws where the fault plan says so. */
    static final class FaultInjector implements MapFunction<RawRecord, RawRecord>, CheckpointedFunction {
        private static final long serialVersionUID = 1L;

        @Override
        public RawRecord map(RawRecord r) {
            long n = SEEN.incrementAndGet();
            if (n >= 1_500 && FIRST_THROW.compareAndSet(false, true)) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected fault: task failure mid-stream at record " + n);
            }
            if (n >= 8_000 && SECOND_THROW.compareAndSet(false, true)) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected fault: second task failure at record " + n);
            }
            return r;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext ctx) {
            if (FAIL_NEXT_CHECKPOINT.compareAndSet(true, false)) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected fault: checkpoint " + ctx.getCheckpointId() + " fails");
            }
        }

        @Override
        public void initializeState(FunctionInitializationContext ctx) {}
    }

    private static JobSpec spec() {
        String name = "eo";
        JobSpec spec = JobSpec.parse(String.format(Locale.ROOT, """
                name: %1$s
                kafka:
                  bootstrapServers: %2$s
                  topics: {input: %1$s-in, anomalies: %1$s-anomalies, deadLetters: %1$s-dlq, cleaned: %1$s-cleaned}
                checkpoint: {interval: 500ms}
                time: {maxOutOfOrderness: 2h, idleness: 2s}
                detectors: {stl: {period: 24}}
                """, name, kafka.bootstrapServers()));
        kafka.createTopics(2, spec.kafka().inputTopics().get(0));
        kafka.createTopics(2, spec.kafka().anomalyTopic(), spec.kafka().deadLetterTopic(), spec.kafka().cleanedTopic());
        return spec;
    }

    private static JobID submit(MiniCluster mc, JobSpec spec, String savepoint) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1000);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = VigilJob.environment(spec, conf);
        env.setParallelism(2);
        VigilJob.attach(env, spec, raw -> raw.map(new FaultInjector(), VigilTypes.RAW).uid("test-fault-injector")
                .name("fault injector"));
        StreamGraph graph = env.getStreamGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        return mc.submitJob(graph).get().getJobID();
    }

    /** The points of phase {@code p} of series {@code s}: seasonal, noisy, with planted anomalies. */
    private static double value(int s, int t, SplittableRandom r) {
        double v = 50 + 10 * s + 5 * Math.sin(2 * Math.PI * t / 24) + r.nextDouble() - 0.5;
        if (t == 200 + 97 * s) {
            v += 30; // a spike per series, at different moments
        }
        if (s == 0 && t >= 700 && t < 706) {
            v -= 25; // a six-hour dip: one subsequence incident
        }
        return v;
    }

    @Test
    void fiveFaultsNeitherLoseNorDuplicateAnything(@TempDir Path dir) throws Exception {
        JobSpec spec = spec();
        String in = spec.kafka().inputTopics().get(0);
        Map<Integer, SplittableRandom> rnd = new HashMap<>();
        List<InputPoint> good = new ArrayList<>();
        List<String> bad = new ArrayList<>();

        Configuration clusterConf = new Configuration();
        MiniCluster mc = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(clusterConf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(2).withRandomPorts().build());
        mc.start();
        try {
            JobID job = submit(mc, spec, null);
            for (int phase = 0; phase < PHASES; phase++) {
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (int t = phase * PER_PHASE; t < (phase + 1) * PER_PHASE; t++) {
                    for (int s = 0; s < SERIES; s++) {
                        double v = value(s, t, rnd.computeIfAbsent(s, k -> new SplittableRandom(100 + k)));
                        String series = "fleet/" + s;
                        InputPoint p = InputPoint.of(series, T0 + t * HOUR, v);
                        good.add(p);
                        records.add(record(in, series, String.format(Locale.ROOT,
                                "{\"series\":\"%s\",\"ts\":%d,\"value\":%s}", series, p.ts(), v)));
                    }
                    if (t % 40 == 7) {
                        String b = "{\"series\":\"fleet/bad\",\"ts\":" + (T0 + t * HOUR) + ",\"value\":\"oops-" + t + "\"}";
                        bad.add(b);
                        records.add(record(in, null, b));
                    }
                }
                send(records);
                // let the job make progress on this phase before the next fault
                int target = good.size() * 2 / 3;
                readUntil(spec.kafka().cleanedTopic(), c -> c.size() >= target, Duration.ofSeconds(90));
                switch (phase) {
                    case 0 -> { // stop with a savepoint, restore it in a new job
                        String savepoint = mc.stopWithSavepoint(job, dir.resolve("savepoints").toUri().toString(),
                                false, SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
                        INJECTED.incrementAndGet();
                        job = submit(mc, spec, savepoint);
                    }
                    case 1 -> { // lose the TaskManager, start a new one
                        mc.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
                        INJECTED.incrementAndGet();
                        mc.startTaskManager();
                    }
                    case 2 -> FAIL_NEXT_CHECKPOINT.set(true);
                    default -> { }
                }
            }
            // points well ahead (but not in the future: they would be refused) move the watermark
            // past every real point, so all of them get scored
            List<ProducerRecord<byte[], byte[]>> flush = new ArrayList<>();
            for (int s = 0; s < SERIES; s++) {
                String series = "fleet/" + s;
                flush.add(record(in, series, "{\"series\":\"" + series + "\",\"ts\":" + (T0 + (PHASES * PER_PHASE + 100) * HOUR)
                        + ",\"value\":1}"));
            }
            send(flush);

            List<Tuple> expected = expectedEvents(spec, good);
            List<JsonNode> anomalies = readUntil(spec.kafka().anomalyTopic(), a -> a.size() >= expected.size(),
                    Duration.ofSeconds(120));
            List<JsonNode> dead = readUntil(spec.kafka().deadLetterTopic(), d -> d.size() >= bad.size(),
                    Duration.ofSeconds(60));
            List<JsonNode> cleaned = readUntil(spec.kafka().cleanedTopic(), c -> c.size() >= good.size(),
                    Duration.ofSeconds(60));
            assertThat(mc.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);

            assertThat(INJECTED.get()).as("faults injected").isEqualTo(5);
            assertThat(expected).as("the stream has anomalies to lose").hasSizeGreaterThanOrEqualTo(2 * SERIES + 2);
            List<Tuple> got = anomalies.stream().map(ExactlyOnceITCase::tuple).toList();
            assertThat(got).as("anomaly events, read_committed").containsExactlyInAnyOrderElementsOf(expected);
            assertThat(dead.stream().map(d -> d.path("payload").asText()).toList()).as("dead letters")
                    .containsExactlyInAnyOrderElementsOf(bad);
            List<String> cleanedKeys = cleaned.stream().map(c -> c.path("series").asText() + "@" + c.path("ts").asText())
                    .toList();
            List<String> goodKeys = good.stream().map(p -> p.series() + "@" + Instant.ofEpochMilli(p.ts())).toList();
            assertThat(cleanedKeys).as("cleaned stream").containsExactlyInAnyOrderElementsOf(goodKeys);
            System.out.printf(Locale.ROOT, "exactly-once under 5 faults: %d points, %d bad records, %d anomaly events "
                    + "(%d incidents), %d dead letters, %d cleaned points; none lost, none duplicated%n", good.size(),
                    bad.size(), got.size(), got.stream().filter(x -> x.status().equals("open")).count(), dead.size(),
                    cleaned.size());
            mc.cancelJob(job).get(30, TimeUnit.SECONDS);
        } finally {
            mc.close();
        }
    }

    /** An anomaly event as compared here: which incident, which stage, its extent. */
    record Tuple(String series, String field, String status, long start, long end, int points) {}

    private static Tuple tuple(JsonNode a) {
        return new Tuple(a.path("series").asText(), a.path("field").asText(), a.path("status").asText(),
                Instant.parse(a.path("start").asText()).toEpochMilli(), Instant.parse(a.path("end").asText()).toEpochMilli(),
                a.path("points").asInt());
    }

    /** What the detectors say about the same points, scored in event-time order per series without any failure. */
    private static List<Tuple> expectedEvents(JobSpec spec, List<InputPoint> good) {
        Map<String, SeriesState> states = new HashMap<>();
        List<Tuple> out = new ArrayList<>();
        List<InputPoint> ordered = new ArrayList<>(good);
        ordered.sort(java.util.Comparator.comparingLong(InputPoint::ts));
        Map<String, SeriesScorer> scorers = new HashMap<>();
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

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String json) {
        return CommittedTopics.record(topic, key, json);
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) {
        CommittedTopics.send(kafka.bootstrapServers(), records);
    }

    private static List<JsonNode> readUntil(String topic, Predicate<List<JsonNode>> done, Duration timeout)
            throws Exception {
        return CommittedTopics.readUntil(kafka.bootstrapServers(), topic, done, timeout);
    }
}
