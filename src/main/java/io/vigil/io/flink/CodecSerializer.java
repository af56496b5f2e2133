package io.vigil.io.flink;

import io.vigil.io.codec.BinaryCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink serializer that delegates to a {@link BinaryCodec}. Records are length-prefixed so that
 * {@link #copy(DataInputView, DataOutputView)} needs no decoding. The snapshot stores the codec's
 * class name: a savepoint restores with whatever version of that codec the new release has, and
 * the codec's own version byte decides how to read old bytes.
 */
public final class CodecSerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    private final Class<? extends BinaryCodec<T>> codecClass;
    private transient BinaryCodec<T> codec;
    private transient DataOutputSerializer buffer;
    private transient DataInputDeserializer reader;

    public CodecSerializer(Class<? extends BinaryCodec<T>> codecClass) {
        this.codecClass = Objects.requireNonNull(codecClass);
    }

    static <T> BinaryCodec<T> instantiate(Class<? extends BinaryCodec<T>> c) {
        try {
            return c.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("codec " + c.getName() + " needs a public no-argument constructor", e);
        }
    }

    private BinaryCodec<T> codec() {
        if (codec == null) {
            codec = instantiate(codecClass);
        }
        return codec;
    }

    private DataOutputSerializer buffer() {
        if (buffer == null) {
            buffer = new DataOutputSerializer(256);
        }
        buffer.clear();
        return buffer;
    }

    @Override
    public boolean isImmutableType() {
        return codec().immutable();
    }

    @Override
    public TypeSerializer<T> duplicate() {
        // holds per-instance buffers, so every thread needs its own
        return new CodecSerializer<>(codecClass);
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        if (from == null || codec().immutable()) {
            return from;
        }
        try {
            DataOutputSerializer out = buffer();
            codec().write(from, out);
            if (reader == null) {
                reader = new DataInputDeserializer();
            }
            reader.setBuffer(out.getSharedBuffer(), 0, out.length());
            return codec().read(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        DataOutputSerializer out = buffer();
        codec().write(record, out);
        target.writeInt(out.length());
        target.write(out.getSharedBuffer(), 0, out.length());
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        int n = source.readInt();
        byte[] b = new byte[n];
        source.readFully(b);
        return codec().read(new DataInputDeserializer(b));
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int n = source.readInt();
        target.writeInt(n);
        target.write(source, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CodecSerializer<?> c && c.codecClass.equals(codecClass);
    }

    @Override
    public int hashCode() {
        return codecClass.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<T> snapshotConfiguration() {
        return new Snapshot<>(codecClass);
    }

    /** Names the codec class; restores a serializer for it. */
    public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {

        private Class<? extends BinaryCodec<T>> codecClass;

        /** For Flink's reflective instantiation on restore. */
        public Snapshot() {}

        Snapshot(Class<? extends BinaryCodec<T>> codecClass) {
            this.codecClass = codecClass;
        }

        @Override
        public int getCurrentVersion() {
            return 1;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeUTF(codecClass.getName());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            String name = in.readUTF();
            try {
                codecClass = (Class<? extends BinaryCodec<T>>) Class.forName(name, true, classLoader);
            } catch (ClassNotFoundException e) {
                throw new IOException("state was written with codec " + name + ", which this release lacks", e);
            }
        }

        @Override
        public TypeSerializer<T> restoreSerializer() {
            return new CodecSerializer<>(codecClass);
        }

        @Override
        public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
            if (oldSnapshot instanceof Snapshot<T> old && old.codecClass.getName().equals(codecClass.getName())) {
                // same codec: its version byte handles format changes when reading
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
