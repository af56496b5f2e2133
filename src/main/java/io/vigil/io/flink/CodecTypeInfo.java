package io.vigil.io.flink;

import io.vigil.io.codec.BinaryCodec;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information backed by one of our {@link BinaryCodec}s: records and state get an
 * explicit, versioned encoding, never the Kryo fallback.
 */
public final class CodecTypeInfo<T> extends TypeInformation<T> {

    private static final long serialVersionUID = 1L;

    private final Class<? extends BinaryCodec<T>> codecClass;
    private transient Class<T> type;

    public CodecTypeInfo(Class<? extends BinaryCodec<T>> codecClass) {
        this.codecClass = Objects.requireNonNull(codecClass);
    }

    /** Type information for a codec class. */
    public static <T> CodecTypeInfo<T> forCodec(Class<? extends BinaryCodec<T>> codecClass) {
        return new CodecTypeInfo<>(codecClass);
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public boolean isKeyType() { return false; }

    @Override
    public Class<T> getTypeClass() {
        if (type == null) {
            type = CodecSerializer.instantiate(codecClass).type();
        }
        return type;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return new CodecSerializer<>(codecClass);
    }

    @Override
    public String toString() {
        return "Codec(" + codecClass.getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodecTypeInfo<?> c && c.codecClass.equals(codecClass);
    }

    @Override
    public int hashCode() {
        return codecClass.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof CodecTypeInfo;
    }
}
