package io.vigil.job;

import io.vigil.testing.CommittedTopics;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.JobSpec;
import io.vigil.job.local.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * More than 10,000 hostile records through the real job (in-process broker, MiniCluster, no
 * restarts allowed): every bad record ends in the dead-letter topic once, at its own
 * partition/offset and with a reason its kind allows; every good record — duplicates and
 * out-of-order ones within the bound included — comes out of the cleaned stream; the job is still
 * running at the end, so no input made it fail.
 */
class HostileInputITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2026-06-01T00:00:00Z").toEpochMilli();
    private static final int SERIES = 4;
    private static final int POINTS = 400;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        // the broker takes the 1 MB records a hostile producer may send (Kafka's default limit is 1 MB)
        kafka = EmbeddedKafka.builder().brokerProperty("message.max.bytes", 4 << 20).start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A record to send, and what the dead-letter topic may say about it (empty: a good record). */
    private record Sent(String kind, byte[] payload, Set<String> reasons) {}

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String good(int series, int t, double v) {
        return String.format(Locale.ROOT, "{\"series\":\"fleet/s%d\",\"ts\":%d,\"value\":%.4f}", series, T0 + t * HOUR, v);
    }

    /** Seeded hostile records of every kind, {@code perKind} of each. */
    private static List<Sent> hostile(SplittableRandom r, int perKind) {
        List<Sent> out = new ArrayList<>();
        long future = System.currentTimeMillis() + 400L * 86_400_000L;
        for (int i = 0; i < perKind; i++) {
            String ok = good(r.nextInt(SERIES), r.nextInt(POINTS), 50 + r.nextDouble());
            out.add(new Sent("truncated", b(ok.substring(0, 1 + r.nextInt(ok.length() - 1))), Set.of("MALFORMED_JSON")));
            byte[] garbage = new byte[1 + r.nextInt(40)];
            for (int k = 0; k < garbage.length; k++) {
                garbage[k] = (byte) (32 + r.nextInt(95));
            }
            garbage[0] = '{';
            out.add(new Sent("garbage", garbage, Set.of("MALFORMED_JSON", "MISSING_SERIES", "MISSING_TS",
                    "MISSING_VALUE", "INVALID_VALUE", "INVALID_TS", "INVALID_SERIES", "INVALID_TAGS")));
            String[] wrongTypes = {
                "{\"series\":" + r.nextInt() + ",\"ts\":" + T0 + ",\"value\":1}",
                "{\"series\":\"fleet/s0\",\"ts\":true,\"value\":1}",
                "{\"series\":\"fleet/s0\",\"ts\":" + T0 + ",\"value\":\"abc" + i + "\"}",
                "{\"series\":\"fleet/s0\",\"ts\":" + T0 + ",\"values\":[1,2," + i + "]}",
                "{\"series\":\"fleet/s0\",\"ts\":" + T0 + ",\"value\":1,\"tags\":" + i + "}",
                "{\"series\":[\"fleet/s0\"],\"ts\":" + T0 + ",\"value\":1}"};
            out.add(new Sent("wrong-type", b(wrongTypes[i % wrongTypes.length]),
                    Set.of("INVALID_SERIES", "INVALID_TS", "INVALID_VALUE", "INVALID_TAGS")));
            out.add(new Sent("huge-number", b("{\"series\":\"fleet/s1\",\"ts\":" + T0 + ",\"value\":" + (1 + r.nextInt(9))
                    + "e" + (16 + r.nextInt(290)) + "}"), Set.of("OUT_OF_RANGE")));
            String[] nonFinite = {"NaN", "Infinity", "-Infinity", "\"NaN\"", "\"Infinity\"", "1e999"};
            out.add(new Sent("non-finite", b("{\"series\":\"fleet/s1\",\"ts\":" + T0 + ",\"value\":"
                    + nonFinite[i % nonFinite.length] + "}"), Set.of("NON_FINITE_VALUE")));
            out.add(new Sent("empty", new byte[0], Set.of("MALFORMED_JSON")));
            out.add(new Sent("enormous", b("{\"series\":\"fleet/s2\",\"ts\":" + T0 + ",\"value\":1,\"pad\":\""
                    + "x".repeat(70_000 + r.nextInt(10_000)) + "\"}"), Set.of("PAYLOAD_TOO_LARGE")));
            int depth = 100 + r.nextInt(5_000);
            out.add(new Sent("deep-nesting", b("{\"series\":\"fleet/s2\",\"ts\":" + T0 + ",\"value\":1,\"x\":"
                    + "[".repeat(depth) + "]".repeat(depth) + "}"), Set.of("MALFORMED_JSON")));
            byte[] utf = b("{\"series\":\"fleet/XX\",\"ts\":" + T0 + ",\"value\":1}");
            utf[18] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
            utf[19] = (byte) 0x28;
            out.add(new Sent("invalid-utf8", utf, Set.of("MALFORMED_JSON", "INVALID_SERIES")));
            out.add(new Sent("ts-out-of-range", b("{\"series\":\"fleet/s3\",\"ts\":" + (-99_999_999_999_999_999L + i)
                    + ",\"value\":1}"), Set.of("INVALID_TS")));
            out.add(new Sent("ts-future", b("{\"series\":\"fleet/s3\",\"ts\":" + (future + i * HOUR) + ",\"value\":1}"),
                    Set.of("INVALID_TS")));
            if (i % 20 == 0) { // a few, they are big
                out.add(new Sent("series-1MB", b("{\"series\":\"" + "s".repeat(1 << 20) + "\",\"ts\":" + T0
                        + ",\"value\":1}"), Set.of("PAYLOAD_TOO_LARGE")));
            }
            StringBuilder many = new StringBuilder("{\"series\":\"fleet/wide\",\"ts\":" + T0 + ",\"values\":{");
            for (int f = 0; f < 80; f++) {
                many.append(f == 0 ? "" : ",").append("\"f").append(f).append("\":").append(f);
            }
            out.add(new Sent("too-many-fields", b(many.append("}}").toString()), Set.of("TOO_MANY_FIELDS")));
            String[] missing = {"{\"ts\":" + T0 + ",\"value\":1}", "{\"series\":\"fleet/s0\",\"value\":1}",
                "{\"series\":\"fleet/s0\",\"ts\":" + T0 + "}", "{\"series\":\"\",\"ts\":" + T0 + ",\"value\":1}",
                "{\"series\":\"fleet/\\u0007bell\",\"ts\":" + T0 + ",\"value\":1}"};
            out.add(new Sent("missing-or-bad-id", b(missing[i % missing.length]),
                    Set.of("MISSING_SERIES", "MISSING_TS", "MISSING_VALUE", "INVALID_SERIES")));
            String[] notObject = {"[1,2,3]", "\"fleet\"", "42", "null", "true"};
            out.add(new Sent("not-an-object", b(notObject[i % notObject.length]), Set.of("NOT_AN_OBJECT")));
        }
        return out;
    }

    @Test
    void tenThousandHostileRecordsAreDeadLettersAndEveryGoodRecordIsProcessed() throws Exception {
        JobSpec spec = JobSpec.parse(String.format(Locale.ROOT, """
                name: hostile
                kafka:
                  bootstrapServers: %s
                  groupId: hostile
                  topics: {input: hostile-in, anomalies: hostile-anomalies, deadLetters: hostile-dlq, cleaned: hostile-cleaned}
                  transactionalIdPrefix: hostile
                checkpoint: {interval: 1s}
                time: {maxOutOfOrderness: 6h, idleness: 2s}
                limits: {minValue: -1.0e15, maxValue: 1.0e15, maxFields: 64}
                detectors: {stl: {period: 24}}
                """, kafka.bootstrapServers()));
        kafka.createTopics(2, "hostile-in");
        kafka.createTopics(1, "hostile-anomalies", "hostile-dlq", "hostile-cleaned");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // any failure ends the job: the test sees it
        StreamExecutionEnvironment env = VigilJob.environment(spec, conf);
        env.setParallelism(2);
        VigilJob.attach(env, spec);
        JobClient job = env.executeAsync(spec.name());
        try {
            SplittableRandom r = new SplittableRandom(2026);
            List<Sent> records = new ArrayList<>();
            int goodCount = 0;
            for (int t = 0; t < POINTS; t++) {
                for (int s = 0; s < SERIES; s++) {
                    double v = 50 + 5 * Math.sin(2 * Math.PI * t / 24) + r.nextGaussian() * 0.3;
                    records.add(new Sent("good", b(good(s, t, v)), Set.of()));
                    goodCount++;
                    if (r.nextDouble() < 0.03) { // an exact duplicate: processed again, not dropped
                        records.add(new Sent("good-duplicate", b(good(s, t, v)), Set.of()));
                        goodCount++;
                    }
                }
            }
            // out of order within the bound: swap neighbours a few hours apart
            for (int k = 0; k + 9 < records.size(); k += 97) {
                Sent a = records.get(k);
                records.set(k, records.get(k + 9));
                records.set(k + 9, a);
            }
            List<Sent> bad = hostile(r, 720);
            // spread the hostile records through the good ones
            for (Sent h : bad) {
                records.add(r.nextInt(records.size() + 1), h);
            }
            // far in the past, after the watermark has moved on: late
            List<Sent> late = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                late.add(new Sent("far-past", b("{\"series\":\"fleet/s" + (i % SERIES) + "\",\"ts\":\""
                        + Instant.parse("1500-01-01T00:00:00Z").plusSeconds(i) + "\",\"value\":1}"), Set.of("LATE")));
            }
            assertThat(bad.size() + late.size()).isGreaterThanOrEqualTo(10_000);

            Map<Long, Sent> byCoordinates = new ConcurrentHashMap<>();
            send(records, byCoordinates);
            // the last out-of-orderness bound of each series is never passed by the watermark
            int settled = goodCount - SERIES * 7 - 40;
            readUntil("hostile-cleaned", c -> c.size() >= settled, Duration.ofSeconds(120));
            send(late, byCoordinates);

            int expectedDead = bad.size() + late.size();
            List<JsonNode> dead = readUntil("hostile-dlq", d -> d.size() >= expectedDead, Duration.ofSeconds(120));
            assertThat(dead).hasSize(expectedDead);
            Map<String, Integer> byReason = new HashMap<>();
            Set<Long> seen = new java.util.HashSet<>();
            for (JsonNode d : dead) {
                long key = key(d.path("partition").asInt(), d.path("offset").asLong());
                assertThat(seen.add(key)).as("dead letter once: %s", d).isTrue();
                Sent s = byCoordinates.get(key);
                assertThat(s).as("dead letter of a record we sent: %s", d.path("detail")).isNotNull();
                assertThat(s.reasons()).as("%s record: %s", s.kind(), d.path("detail").asText())
                        .contains(d.path("reason").asText());
                assertThat(d.path("detail").asText()).isNotBlank();
                byte[] payload = d.has("payloadBase64") ? java.util.Base64.getDecoder().decode(d.path("payloadBase64").asText())
                        : b(d.path("payload").asText());
                if (d.path("reason").asText().equals("PAYLOAD_TOO_LARGE")) {
                    assertThat(Arrays.equals(payload, Arrays.copyOf(s.payload(), 65536))).as("prefix kept").isTrue();
                } else {
                    assertThat(Arrays.equals(payload, s.payload())).as("%s payload kept whole", s.kind()).isTrue();
                }
                byReason.merge(d.path("reason").asText(), 1, Integer::sum);
            }
            System.out.printf(Locale.ROOT, "hostile input: %d bad records dead-lettered by reason %s%n", dead.size(),
                    new java.util.TreeMap<>(byReason));

            List<JsonNode> cleaned = readUntil("hostile-cleaned", c -> c.size() >= settled, Duration.ofSeconds(30));
            Map<String, Integer> perPoint = new HashMap<>();
            for (JsonNode c : cleaned) {
                perPoint.merge(c.path("series").asText() + "@" + c.path("ts").asText(), 1, Integer::sum);
            }
            assertThat(cleaned.size()).as("good records processed").isBetween(settled, goodCount);
            assertThat(perPoint.keySet()).allMatch(k -> k.startsWith("fleet/s"));
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);
        } finally {
            job.cancel().get();
        }
    }

    private static long key(int partition, long offset) {
        return ((long) partition << 48) | offset;
    }

    private static void send(List<Sent> records, Map<Long, Sent> byCoordinates) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        p.setProperty("acks", "all");
        p.setProperty("max.request.size", Integer.toString(4 << 20));
        p.setProperty("buffer.memory", Integer.toString(256 << 20));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Sent s : records) {
                producer.send(new ProducerRecord<>("hostile-in", null, s.payload()), (md, e) -> {
                    if (e == null) {
                        byCoordinates.put(key(md.partition(), md.offset()), s);
                    } else {
                        throw new IllegalStateException("send failed", e);
                    }
                });
            }
            producer.flush();
        }
        assertThat(byCoordinates.size()).isGreaterThanOrEqualTo(records.size());
    }

    private static List<JsonNode> readUntil(String topic, Predicate<List<JsonNode>> done, Duration timeout)
            throws Exception {
        return CommittedTopics.readUntil(kafka.bootstrapServers(), topic, done, timeout);
    }
}
