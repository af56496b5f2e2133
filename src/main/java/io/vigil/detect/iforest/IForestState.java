package io.vigil.detect.iforest;

import io.vigil.detect.DetectorState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * What the Isolation Forest detector remembers about one series: the raw points of its recent
 * past and the description of its current model — never the fitted forest itself.
 *
 * <p>The forest is a pure function of what is kept here: the training rows (the feature vectors of
 * points {@code [fitEnd - fitRows, fitEnd)}, recomputed from the raw values in the ring exactly as
 * they were at the fit), the standardization, the seed and the model version. Keeping the raw
 * values rather than the feature vectors costs one number per field and point instead of one per
 * feature (five or more per field), and the ring also serves the features of new points. The
 * detector holds fitted forests in a cache keyed by {@link #modelKey}, a content hash taken at the
 * fit, and rebuilds one from this state on a miss; so Flink state stays authoritative and small,
 * and a stale model can never be served.
 *
 * <p>Ring: the last {@code capacity} points (timestamp and one value per field), capacity =
 * sample size + retrain period + feature look-back + 1, so the training rows of the current model
 * and their look-back are always still held until the next fit is due.
 *
 * <p>Codec version {@value #VERSION}: fields, ring (oldest first; the first timestamp in full, then
 * zig-zag varint deltas; values as doubles), the model description, counters.
 */
public final class IForestState implements DetectorState {

    /** Codec version. */
    public static final int VERSION = 1;

    String[] fields = new String[0];
    int capacity;
    long[] ts = new long[0];
    /** Row-major: slot * fields + field. */
    double[] values = new double[0];
    /**
     * The ring holds this many rows at first and doubles up to {@link #capacity}, so a series with
     * few points costs little memory; until it reaches the capacity it never wraps.
     */
    static final int INITIAL_ROWS = 64;

    /** Points pushed since the last reset; row r sits in slot r % ts.length. */
    long pushed;

    /** Fits so far over the series' life (the model version); 0 = never. */
    long modelVersion;
    /** The current model's training rows are [fitEnd - fitRows, fitEnd); fitRows 0 = no model. */
    long fitEnd;
    int fitRows;
    long fitTs;
    long fitSeed;
    double[] mean = new double[0];
    double[] scale = new double[0];
    long keyHi;
    long keyLo;
    /** Times the point's field set changed and the detector started over. */
    long resets;

    IForestState(int capacity) {
        this.capacity = capacity;
    }

    /** Model version: fits so far. */
    public long modelVersion() {
        return modelVersion;
    }

    /** Whether a model exists (no verdict before the first). */
    public boolean hasModel() {
        return fitRows > 0;
    }

    /** Training rows of the current model. */
    public int trainingRows() {
        return fitRows;
    }

    /** Points since the current model's fit (the point being scored counts). */
    public long sinceFit() {
        return hasModel() ? pushed - fitEnd : pushed;
    }

    /** Field names, in the order of the points. */
    public String[] fields() {
        return fields.clone();
    }

    /** Times the field set changed and the detector started over. */
    public long resets() {
        return resets;
    }

    /** The content key of the current model (two 64-bit hashes). */
    long[] modelKey() {
        return new long[] {keyHi, keyLo};
    }

    int fieldCount() {
        return fields.length;
    }

    /** Starts over for a new field set (the model version keeps counting). */
    void reset(String[] newFields) {
        if (fields.length > 0) {
            resets++;
        }
        fields = newFields.clone();
        ts = new long[Math.min(capacity, INITIAL_ROWS)];
        values = new double[ts.length * fields.length];
        pushed = 0;
        clearModel();
    }

    void clearModel() {
        fitRows = 0;
        fitEnd = 0;
        mean = new double[0];
        scale = new double[0];
        keyHi = 0;
        keyLo = 0;
    }

    void push(long t, double[] v) {
        if (pushed == ts.length && ts.length < capacity) {
            // rows [0, pushed) sit in slots [0, pushed): a larger ring keeps every row in its slot
            int grown = (int) Math.min(capacity, Math.max(INITIAL_ROWS, 2L * ts.length));
            ts = Arrays.copyOf(ts, grown);
            values = Arrays.copyOf(values, grown * fields.length);
        }
        int slot = (int) (pushed % ts.length);
        ts[slot] = t;
        System.arraycopy(v, 0, values, slot * fields.length, fields.length);
        pushed++;
    }

    /** Value of field {@code f} at row {@code r} (must still be held). */
    double value(long r, int f) {
        return values[(int) (r % ts.length) * fields.length + f];
    }

    /** The ring slot of row {@code r}. */
    int slot(long r) {
        return (int) (r % ts.length);
    }

    long ts(long r) {
        return ts[(int) (r % ts.length)];
    }

    /** Oldest row still held. */
    long oldest() {
        return Math.max(0, pushed - capacity);
    }

    /** Reallocates the ring (after a config change), keeping the newest rows. */
    void resize(int newCapacity) {
        long from = Math.max(oldest(), pushed - newCapacity);
        long[] t = new long[newCapacity];
        double[] v = new double[newCapacity * fields.length];
        for (long r = from; r < pushed; r++) {
            int dst = (int) (r % newCapacity);
            t[dst] = ts(r);
            System.arraycopy(values, (int) (r % ts.length) * fields.length, v, dst * fields.length, fields.length);
        }
        capacity = newCapacity;
        ts = t;
        values = v;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeShort(fields.length);
        for (String f : fields) {
            out.writeUTF(f);
        }
        out.writeInt(capacity);
        out.writeLong(pushed);
        // timestamps as zig-zag varint deltas: a regular series spends 1 to 4 bytes per point
        // (5-minute data: 3) instead of 8
        long prev = 0;
        for (long r = oldest(); r < pushed; r++) {
            long t = ts(r);
            if (r == oldest()) {
                out.writeLong(t);
            } else {
                writeVarLong(out, (t - prev) << 1 ^ (t - prev) >> 63);
            }
            prev = t;
            for (int f = 0; f < fields.length; f++) {
                out.writeDouble(value(r, f));
            }
        }
        out.writeLong(modelVersion);
        out.writeLong(fitEnd);
        out.writeInt(fitRows);
        out.writeLong(fitTs);
        out.writeLong(fitSeed);
        out.writeShort(mean.length);
        for (int i = 0; i < mean.length; i++) {
            out.writeDouble(mean[i]);
            out.writeDouble(scale[i]);
        }
        out.writeLong(keyHi);
        out.writeLong(keyLo);
        out.writeLong(resets);
    }

    /** Reads what {@link #write} wrote. */
    public static IForestState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown IForestState version " + version + " (this build reads " + VERSION + ")");
        }
        int nf = in.readUnsignedShort();
        String[] fields = new String[nf];
        for (int f = 0; f < nf; f++) {
            fields[f] = in.readUTF();
        }
        int capacity = in.readInt();
        if (capacity < 1 || (long) capacity * Math.max(1, nf) > 100_000_000L) {
            throw new IOException("corrupt IForestState: ring capacity " + capacity + " for " + nf + " fields");
        }
        IForestState s = new IForestState(capacity);
        s.fields = fields;
        long pushed = in.readLong();
        if (pushed < 0) {
            throw new IOException("corrupt IForestState: " + pushed + " points");
        }
        // a ring that has wrapped is full; one that has not holds every row in its own slot
        int rows = pushed >= capacity ? capacity : Math.max(Math.min(capacity, INITIAL_ROWS), (int) pushed);
        s.ts = new long[rows];
        s.values = new double[rows * nf];
        s.pushed = pushed;
        long prev = 0;
        for (long r = s.oldest(); r < pushed; r++) {
            int slot = (int) (r % rows);
            if (r == s.oldest()) {
                prev = in.readLong();
            } else {
                long z = readVarLong(in);
                prev += z >>> 1 ^ -(z & 1);
            }
            s.ts[slot] = prev;
            for (int f = 0; f < nf; f++) {
                s.values[slot * nf + f] = in.readDouble();
            }
        }
        s.modelVersion = in.readLong();
        s.fitEnd = in.readLong();
        s.fitRows = in.readInt();
        s.fitTs = in.readLong();
        s.fitSeed = in.readLong();
        int d = in.readUnsignedShort();
        s.mean = new double[d];
        s.scale = new double[d];
        for (int i = 0; i < d; i++) {
            s.mean[i] = in.readDouble();
            s.scale[i] = in.readDouble();
        }
        s.keyHi = in.readLong();
        s.keyLo = in.readLong();
        s.resets = in.readLong();
        return s;
    }

    private static void writeVarLong(DataOutput out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) (v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readVarLong(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("corrupt IForestState: varint longer than 64 bits");
    }

    private double[] heldValues() {
        double[] out = new double[(int) (pushed - oldest()) * fields.length];
        int i = 0;
        for (long r = oldest(); r < pushed; r++) {
            for (int f = 0; f < fields.length; f++) {
                out[i++] = value(r, f);
            }
        }
        return out;
    }

    private long[] heldTs() {
        long[] out = new long[(int) (pushed - oldest())];
        for (long r = oldest(); r < pushed; r++) {
            out[(int) (r - oldest())] = ts(r);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IForestState s && Arrays.equals(fields, s.fields) && capacity == s.capacity
                && pushed == s.pushed && Arrays.equals(heldTs(), s.heldTs())
                && Arrays.equals(heldValues(), s.heldValues()) && modelVersion == s.modelVersion
                && fitEnd == s.fitEnd && fitRows == s.fitRows && fitTs == s.fitTs && fitSeed == s.fitSeed
                && Arrays.equals(mean, s.mean) && Arrays.equals(scale, s.scale) && keyHi == s.keyHi
                && keyLo == s.keyLo && resets == s.resets;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(pushed) * 31 + Long.hashCode(modelVersion);
    }
}
