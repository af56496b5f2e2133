package io.vigil.job.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.job.local.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The Kafka broker of the local cluster as a process of its own: {@link EmbeddedKafka} (a real
 * single-node KRaft broker from the Kafka jars) on a chosen port and log directory, the topics
 * created, records kept as long as the broker runs (no retention), then running until the process is told to stop (SIGTERM runs EmbeddedKafka's shutdown
 * hook, which stops the broker cleanly).
 *
 * <pre>
 * java -cp ... io.vigil.job.cluster.ClusterBroker --port 9092 --log-dir DIR --ready-file FILE [--topics metrics:4,anomalies:2]
 * </pre>
 *
 * <p>{@code --port 0} lets the broker bind an ephemeral port itself, so no other process can take it
 * between choosing and binding. Whoever started the process learns the address from the ready file,
 * a JSON object {@code {"bootstrapServers": "localhost:40123"}} written (atomically, by a rename)
 * once the broker serves clients and the topics exist: its presence means ready.
 */
public final class ClusterBroker {

    private ClusterBroker() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            opts.put(args[i].substring(2), args[i + 1]);
        }
        int port = Integer.parseInt(opts.getOrDefault("port", "0"));
        Path logDir = Path.of(require(opts, "log-dir"));
        Path readyFile = Path.of(require(opts, "ready-file"));
        Files.deleteIfExists(readyFile);

        // EmbeddedKafka keeps records without time-based retention: the data lives as long as the cluster
        EmbeddedKafka kafka = EmbeddedKafka.builder().port(port).logDir(logDir).deleteOnClose(false).start();
        for (String topic : opts.getOrDefault("topics", "").split(",")) {
            if (topic.isBlank()) {
                continue;
            }
            String[] nameAndPartitions = topic.trim().split(":");
            int partitions = nameAndPartitions.length > 1 ? Integer.parseInt(nameAndPartitions[1]) : 1;
            kafka.createTopics(partitions, nameAndPartitions[0]);
        }
        Path tmp = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
        Files.writeString(tmp, new ObjectMapper().writeValueAsString(
                Map.of("bootstrapServers", kafka.bootstrapServers())), StandardCharsets.UTF_8);
        Files.move(tmp, readyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // nothing more to do here: the broker's own threads serve clients until the JVM is stopped
        new CountDownLatch(1).await();
    }

    private static String require(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }
}
