package io.vigil.io;

import io.vigil.config.JobSpec;
import io.vigil.config.JobSpec.KafkaSpec;
import io.vigil.io.flink.VigilTypes;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.DeadLetter;
import io.vigil.model.RawRecord;
import io.vigil.model.ScoredPoint;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.function.Function;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The Kafka source and sinks of a job spec. The source hands on raw bytes with their coordinates
 * and never parses (a deserialization error inside a KafkaSource fails the job and restarts it on
 * the same offset, forever). The sinks key every record by series and are transactional
 * (exactly-once) unless the spec says at-least-once.
 */
public final class KafkaIO {

    private KafkaIO() {}

    /** The input topics as raw records. */
    public static KafkaSource<RawRecord> source(KafkaSpec k) {
        OffsetsInitializer start = switch (k.startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
        Properties props = new Properties();
        props.putAll(k.properties());
        // transactional producers upstream: never read what they may still abort
        props.putIfAbsent("isolation.level", "read_committed");
        return KafkaSource.<RawRecord>builder()
                .setBootstrapServers(k.bootstrapServers())
                .setTopics(k.inputTopics())
                .setGroupId(k.groupId())
                .setStartingOffsets(start)
                .setProperties(props)
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setDeserializer(new RawDeserializer())
                .build();
    }

    /** Anomaly events, key = series. */
    public static KafkaSink<AnomalyEvent> anomalySink(JobSpec spec) {
        KafkaSpec k = spec.kafka();
        return sink(k, k.anomalyTopic(), "anomalies",
                new Serializer<>(k.anomalyTopic(), e -> e.series().getBytes(StandardCharsets.UTF_8), EventJson::anomaly));
    }

    /** Dead letters, key = source coordinates. */
    public static KafkaSink<DeadLetter> deadLetterSink(JobSpec spec) {
        KafkaSpec k = spec.kafka();
        return sink(k, k.deadLetterTopic(), "dead-letters",
                new Serializer<>(k.deadLetterTopic(),
                        d -> (d.topic() + "/" + d.partition() + "/" + d.offset()).getBytes(StandardCharsets.UTF_8),
                        EventJson::deadLetter));
    }

    /** The cleaned stream, key = series. */
    public static KafkaSink<ScoredPoint> cleanedSink(JobSpec spec) {
        KafkaSpec k = spec.kafka();
        return sink(k, k.cleanedTopic(), "cleaned",
                new Serializer<>(k.cleanedTopic(), p -> p.series().getBytes(StandardCharsets.UTF_8), EventJson::cleaned));
    }

    private static <T> KafkaSink<T> sink(KafkaSpec k, String topic, String role, KafkaRecordSerializationSchema<T> ser) {
        Properties props = new Properties();
        props.putAll(k.properties());
        boolean exactlyOnce = k.delivery() == JobSpec.Delivery.EXACTLY_ONCE;
        props.setProperty("transaction.timeout.ms", String.valueOf(k.transactionTimeout().toMillis()));
        return KafkaSink.<T>builder()
                .setBootstrapServers(k.bootstrapServers())
                .setKafkaProducerConfig(props)
                .setRecordSerializer(ser)
                .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
                // one prefix per sink: two sinks sharing a prefix would fence each other's transactions
                .setTransactionalIdPrefix(k.transactionalIdPrefix() + "-" + role)
                .build();
    }

    /** Wraps every Kafka record, whatever its bytes, as a {@link RawRecord}. */
    static final class RawDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> r, Collector<RawRecord> out) {
            byte[] value = r.value() == null ? new byte[0] : r.value();
            out.collect(new RawRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), value));
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return VigilTypes.RAW;
        }
    }

    /** Serializes with a key function and a value function. */
    static final class Serializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final SerializableFn<T, byte[]> key;
        private final SerializableFn<T, byte[]> value;

        Serializer(String topic, SerializableFn<T, byte[]> key, SerializableFn<T, byte[]> value) {
            this.topic = topic;
            this.key = key;
            this.value = value;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            // Kafka refuses negative record timestamps, and event times before 1970 are legal input
            // (history, or a late record from the distant past on its way to the dead letters):
            // those records take the broker's time instead of failing the job
            Long ts = timestamp != null && timestamp >= 0 ? timestamp : null;
            return new ProducerRecord<>(topic, null, ts, key.apply(element), value.apply(element));
        }
    }

    /** A serializable function. */
    interface SerializableFn<A, B> extends Function<A, B>, java.io.Serializable {}
}
