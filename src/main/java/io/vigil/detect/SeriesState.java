package io.vigil.detect;

import io.vigil.detect.stl.StlState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * All detector state of one series: per field, the state of each detector. Fields are kept in the
 * order they were first seen; a field absent from a point is left untouched. Versioned codec.
 */
public final class SeriesState {

    /** Codec version. */
    public static final int VERSION = 1;

    String[] fields = new String[0];
    StlState[] stl = new StlState[0];
    long points;

    /** Points scored for this series (its model version). */
    public long points() {
        return points;
    }

    /** Field names known so far. */
    public String[] fields() {
        return fields.clone();
    }

    /** The STL state of a field, or null. */
    public StlState stl(String field) {
        int i = indexOf(field);
        return i < 0 ? null : stl[i];
    }

    int indexOf(String field) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals(field)) {
                return i;
            }
        }
        return -1;
    }

    int add(String field) {
        fields = Arrays.copyOf(fields, fields.length + 1);
        stl = Arrays.copyOf(stl, stl.length + 1);
        fields[fields.length - 1] = field;
        return fields.length - 1;
    }

    /** Writes this state. */
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(points);
        out.writeInt(fields.length);
        for (int i = 0; i < fields.length; i++) {
            out.writeUTF(fields[i]);
            out.writeBoolean(stl[i] != null);
            if (stl[i] != null) {
                stl[i].write(out);
            }
        }
    }

    /** Reads what {@link #write} wrote. */
    public static SeriesState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown SeriesState version " + version + " (this build reads " + VERSION + ")");
        }
        SeriesState s = new SeriesState();
        s.points = in.readLong();
        int n = in.readInt();
        s.fields = new String[n];
        s.stl = new StlState[n];
        for (int i = 0; i < n; i++) {
            s.fields[i] = in.readUTF();
            if (in.readBoolean()) {
                s.stl[i] = StlState.read(in);
            }
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesState s && points == s.points && Arrays.equals(fields, s.fields)
                && Arrays.equals(stl, s.stl);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(points) * 31 + Arrays.hashCode(fields);
    }
}
