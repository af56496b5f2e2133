package io.vigil.io.codec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * An explicit binary encoding of one type, used for Flink network records and Flink state alike
 * (never Kryo, whose fallback silently breaks on upgrades and on classes like Smile's models).
 * Implementations are stateless with a public no-argument constructor, so a savepoint can name the
 * codec class and a new release can instantiate it to restore. Each encoding that is kept in state
 * starts with a version byte; readers refuse versions they do not know.
 */
public interface BinaryCodec<T> {

    /** The encoded type. */
    Class<T> type();

    /** Writes a non-null value. */
    void write(T value, DataOutput out) throws IOException;

    /** Reads a value written by {@link #write}. */
    T read(DataInput in) throws IOException;

    /** Whether values are immutable (then copies are the same object). */
    default boolean immutable() {
        return true;
    }
}
