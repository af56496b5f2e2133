package io.vigil.detect.kmeans;

import io.vigil.detect.DetectorState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * What the k-means detector remembers about one series: the field layout, the bounded sliding
 * training sample, the retraining clock and the current model ({@link ClusterModel}) — nothing
 * else; the detector's configuration and work arrays are not state.
 *
 * <p>The sample is a ring of raw rows (one row = the point's values in layout order). For a
 * univariate series a row is one value and the ring holds {@code sampleSize + window - 1} of them,
 * enough for {@code sampleSize} lag vectors, which are built from it when a model is fitted: the
 * sample costs one double per point instead of {@code window}. For a multivariate series a row is
 * the point's fields and the ring holds {@code sampleSize} rows.
 *
 * <p>Own binary codec, versioned ({@link #VERSION}), no Java serialization: the version byte, the
 * window and the field names, the ring (oldest first), the counters, then the model when there is
 * one (standardization, kept centroids and sizes, training distances). {@link #read} refuses
 * versions it does not know rather than misreading them.
 */
public final class KMeansState implements DetectorState {

    /** Codec version. */
    public static final int VERSION = 1;

    /** Lag-embedding length (1 for a multivariate series: a vector is the point itself). */
    int window;
    /** Field names in vector order; empty until the first point. */
    String[] fields = new String[0];
    /** The sample: {@code capacity} rows of {@code fields.length} values. */
    double[] ring = new double[0];
    int capacity;
    /**
     * The ring holds this many rows at first and doubles up to {@link #capacity}, so a series with
     * few points costs little memory.
     */
    static final int INITIAL_ROWS = 64;
    int head;
    int size;
    /** Points seen. */
    long points;
    /** Points since the last fit (or since the start). */
    long sinceFit;
    /** Event time of the last fit. */
    long lastFitTs = Long.MIN_VALUE;
    /** Fits so far (the next model's version is this + 1). */
    int fits;
    /** Times the field layout changed and the sample restarted. */
    long restarts;
    /** The current model, null before the first fit. */
    ClusterModel model;

    KMeansState() {}

    /** Points this state has been updated with. */
    public long points() {
        return points;
    }

    /** Version of the current model (fits so far), 0 before the first. */
    public int modelVersion() {
        return model == null ? 0 : model.version;
    }

    /** Clusters the current model fitted (small ones included), 0 before the first. */
    public int clusters() {
        return model == null ? 0 : model.clusters;
    }

    /** Large clusters the current model keeps as normal, 0 before the first. */
    public int keptClusters() {
        return model == null ? 0 : model.k();
    }

    /** Principal components the current model's clustering used, 0 before the first. */
    public int components() {
        return model == null ? 0 : model.components;
    }

    /** Share of the variance those components explained, 0 before the first. */
    public double explainedVariance() {
        return model == null ? 0.0 : model.explained;
    }

    /** Times the field layout changed. */
    public long restarts() {
        return restarts;
    }

    /** Dimension of the vectors: the window (univariate) or the field count. */
    int dims() {
        return fields.length == 1 ? window : fields.length;
    }

    /** Vectors the sample holds. */
    int vectors() {
        return fields.length == 1 ? Math.max(0, size - window + 1) : size;
    }

    /** Starts over with a new field layout: empty sample, no model (fit count kept, so versions still rise). */
    void layout(String[] names, int lagWindow, int sampleSize) {
        fields = names.clone();
        window = names.length == 1 ? lagWindow : 1;
        capacity = names.length == 1 ? sampleSize + window - 1 : sampleSize;
        ring = new double[Math.min(capacity, INITIAL_ROWS) * names.length];
        head = 0;
        size = 0;
        sinceFit = 0;
        model = null;
    }

    /** Appends a row (values in layout order, read through {@code order}), expiring the oldest when full. */
    void push(double[] values, int[] order) {
        int w = fields.length;
        int rows = ring.length / w;
        if (size == rows && rows < capacity) {
            // not wrapped yet (the ring was never full): rows sit at [0, size) in order
            rows = (int) Math.min(capacity, Math.max(INITIAL_ROWS, 2L * rows));
            ring = java.util.Arrays.copyOf(ring, rows * w);
            head = size;
        }
        int off = head * w;
        for (int i = 0; i < w; i++) {
            ring[off + i] = values[order[i]];
        }
        head = (head + 1) % rows;
        if (size < capacity) {
            size++;
        }
    }

    /** Row {@code back} steps before the newest (0 = newest), value {@code field}. */
    private double row(int back, int field) {
        int rows = ring.length / fields.length;
        int r = (head - 1 - back + 2 * rows) % rows;
        return ring[r * fields.length + field];
    }

    /**
     * Vector {@code back} steps before the newest one (0 = the newest point's vector) into
     * {@code dst}: the lag window ending there, oldest value first, or the row itself.
     */
    void vector(int back, double[] dst) {
        if (fields.length == 1) {
            for (int j = 0; j < window; j++) {
                dst[j] = row(back + window - 1 - j, 0);
            }
        } else {
            for (int i = 0; i < fields.length; i++) {
                dst[i] = row(back, i);
            }
        }
    }

    /** Every sample value of field {@code field}, oldest first, into {@code dst}; returns how many. */
    int values(int field, double[] dst) {
        for (int b = size - 1, i = 0; b >= 0; b--, i++) {
            dst[i] = row(b, field);
        }
        return size;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeShort(window);
        out.writeShort(fields.length);
        for (String f : fields) {
            out.writeUTF(f);
        }
        out.writeInt(capacity);
        out.writeInt(size);
        for (int b = size - 1; b >= 0; b--) {
            for (int i = 0; i < fields.length; i++) {
                out.writeDouble(row(b, i));
            }
        }
        out.writeLong(points);
        out.writeLong(sinceFit);
        out.writeLong(lastFitTs);
        out.writeInt(fits);
        out.writeLong(restarts);
        out.writeBoolean(model != null);
        if (model != null) {
            model.write(out);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static KMeansState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown KMeansState version " + version + " (this build reads " + VERSION + ")");
        }
        KMeansState s = new KMeansState();
        s.window = in.readUnsignedShort();
        String[] names = new String[in.readUnsignedShort()];
        for (int i = 0; i < names.length; i++) {
            names[i] = in.readUTF();
        }
        s.fields = names;
        s.capacity = in.readInt();
        int size = in.readInt();
        if (s.capacity < 0 || size < 0 || size > s.capacity || (names.length == 0 && s.capacity != 0)) {
            throw new IOException("corrupt KMeansState: " + size + " rows in a ring of " + s.capacity);
        }
        s.ring = new double[Math.max(size, Math.min(s.capacity, INITIAL_ROWS)) * names.length];
        double[] row = new double[names.length];
        int[] identity = new int[names.length];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        for (int r = 0; r < size; r++) {
            for (int i = 0; i < names.length; i++) {
                row[i] = in.readDouble();
            }
            s.push(row, identity);
        }
        s.points = in.readLong();
        s.sinceFit = in.readLong();
        s.lastFitTs = in.readLong();
        s.fits = in.readInt();
        s.restarts = in.readLong();
        if (in.readBoolean()) {
            s.model = ClusterModel.read(in);
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KMeansState s) || s.size != size || s.capacity != capacity) {
            return false;
        }
        for (int b = 0; b < size; b++) {
            for (int i = 0; i < fields.length; i++) {
                if (Double.compare(row(b, i), s.row(b, i)) != 0) {
                    return false;
                }
            }
        }
        return window == s.window && Arrays.equals(fields, s.fields) && points == s.points
                && sinceFit == s.sinceFit && lastFitTs == s.lastFitTs && fits == s.fits && restarts == s.restarts
                && java.util.Objects.equals(model, s.model);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(points) * 31 + fits;
    }
}
