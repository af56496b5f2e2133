package io.vigil.detect;

import io.vigil.detect.stl.StlState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * All detector state of one series: per field, the state of each field detector, in one table
 * {@code states[field][slot]} whose columns are named by {@link #detectors()}, and one row
 * {@code pointStates[slot]} for the detectors that judge whole points. Fields are kept in the
 * order they were first seen; a field absent from a point is left untouched. Columns are named
 * (not positional) so that a job whose detector set changes between releases still reads its
 * savepoint: a detector switched off keeps its column, one switched on adds a column.
 *
 * <p>Codec version 3: {@code points}, the column names, then per field its name and per column a
 * presence flag and the detector's own versioned state, then the point row the same way.
 * Version 2 (no point row) and version 1 (STL only) are still read.
 */
public final class SeriesState {

    /** Codec version. */
    public static final int VERSION = 3;

    String[] fields = new String[0];
    String[] detectors = new String[0];
    DetectorState[][] states = new DetectorState[0][];
    DetectorState[] pointStates = new DetectorState[0];
    long points;

    /** Points scored for this series (its model version). */
    public long points() {
        return points;
    }

    /** Field names known so far. */
    public String[] fields() {
        return fields.clone();
    }

    /** Detector names with a column in this state. */
    public String[] detectors() {
        return detectors.clone();
    }

    /** The state of a detector on a field, or null. */
    public DetectorState state(String detector, String field) {
        int f = indexOf(field);
        int d = slotOf(detector);
        return f < 0 || d < 0 ? null : states[f][d];
    }

    /** The state of a point detector, or null. */
    public DetectorState pointState(String detector) {
        int d = slotOf(detector);
        return d < 0 ? null : pointStates[d];
    }

    /** The STL state of a field, or null. */
    public StlState stl(String field) {
        return (StlState) state(SeriesScorer.STL, field);
    }

    int indexOf(String field) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].equals(field)) {
                return i;
            }
        }
        return -1;
    }

    int slotOf(String detector) {
        for (int i = 0; i < detectors.length; i++) {
            if (detectors[i].equals(detector)) {
                return i;
            }
        }
        return -1;
    }

    /** The column of a detector, added when missing. */
    int slot(String detector) {
        int at = slotOf(detector);
        if (at >= 0) {
            return at;
        }
        detectors = Arrays.copyOf(detectors, detectors.length + 1);
        detectors[detectors.length - 1] = detector;
        for (int f = 0; f < states.length; f++) {
            states[f] = Arrays.copyOf(states[f], detectors.length);
        }
        pointStates = Arrays.copyOf(pointStates, detectors.length);
        return detectors.length - 1;
    }

    int add(String field) {
        fields = Arrays.copyOf(fields, fields.length + 1);
        states = Arrays.copyOf(states, states.length + 1);
        fields[fields.length - 1] = field;
        states[states.length - 1] = new DetectorState[detectors.length];
        return fields.length - 1;
    }

    /** Writes this state. */
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(points);
        out.writeShort(detectors.length);
        for (String d : detectors) {
            out.writeUTF(d);
        }
        out.writeInt(fields.length);
        for (int f = 0; f < fields.length; f++) {
            out.writeUTF(fields[f]);
            writeRow(out, states[f]);
        }
        writeRow(out, pointStates);
    }

    private static void writeRow(DataOutput out, DetectorState[] row) throws IOException {
        for (DetectorState s : row) {
            out.writeBoolean(s != null);
            if (s != null) {
                s.write(out);
            }
        }
    }

    private void readRow(DataInput in, DetectorStates.Reader[] readers, DetectorState[] row) throws IOException {
        for (int d = 0; d < row.length; d++) {
            if (in.readBoolean()) {
                if (readers[d] == null) {
                    throw new IOException("SeriesState holds state of detector '" + detectors[d]
                            + "', which this build does not know");
                }
                row[d] = readers[d].read(in);
            }
        }
    }

    /** Reads what {@link #write} wrote, in this or an earlier codec version. */
    public static SeriesState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        SeriesState s = new SeriesState();
        if (version == 1) {
            s.points = in.readLong();
            int n = in.readInt();
            s.detectors = new String[] {SeriesScorer.STL};
            s.fields = new String[n];
            s.states = new DetectorState[n][1];
            s.pointStates = new DetectorState[1];
            for (int i = 0; i < n; i++) {
                s.fields[i] = in.readUTF();
                if (in.readBoolean()) {
                    s.states[i][0] = StlState.read(in);
                }
            }
            return s;
        }
        if (version != 2 && version != VERSION) {
            throw new IOException("unknown SeriesState version " + version + " (this build reads 1 to " + VERSION + ")");
        }
        s.points = in.readLong();
        int nd = in.readUnsignedShort();
        s.detectors = new String[nd];
        DetectorStates.Reader[] readers = new DetectorStates.Reader[nd];
        for (int d = 0; d < nd; d++) {
            s.detectors[d] = in.readUTF();
            readers[d] = DetectorStates.reader(s.detectors[d]);
        }
        int n = in.readInt();
        s.fields = new String[n];
        s.states = new DetectorState[n][nd];
        for (int f = 0; f < n; f++) {
            s.fields[f] = in.readUTF();
            s.readRow(in, readers, s.states[f]);
        }
        s.pointStates = new DetectorState[nd];
        if (version >= 3) {
            s.readRow(in, readers, s.pointStates);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeriesState s && points == s.points && Arrays.equals(fields, s.fields)
                && Arrays.equals(detectors, s.detectors) && Arrays.deepEquals(states, s.states)
                && Arrays.equals(pointStates, s.pointStates);
    }

    @Override
    public int hashCode() {
        return Objects.hash(points, Arrays.hashCode(fields), Arrays.hashCode(detectors));
    }
}
