package io.vigil.job;

import io.vigil.config.JobSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Broker address and client properties shared by {@code publish} and {@code consume}. */
final class KafkaClientOptions {

    @Option(names = "--bootstrap", description = "Kafka bootstrap servers (default: from --job, else localhost:9092)")
    String bootstrap;

    @Option(names = "--job", description = "Take bootstrap servers and client properties from this job spec")
    Path job;

    @Option(names = {"-X", "--property"}, description = "Extra Kafka client property key=value (e.g. security.protocol=SASL_SSL)")
    Map<String, String> properties = new LinkedHashMap<>();

    Properties clientProperties() {
        Properties p = new Properties();
        String servers = "localhost:9092";
        if (job != null) {
            JobSpec spec = JobSpec.load(job);
            servers = spec.kafka().bootstrapServers();
            p.putAll(spec.kafka().properties());
        }
        if (bootstrap != null) {
            servers = bootstrap;
        }
        p.putAll(properties);
        p.setProperty("bootstrap.servers", servers);
        return p;
    }
}
