package io.vigil.job;

import io.vigil.testing.CommittedTopics;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.JobSpec;
import io.vigil.io.CsvSeriesReader;
import io.vigil.job.local.EmbeddedKafka;
import io.vigil.testing.SharedData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole streaming job against real parts: an in-process KRaft Kafka broker and a Flink
 * MiniCluster. Points and bad records go in through Kafka; anomaly events and dead letters are
 * read back from Kafka with {@code read_committed}, i.e. only what the exactly-once sinks committed.
 */
class PipelineITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long HOUR = 3_600_000L;
    private static final long T0 = Instant.parse("2026-10-01T00:00:00Z").toEpochMilli();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

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

    /** A job spec on fresh topics of the embedded broker. */
    private static JobSpec spec(String name, String time, String extra) {
        JobSpec spec = JobSpec.parse(String.format(Locale.ROOT, """
                name: %1$s
                kafka:
                  bootstrapServers: %2$s
                  groupId: %1$s
                  topics: {input: %1$s-in, anomalies: %1$s-anomalies, deadLetters: %1$s-dlq, cleaned: %1$s-cleaned}
                  transactionalIdPrefix: %1$s
                checkpoint: {interval: 1s}
                time: {%3$s}
                limits: {minValue: -1000000, maxValue: 1000000}
                %4$s
                """, name, kafka.bootstrapServers(), time, extra));
        kafka.createTopics(2, spec.kafka().inputTopics().get(0));
        kafka.createTopics(1, spec.kafka().anomalyTopic(), spec.kafka().deadLetterTopic(), spec.kafka().cleanedTopic());
        return spec;
    }

    private static JobClient start(JobSpec spec) throws Exception {
        Configuration conf = new Configuration();
        StreamExecutionEnvironment env = VigilJob.environment(spec, conf);
        env.setParallelism(2);
        VigilJob.attach(env, spec);
        return env.executeAsync(spec.name());
    }

    @Test
    void syntheticSeriesAndBadRecordsEndToEnd() throws Exception {
        JobSpec spec = spec("synthetic", "maxOutOfOrderness: 2h, idleness: 5s", "detectors: {stl: {period: 24}}");
        JobClient job = start(spec);
        try {
            int n = 24 * 20;
            SplittableRandom r = new SplittableRandom(11);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            String in = spec.kafka().inputTopics().get(0);
            for (int t = 0; t < n; t++) {
                double day = Math.sin(2 * Math.PI * t / 24);
                double temp = 70 + 5 * day + r.nextGaussian() * 0.5 + (t == 300 ? 12 : 0) + (t == 420 ? -9 : 0);
                // univariate, ISO timestamps, tags
                records.add(point(in, "plant-1/boiler/temp", String.format(Locale.ROOT,
                        "{\"series\":\"plant-1/boiler/temp\",\"ts\":\"%s\",\"value\":%.4f,\"tags\":{\"site\":\"north\"}}",
                        Instant.ofEpochMilli(T0 + t * HOUR), temp)));
                // multivariate, epoch-millis timestamps; the spike is in one field only
                double price = 120 + 20 * day + r.nextGaussian();
                double occupancy = 0.7 + 0.1 * day + r.nextGaussian() * 0.01 + (t == 350 ? 0.25 : 0);
                records.add(point(in, "hotel-42", String.format(Locale.ROOT,
                        "{\"series\":\"hotel-42\",\"ts\":%d,\"values\":{\"price\":%.4f,\"occupancy\":%.5f}}",
                        T0 + t * HOUR, price, occupancy)));
            }
            List<String> bad = List.of(
                    "{\"series\":\"plant-1/boiler/temp\",\"ts\":",
                    "{\"ts\":1764784800000,\"value\":3}",
                    "{\"series\":\"plant-1/boiler/temp\",\"value\":3}",
                    "{\"series\":\"plant-1/boiler/temp\",\"ts\":1764784800000,\"value\":NaN}",
                    "{\"series\":\"plant-1/boiler/temp\",\"ts\":1764784800000,\"value\":1e12}");
            for (int i = 0; i < bad.size(); i++) {
                records.add(100 * (i + 1), point(in, null, bad.get(i)));
            }
            send(records);

            List<JsonNode> anomalies = readUntil(spec.kafka().anomalyTopic(), found -> covers(found, "plant-1/boiler/temp", 300)
                    && covers(found, "plant-1/boiler/temp", 420) && covers(found, "hotel-42", 350), Duration.ofSeconds(120));
            assertThat(covers(anomalies, "plant-1/boiler/temp", 300)).as("spike: %s", anomalies).isTrue();
            assertThat(covers(anomalies, "plant-1/boiler/temp", 420)).as("dip: %s", anomalies).isTrue();
            assertThat(covers(anomalies, "hotel-42", 350)).as("multivariate spike: %s", anomalies).isTrue();
            JsonNode spike = anomalies.stream().filter(a -> at(a, "plant-1/boiler/temp", 300)).findFirst().orElseThrow();
            assertThat(spike.path("field").asText()).isEqualTo("value");
            assertThat(spike.path("direction").asText()).isEqualTo("up");
            assertThat(spike.path("value").asDouble()).isGreaterThan(spike.path("upper").asDouble());
            assertThat(spike.path("expected").asDouble()).isBetween(60.0, 80.0);
            assertThat(spike.path("score").asDouble()).isBetween(0.999, 1.0);
            assertThat(spike.path("detectors").has("stl")).isTrue();
            assertThat(spike.path("corrected").asDouble()).isEqualTo(spike.path("expected").asDouble());
            assertThat(spike.path("tags").path("site").asText()).isEqualTo("north");
            assertThat(spike.path("modelVersion").asLong()).isEqualTo(301);
            JsonNode hotel = anomalies.stream().filter(a -> at(a, "hotel-42", 350)).findFirst().orElseThrow();
            assertThat(hotel.path("field").asText()).isEqualTo("occupancy");
            // seasonal noise at 0.999 over ~1300 scored field values: a handful of false alarms at most
            long others = anomalies.stream().filter(a -> !at(a, "plant-1/boiler/temp", 300)
                    && !at(a, "plant-1/boiler/temp", 420) && !at(a, "hotel-42", 350)).count();
            assertThat(others).as("other alerts: %s", anomalies).isLessThanOrEqualTo(6);

            // an event far behind the watermark once the watermark has moved (anomalies were emitted)
            String late = "{\"series\":\"plant-1/boiler/temp\",\"ts\":" + (T0 + 10 * HOUR) + ",\"value\":70}";
            send(List.of(point(in, "plant-1/boiler/temp", late)));

            List<JsonNode> dead = readUntil(spec.kafka().deadLetterTopic(), d -> d.size() >= bad.size() + 1,
                    Duration.ofSeconds(60));
            assertThat(dead).extracting(d -> d.path("reason").asText()).containsExactlyInAnyOrder(
                    "MALFORMED_JSON", "MISSING_SERIES", "MISSING_TS", "NON_FINITE_VALUE", "OUT_OF_RANGE", "LATE");
            for (JsonNode d : dead) {
                assertThat(d.path("topic").asText()).isEqualTo(in);
                assertThat(d.path("partition").asInt()).isBetween(0, 1);
                assertThat(d.path("offset").asLong()).isNotNegative();
                assertThat(d.path("detail").asText()).isNotBlank();
            }
            List<String> payloads = dead.stream().map(d -> d.path("payload").asText()).toList();
            assertThat(payloads).containsAll(bad).contains(late);

            // nothing lost, nothing doubled: every good point the watermark has passed (all but the
            // last out-of-orderness bound) is in the cleaned stream exactly once, corrected where
            // it was anomalous
            int settled = n - 3;
            List<JsonNode> cleaned = readUntil(spec.kafka().cleanedTopic(), c -> c.size() >= 2 * settled, Duration.ofSeconds(60));
            for (String series : List.of("plant-1/boiler/temp", "hotel-42")) {
                List<Long> times = cleaned.stream().filter(c -> c.path("series").asText().equals(series))
                        .map(PipelineITCase::ts).sorted().toList();
                assertThat(times).doesNotHaveDuplicates();
                for (int t = 0; t < settled; t++) {
                    assertThat(times).as("%s at t=%d", series, t).contains(T0 + t * HOUR);
                }
            }
            JsonNode fixed = cleaned.stream().filter(c -> at(c, "plant-1/boiler/temp", 300)).findFirst().orElseThrow();
            assertThat(fixed.path("corrected").toString()).isEqualTo("[\"value\"]");
            assertThat(fixed.path("value").asDouble()).isEqualTo(spike.path("expected").asDouble());
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void catfishPlantedAnomaliesComeOutOfKafka() throws Exception {
        CsvSeriesReader.Series catfish = CsvSeriesReader.read(SharedData.require("catfish_planted.csv"), "catfish", null);
        // monthly data: the out-of-orderness bound is in event time, so two months
        JobSpec spec = spec("catfish", "maxOutOfOrderness: 60d, idleness: 5s", "detectors: {stl: {period: 12}}");
        JobClient job = start(spec);
        try {
            String in = spec.kafka().inputTopics().get(0);
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            List<Long> planted = new ArrayList<>();
            for (CsvSeriesReader.Row row : catfish.rows()) {
                records.add(point(in, "sales/monthly/catfish", String.format(Locale.ROOT,
                        "{\"series\":\"sales/monthly/catfish\",\"ts\":\"%s\",\"value\":%s}", row.rawTimestamp(), row.values()[0])));
                if (row.label() == 1) {
                    planted.add(row.ts());
                }
            }
            send(records);
            List<JsonNode> anomalies = readUntil(spec.kafka().anomalyTopic(),
                    found -> planted.stream().allMatch(ts -> found.stream().anyMatch(a -> ts(a) == ts)), Duration.ofSeconds(120));
            List<Long> times = anomalies.stream().map(PipelineITCase::ts).toList();
            assertThat(times).as("anomalies %s", anomalies).containsAll(planted);
            assertThat(times.size() - planted.size()).as("other alerts %s", anomalies).isLessThanOrEqualTo(3);
        } finally {
            job.cancel().get();
        }
    }

    private static ProducerRecord<byte[], byte[]> point(String topic, String key, String json) {
        return CommittedTopics.record(topic, key, json);
    }

    private static void send(List<ProducerRecord<byte[], byte[]>> records) {
        CommittedTopics.send(kafka.bootstrapServers(), records);
    }

    private static List<JsonNode> readUntil(String topic, Predicate<List<JsonNode>> done, Duration timeout)
            throws Exception {
        return CommittedTopics.readUntil(kafka.bootstrapServers(), topic, done, timeout);
    }

    private static long ts(JsonNode a) {
        return Instant.parse(a.path("ts").asText()).toEpochMilli();
    }

    private static boolean at(JsonNode a, String series, int t) {
        return a.path("series").asText().equals(series) && ts(a) == T0 + t * HOUR;
    }

    private static boolean covers(List<JsonNode> found, String series, int t) {
        return found.stream().anyMatch(a -> at(a, series, t));
    }
}
