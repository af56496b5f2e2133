package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

/** Secrets come from the environment and never show in logs, errors or a printed spec. */
class SecretsTest {

    private static final String CANARY = "canary-s3cr3t-7f2a";

    private static final String SPEC = """
            kafka:
              bootstrapServers: localhost:1
              properties:
                security.protocol: SASL_SSL
                sasl.mechanism: PLAIN
                sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="vigil" password="${VIGIL_KAFKA_PASSWORD}";
                ssl.truststore.password: ${VIGIL_TRUSTSTORE_PASSWORD:-changeit}
                client.id: ${VIGIL_CLIENT_ID:-vigil}
            """;

    @Test
    void valuesComeFromTheEnvironmentWithDefaults() {
        JobSpec spec = JobSpec.parse(SPEC, Map.of("VIGIL_KAFKA_PASSWORD", CANARY, "VIGIL_CLIENT_ID", "plant-7"));
        Map<String, String> p = spec.kafka().properties();
        assertThat(p.get("sasl.jaas.config")).contains("password=\"" + CANARY + "\"");
        assertThat(p.get("ssl.truststore.password")).isEqualTo("changeit");
        assertThat(p.get("client.id")).isEqualTo("plant-7");
        // a variable's content is a value, never structure
        JobSpec odd = JobSpec.parse("name: ${N}", Map.of("N", "a: {b: c}"));
        assertThat(odd.name()).isEqualTo("a: {b: c}");
    }

    @Test
    void aMissingVariableNamesTheKeyAndTheVariableOnly() {
        assertThatThrownBy(() -> JobSpec.parse(SPEC, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.properties.sasl.jaas.config")
                .hasMessageContaining("VIGIL_KAFKA_PASSWORD is not set");
        assertThatThrownBy(() -> JobSpec.parse("kafka: {properties: {sasl.jaas.config: {x: " + CANARY + "}}}", Map.of()))
                .hasMessageContaining("kafka.properties.sasl.jaas.config")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(CANARY));
    }

    @Test
    void aPrintedSpecMasksSecrets() {
        JobSpec spec = JobSpec.parse(SPEC, Map.of("VIGIL_KAFKA_PASSWORD", CANARY, "VIGIL_TRUSTSTORE_PASSWORD", CANARY));
        assertThat(spec.toString()).doesNotContain(CANARY).contains("sasl.jaas.config=****")
                .contains("ssl.truststore.password=****").contains("client.id=vigil");
    }

    @Test
    void kafkaClientsBuiltFromTheSpecLogNoSecret() {
        JobSpec spec = JobSpec.parse(SPEC.replace("SASL_SSL", "SASL_PLAINTEXT"),
                Map.of("VIGIL_KAFKA_PASSWORD", CANARY, "VIGIL_TRUSTSTORE_PASSWORD", CANARY));
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        AbstractAppender capture = new AbstractAppender("secrets-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        LoggerConfig kafkaClients = config.getLoggerConfig("org.apache.kafka");
        Level before = kafkaClients.getLevel();
        kafkaClients.addAppender(capture, Level.ALL, null);
        kafkaClients.setLevel(Level.INFO); // the level at which clients print their whole config
        config.getRootLogger().addAppender(capture, Level.ALL, null);
        ctx.updateLoggers();
        try {
            Properties p = new Properties();
            p.putAll(spec.kafka().properties());
            p.put("bootstrap.servers", spec.kafka().bootstrapServers());
            p.put("max.block.ms", "100");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.partitionsFor("x");
            } catch (RuntimeException expected) {
                // no broker on port 1: only the logging matters here
            }
        } finally {
            kafkaClients.removeAppender("secrets-capture");
            config.getRootLogger().removeAppender("secrets-capture");
            kafkaClients.setLevel(before);
            ctx.updateLoggers();
        }
        assertThat(lines).as("the producer printed its config").anyMatch(l -> l.contains("ProducerConfig values"));
        assertThat(lines).noneMatch(l -> l.contains(CANARY));
    }
}
