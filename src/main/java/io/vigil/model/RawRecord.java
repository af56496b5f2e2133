package io.vigil.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes of one source record with where they came from. Sources emit these and never parse,
 * so that a bad payload can never fail the source (it would restart on the same offset forever).
 *
 * @param topic source topic, or the file path for file input
 * @param partition source partition (-1 for files)
 * @param offset source offset, or the data row number for files
 * @param timestamp the record's own timestamp (Kafka record time; -1 when none)
 * @param payload raw bytes
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] payload) {

    public RawRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord r
                && partition == r.partition
                && offset == r.offset
                && timestamp == r.timestamp
                && topic.equals(r.topic)
                && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "RawRecord[" + topic + "/" + partition + "/" + offset + ", " + payload.length + " bytes]";
    }
}
