package io.vigil.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * An input record that could not be used, kept whole with the reason, so nothing is lost silently.
 *
 * @param reason machine-readable reason code, see {@link Reason}
 * @param detail human-readable detail (which field, which value)
 * @param topic source topic ({@code ""} for file input)
 * @param partition source partition (-1 when unknown)
 * @param offset source offset (or the row number for file input; -1 when unknown)
 * @param payload the raw bytes exactly as received
 */
public record DeadLetter(Reason reason, String detail, String topic, int partition, long offset, byte[] payload) {

    /** Why a record was rejected. */
    public enum Reason {
        MALFORMED_JSON,
        NOT_AN_OBJECT,
        MISSING_SERIES,
        INVALID_SERIES,
        MISSING_TS,
        INVALID_TS,
        MISSING_VALUE,
        INVALID_VALUE,
        NON_FINITE_VALUE,
        OUT_OF_RANGE,
        TOO_MANY_FIELDS,
        PAYLOAD_TOO_LARGE,
        INVALID_TAGS,
        LATE,
        /**
         * A point of a new series while the detector's subtask already tracks {@code state.maxSeries}
         * series (a misbehaving producer inventing keys): the payload is the point as JSON, with no
         * Kafka coordinates (they are not kept past parsing).
         */
        SERIES_LIMIT
    }

    public DeadLetter {
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
        topic = topic == null ? "" : topic;
        payload = payload == null ? new byte[0] : payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d
                && reason == d.reason
                && partition == d.partition
                && offset == d.offset
                && detail.equals(d.detail)
                && topic.equals(d.topic)
                && Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, detail, topic, partition, offset, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "DeadLetter[" + reason + ": " + detail + " @" + topic + "/" + partition + "/" + offset + "]";
    }
}
