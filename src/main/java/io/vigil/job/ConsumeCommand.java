package io.vigil.job;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Reads a topic with {@code read_committed} and pretty-prints anomaly events and dead letters. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print the records of a topic (anomalies, dead letters, cleaned) as they are committed.")
final class ConsumeCommand implements Callable<Integer> {

    @Option(names = "--topic", defaultValue = "anomalies", description = "Topic (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--group", description = "Consumer group (default: a new one each run, reading from the start)")
    String group;

    @Option(names = "--max", defaultValue = "-1", description = "Stop after this many records")
    long max;

    @Option(names = "--timeout", defaultValue = "0", description = "Stop after this many seconds without a record (0: never)")
    long timeoutSeconds;

    @Option(names = "--raw", description = "Print the JSON as it is")
    boolean raw;

    @Mixin
    KafkaClientOptions kafka;

    @Override
    public Integer call() {
        Properties props = kafka.clientProperties();
        props.setProperty("group.id", group != null ? group : "vigil-consume-" + UUID.randomUUID());
        props.setProperty("auto.offset.reset", "earliest");
        // only what the job committed: an exactly-once job's aborted attempts are never shown
        props.setProperty("isolation.level", "read_committed");
        long seen = 0;
        long idleSince = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (max < 0 || seen < max) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    if (timeoutSeconds > 0 && System.nanoTime() - idleSince > timeoutSeconds * 1_000_000_000L) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    System.out.println(raw ? new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
                            : AnomalyFormat.format(r.value()));
                    if (max >= 0 && ++seen >= max) {
                        break;
                    }
                }
            }
        }
        return 0;
    }
}
