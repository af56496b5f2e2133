package io.vigil.job.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.JobSpec;
import io.vigil.detect.DetectorSettings;
import io.vigil.io.EventJson;
import io.vigil.io.KafkaIO;
import io.vigil.io.flink.VigilTypes;
import io.vigil.job.VigilJob;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ParsedRecord;
import io.vigil.model.RawRecord;
import io.vigil.model.ScoredPoint;
import io.vigil.operator.ParseFunction;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end throughput driver behind {@code vigil bench}: the whole job on a local MiniCluster
 * against a real in-process broker, in three configurations measured in one run so the machine's
 * noise hits them alike — (a) pass-through: the same Kafka source, parse and Kafka sink, no
 * detection; (b) the default detector set; (c) every detector — at several series counts.
 *
 * <p>Throughput: N events are preloaded into the input topic; the job reads them from the start
 * and writes every point to an output topic (the cleaned stream in (b) and (c), the parsed point in
 * (a), so all three write the same volume); events/s is N over the time from the first to the last
 * output record. Latency: a producer then publishes live at a fixed rate, each event carrying its
 * send time in a tag that the job passes through; the consumer's receive time minus the send time,
 * p50 and p99. Sinks are at-least-once here, because with exactly-once a record becomes visible
 * only at the next checkpoint and the figure would measure the checkpoint interval.
 */
public final class ThroughputBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIVE_MINUTES = 300_000L;

    /** One measured configuration. */
    public record Result(String mode, int series, long events, double eventsPerSecond, double p50Millis,
            double p99Millis) {}

    private final long events;
    private final int[] seriesCounts;
    private final int liveRate;
    private final int liveSeconds;
    private final int parallelism;
    private final PrintStream out;

    public ThroughputBench(long events, int[] seriesCounts, int liveRate, int liveSeconds, int parallelism,
            PrintStream out) {
        this.events = events;
        this.seriesCounts = seriesCounts.clone();
        this.liveRate = liveRate;
        this.liveSeconds = liveSeconds;
        this.parallelism = parallelism;
        this.out = out;
    }

    /** Runs every configuration and prints the table; returns the results. */
    public List<Result> run() throws Exception {
        List<Result> results = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            out.printf(Locale.ROOT, "bench: broker %s; %,d events per run, parallelism %d%n",
                    kafka.bootstrapServers(), events, parallelism);
            // a discarded first run, so that JIT warm-up does not fall on the first measured one
            kafka.createTopics(parallelism, "bench-in-warmup");
            preload(kafka.bootstrapServers(), "bench-in-warmup", 10, Math.min(events, 20_000));
            measure(kafka, "passthrough", 10, "bench-in-warmup", Math.min(events, 20_000), "warmup");
            for (int series : seriesCounts) {
                String input = "bench-in-" + series;
                kafka.createTopics(parallelism, input);
                preload(kafka.bootstrapServers(), input, series, events);
                for (String mode : List.of("passthrough", "default", "all")) {
                    results.add(measure(kafka, mode, series, input, events, mode));
                    Result r = results.get(results.size() - 1);
                    out.printf(Locale.ROOT, "  %-11s %,7d series: %,9.0f events/s, latency p50 %,.0f ms, p99 %,.0f ms%n",
                            r.mode(), r.series(), r.eventsPerSecond(), r.p50Millis(), r.p99Millis());
                }
            }
        }
        out.println();
        out.print(table(results));
        return results;
    }

    /** The Markdown table with the b/a and c/a ratios. */
    public static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder(
                "| series | mode | events/s | vs pass-through | latency p50 (ms) | latency p99 (ms) |\n"
                        + "| ---: | --- | ---: | ---: | ---: | ---: |\n");
        for (Result r : results) {
            double base = results.stream().filter(x -> x.series() == r.series() && x.mode().equals("passthrough"))
                    .mapToDouble(Result::eventsPerSecond).findFirst().orElse(Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %,d | %s | %,.0f | %.2f | %,.0f | %,.0f |%n", r.series(), r.mode(),
                    r.eventsPerSecond(), r.eventsPerSecond() / base, r.p50Millis(), r.p99Millis()));
        }
        return sb.toString();
    }

    private JobSpec spec(EmbeddedKafka kafka, String mode, int series, String input, String output) {
        String yaml = String.join("\n",
                "name: bench-" + mode + "-" + series,
                "kafka:",
                "  bootstrapServers: " + kafka.bootstrapServers(),
                "  groupId: bench-" + mode + "-" + series + "-" + System.nanoTime(),
                "  topics: {input: [" + input + "], anomalies: " + output + "-anomalies, deadLetters: " + output
                        + "-dead, cleaned: " + output + "}",
                "  startingOffsets: earliest",
                "  deliveryGuarantee: at-least-once",
                "checkpoint: {interval: 10s}",
                // a live event waits in the detector's event-time buffer until the watermark passes it:
                // a small bound keeps that wait, which is latency by design, from dominating the figure
                "time: {maxOutOfOrderness: 200ms, idleness: 1s}", // an empty partition (one series) must not hold the watermark
                "detectors: {stl: {period: 288}}",
                "");
        JobSpec spec = JobSpec.parse(yaml);
        if (mode.equals("all")) {
            spec = spec.withDetectors(DetectorSettings.defaults().with(DetectorSettings.ALL));
        }
        return spec;
    }

    private Result measure(EmbeddedKafka kafka, String mode, int series, String input, long events, String run)
            throws Exception {
        String output = "bench-out-" + series + "-" + run;
        kafka.createTopics(parallelism, output, output + "-anomalies", output + "-dead");
        JobSpec spec = spec(kafka, mode, series, input, output);
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        StreamExecutionEnvironment env = VigilJob.environment(spec, conf);
        if (mode.equals("passthrough")) {
            DataStream<RawRecord> raw = env.fromSource(KafkaIO.source(spec.kafka()), WatermarkStrategy.noWatermarks(),
                    "kafka", VigilTypes.RAW);
            raw.process(new ParseFunction(spec.limits()), VigilTypes.PARSED)
                    .map(new Unscored(), VigilTypes.SCORED)
                    .sinkTo(KafkaIO.cleanedSink(spec));
        } else {
            VigilJob.attach(env, spec);
        }
        JobClient job = env.executeAsync("vigil bench: " + mode + " " + series);
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka.bootstrapServers(), output)) {
            long first = 0;
            long seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < events && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (seen++ == 0) {
                        first = System.nanoTime();
                    }
                }
            }
            double secs = (System.nanoTime() - first) / 1e9;
            double rate = seen / Math.max(secs, 1e-9);
            double[] latency = live(kafka.bootstrapServers(), input, series, c, run);
            return new Result(mode, series, seen, rate, latency[0], latency[1]);
        } finally {
            job.cancel().get();
        }
    }

    /** Publishes live events at a fixed rate and measures send-to-receive latency on the output. */
    private double[] live(String servers, String input, int series, KafkaConsumer<byte[], byte[]> c, String run)
            throws Exception {
        List<Double> lat = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> p = producer(servers, 1)) {
            long start = System.currentTimeMillis();
            long total = (long) liveRate * liveSeconds;
            long sent = 0;
            SplittableRandom rnd = new SplittableRandom(9);
            long until = System.nanoTime() + Duration.ofSeconds(liveSeconds + 15).toNanos();
            while (System.nanoTime() < until && lat.size() < total) {
                long due = (System.currentTimeMillis() - start) * liveRate / 1000;
                while (sent < Math.min(due, total)) {
                    String s = "s" + (sent % series);
                    long now = System.currentTimeMillis();
                    InputPoint point = InputPoint.of(s, now, 100 + rnd.nextGaussian(),
                            Map.of("sentMs", Long.toString(now), "run", run));
                    p.send(new ProducerRecord<>(input, s.getBytes(StandardCharsets.UTF_8), EventJson.point(point)));
                    sent++;
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(5))) {
                    // the input topic also holds the live events of the runs before this one: count ours
                    JsonNode tags = JSON.readTree(r.value()).path("tags");
                    if (run.equals(tags.path("run").asText())) {
                        lat.add((double) (System.currentTimeMillis() - Long.parseLong(tags.path("sentMs").asText())));
                    }
                }
            }
        }
        double[] a = lat.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? new double[] {Double.NaN, Double.NaN}
                : new double[] {a[(int) (0.50 * (a.length - 1))], a[(int) (0.99 * (a.length - 1))]};
    }

    /** N events, round-robin over the series, each series on a 5-minute grid with a daily season. */
    private void preload(String servers, String topic, int series, long events) throws Exception {
        // on a 5-minute grid ending a day ago: the job refuses timestamps from the future
        long base = System.currentTimeMillis() - (events / series + 1) * FIVE_MINUTES - 86_400_000L;
        SplittableRandom rnd = new SplittableRandom(42);
        try (KafkaProducer<byte[], byte[]> p = producer(servers, 20)) {
            for (long i = 0; i < events; i++) {
                int s = (int) (i % series);
                long step = i / series;
                double v = 100 + 10 * Math.sin(2 * Math.PI * step / 288) + rnd.nextGaussian()
                        + (rnd.nextDouble() < 0.001 ? 30 : 0);
                String id = "s" + s;
                p.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
                        EventJson.point(InputPoint.of(id, base + step * FIVE_MINUTES, v))));
            }
            p.flush();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String servers, int lingerMs) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("acks", "1");
        p.setProperty("linger.ms", Integer.toString(lingerMs));
        p.setProperty("batch.size", "262144");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String servers, String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", servers);
        p.setProperty("group.id", "bench-reader-" + topic + "-" + System.nanoTime());
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("max.poll.records", "5000");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** The pass-through job's stand-in for detection: every field unscored, the value passed on. */
    static final class Unscored implements MapFunction<ParsedRecord, ScoredPoint> {
        private static final long serialVersionUID = 1L;

        @Override
        public ScoredPoint map(ParsedRecord r) {
            InputPoint p = r.point();
            List<FieldScore> fields = new ArrayList<>(p.fields().length);
            for (int i = 0; i < p.fields().length; i++) {
                fields.add(new FieldScore(p.fields()[i], p.values()[i], false, 0, 0, false, Double.NaN, Double.NaN,
                        Double.NaN, p.values()[i], Map.of(), List.of(), ""));
            }
            return new ScoredPoint(p.series(), p.ts(), fields, p.tags(), 0);
        }
    }
}
