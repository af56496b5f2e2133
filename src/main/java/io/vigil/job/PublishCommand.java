package io.vigil.job;

import io.vigil.io.CsvSeriesReader;
import io.vigil.io.EventJson;
import io.vigil.job.local.SyntheticFleet;
import io.vigil.model.InputPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Publishes a CSV file ({@code timestamp,value} or several value columns), a JSON-lines file, or the
 * demo's seeded synthetic fleet to a topic in the data contract's format, keyed by series.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish a CSV (timestamp,value...) or JSON-lines file, or the demo's synthetic fleet, to a Kafka topic.")
final class PublishCommand implements Callable<Integer> {

    private static final Pattern SERIES = Pattern.compile("\"series\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Option(names = "--file", description = "CSV or JSON-lines (.json, .jsonl, .ndjson) file")
    Path file;

    @Option(names = "--synthetic", description = "Instead of a file: the demo's seeded fleet (four hourly series, "
            + "a planted spike, dip, level shift and latency burst)")
    boolean synthetic;

    @Option(names = "--seed", defaultValue = "7", description = "With --synthetic: the fleet's seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--days", defaultValue = "14", description = "With --synthetic: days of hourly points (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--topic", defaultValue = "metrics", description = "Topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--series", description = "Series id for CSV rows (default: the file name without extension)")
    String series;

    @Mixin
    KafkaClientOptions kafka;

    @Override
    public Integer call() throws Exception {
        Properties props = kafka.clientProperties();
        props.setProperty("enable.idempotence", "true");
        props.setProperty("acks", "all");
        if (synthetic == (file != null)) {
            throw new IllegalArgumentException("give either --file or --synthetic");
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        String name = synthetic ? "" : file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (synthetic) {
            // the fleet ./vigil demo uses, so a deployed job can be tried without any data at hand
            SyntheticFleet.Fleet fleet = SyntheticFleet.generate(seed, days);
            for (InputPoint p : fleet.points()) {
                records.add(new ProducerRecord<>(topic, p.series().getBytes(StandardCharsets.UTF_8), EventJson.point(p)));
            }
            for (SyntheticFleet.Planted a : fleet.planted()) {
                System.out.println("planted: " + a.kind() + " in " + a.series() + " at " + java.time.Instant.ofEpochMilli(a.ts()));
            }
        } else if (lower.endsWith(".json") || lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                Matcher m = SERIES.matcher(line);
                byte[] key = m.find() ? m.group(1).getBytes(StandardCharsets.UTF_8) : null;
                records.add(new ProducerRecord<>(topic, key, line.getBytes(StandardCharsets.UTF_8)));
            }
        } else {
            String id = series != null ? series : name.replaceFirst("\\.[^.]+$", "");
            List<CsvSeriesReader.BadRow> bad = new ArrayList<>();
            CsvSeriesReader.Series s = CsvSeriesReader.read(file, id, bad);
            for (CsvSeriesReader.BadRow b : bad) {
                System.err.println("skipped " + file + ":" + b.lineNumber() + ": " + b.reason());
            }
            byte[] key = id.getBytes(StandardCharsets.UTF_8);
            for (CsvSeriesReader.Row r : s.rows()) {
                records.add(new ProducerRecord<>(topic, key, EventJson.point(s.point(r))));
            }
        }
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(); // surface a failed send instead of reporting success
            }
        }
        System.out.printf(Locale.ROOT, "published %d records from %s to %s%n", records.size(),
                synthetic ? "the synthetic fleet (seed " + seed + ")" : file, topic);
        return 0;
    }
}
