package io.vigil.detect.autoencoder;

import io.vigil.detect.DetectorState;
import io.vigil.detect.SamplingInterval;
import io.vigil.detect.TailCalibrator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the autoencoder detector remembers about one series: the schema (field names), the
 * bounded sliding sample, the retraining clock, and the current model — its version, layer sizes,
 * flat weights, the standardization of its training sample and the distribution of its training
 * errors. The weights are a few hundred doubles, so they are stored directly with this class's own
 * codec (no Java serialization, no Kryo).
 *
 * <p>The sample is one ring of doubles: for a multivariate series, rows of one value per field; for
 * a univariate series, the raw values themselves (capacity {@code sampleSize + window - 1}), whose
 * every run of {@code window} consecutive values is a training window and whose newest
 * {@code window} values are the window being judged — so the windows are never stored twice.
 *
 * <p>Codec version {@link #VERSION}: the version byte, then the fields, the sample (oldest first),
 * counters and clocks, and the model when there is one; {@link #read} refuses versions it does not
 * know.
 */
public final class AutoencoderState implements DetectorState {

    /** Codec version. */
    public static final int VERSION = 1;

    static final int DELTAS = SamplingInterval.SIZE;

    /** Field names in the model's input order; null before the first point. */
    String[] fields;
    /** Values per sample row: the field count, or 1 for a univariate series (a ring of values). */
    int stride;
    double[] ring = new double[0];
    /** The ring's logical capacity; the array starts at {@link #INITIAL_ROWS} rows and doubles up to it. */
    int capacity;
    static final int INITIAL_ROWS = 64;
    int head;
    /** Values held (not rows). */
    int size;

    long points;
    long lastTs = Long.MIN_VALUE;
    SamplingInterval sampling = new SamplingInterval();
    /** Times a univariate window restarted after a long gap. */
    long restarts;
    /** Consecutive points whose fields were not the model's, capped at {@link AutoencoderDetector#REGIME_RUN}. */
    int schemaMisses;
    /** Consecutive anomalous points, capped at {@link AutoencoderDetector#REGIME_RUN}. */
    int flaggedRun;
    /** Points since the last training. */
    int sinceTrain;
    long lastTrainTs = Long.MIN_VALUE;

    /** Model version: trainings so far; 0 = no model yet (cold). */
    int modelVersion;
    int[] sizes = new int[0];
    double[] params = new double[0];
    double[] mean = new double[0];
    double[] std = new double[0];
    /** RMS standardized reconstruction error over the training sample: magnitudes are in these units. */
    double errorScale;
    /** The training sample's error magnitudes: what a point's error is ranked against. */
    TailCalibrator calibrator;
    int lastEpochs;
    double lastTrainLoss;
    double lastValidationLoss;

    AutoencoderState() {}

    /** Points this state has been updated with. */
    public long points() {
        return points;
    }

    /** Trainings so far (0 = still cold). */
    public int modelVersion() {
        return modelVersion;
    }

    /** Layer sizes of the current model, input first (empty before the first model). */
    public int[] layerSizes() {
        return sizes.clone();
    }

    /** Field names of the model's inputs (null before the first point). */
    public String[] fields() {
        return fields == null ? null : fields.clone();
    }

    /** Epochs the last training ran. */
    public int lastEpochs() {
        return lastEpochs;
    }

    /** Mean squared standardized reconstruction error on the last training's training part. */
    public double lastTrainLoss() {
        return lastTrainLoss;
    }

    /** The same on its held-out part. */
    public double lastValidationLoss() {
        return lastValidationLoss;
    }

    /** Times a univariate window restarted after a long gap. */
    public long restarts() {
        return restarts;
    }

    boolean univariate() {
        return stride == 1;
    }

    /** Sample rows held: vectors for a multivariate series, complete windows for a univariate one. */
    int rows(int window) {
        return univariate() ? Math.max(0, size - window + 1) : size / Math.max(1, stride);
    }

    void push(double v) {
        if (size == ring.length && ring.length < capacity) {
            // never wrapped before the array filled: values at [0, size), head == 0
            int grown = (int) Math.min(capacity, Math.max((long) INITIAL_ROWS * Math.max(1, stride), 2L * ring.length));
            ring = Arrays.copyOf(ring, grown);
            head = size;
        }
        ring[head] = v;
        head = head + 1 == ring.length ? 0 : head + 1;
        if (size < ring.length) {
            size++;
        }
    }

    /** Overwrites the newest value (a flagged value replaced by its reconstruction). */
    void replaceNewest(double v) {
        ring[head == 0 ? ring.length - 1 : head - 1] = v;
    }

    /** Value {@code back} steps before the newest (0 = newest). */
    double back(int back) {
        int at = head - 1 - back;
        return ring[at < 0 ? at + ring.length : at];
    }

    /** The value at position {@code i} of the held values, oldest first. */
    double at(int i) {
        int at = head - size + i;
        if (at < 0) {
            at += ring.length;
        }
        return ring[at >= ring.length ? at - ring.length : at];
    }

    void clearSample() {
        head = 0;
        size = 0;
    }

    /** Reallocates the ring to {@code capacity} values, keeping the newest whole rows. */
    void resize(int capacity) {
        int keep = Math.min(size, capacity) / Math.max(1, stride) * Math.max(1, stride);
        double[] tmp = new double[keep];
        for (int i = 0; i < keep; i++) {
            tmp[i] = at(size - keep + i);
        }
        this.capacity = capacity;
        ring = new double[Math.max(keep, Math.min(capacity, INITIAL_ROWS * Math.max(1, stride)))];
        head = 0;
        size = 0;
        for (double v : tmp) {
            push(v);
        }
    }

    void addDelta(long d) {
        sampling.add(d);
    }

    /** Median of the recent positive sampling intervals, or 0 while fewer than three are known. */
    long interval(long[] scratch) {
        return sampling.median(scratch);
    }

    /** Forgets the schema, the sample and the model (the series' fields changed). */
    void reset(String[] newFields) {
        fields = newFields.clone();
        stride = newFields.length == 1 ? 1 : newFields.length;
        ring = new double[0];
        capacity = 0;
        clearSample();
        sinceTrain = 0;
        flaggedRun = 0;
        lastTrainTs = Long.MIN_VALUE;
        modelVersion = 0;
        sizes = new int[0];
        params = new double[0];
        mean = new double[0];
        std = new double[0];
        errorScale = 0;
        calibrator = null;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        if (fields == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(fields.length);
            for (String f : fields) {
                out.writeUTF(f);
            }
        }
        out.writeInt(stride);
        out.writeInt(capacity);
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeDouble(at(i));
        }
        out.writeLong(points);
        out.writeLong(lastTs);
        out.writeByte(sampling.count());
        sampling.writeDeltas(out);
        out.writeLong(restarts);
        out.writeByte(flaggedRun);
        out.writeByte(schemaMisses);
        out.writeInt(sinceTrain);
        out.writeLong(lastTrainTs);
        out.writeInt(modelVersion);
        if (modelVersion == 0) {
            return;
        }
        out.writeByte(sizes.length);
        for (int s : sizes) {
            out.writeShort(s);
        }
        writeDoubles(out, params);
        writeDoubles(out, mean);
        writeDoubles(out, std);
        out.writeDouble(errorScale);
        calibrator.write(out);
        out.writeInt(lastEpochs);
        out.writeDouble(lastTrainLoss);
        out.writeDouble(lastValidationLoss);
    }

    private static void writeDoubles(DataOutput out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInput in, int expected, String what) throws IOException {
        int n = in.readInt();
        if (n != expected) {
            throw new IOException("corrupt AutoencoderState: " + n + " " + what + ", expected " + expected);
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    /** Reads what {@link #write} wrote. */
    public static AutoencoderState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown AutoencoderState version " + version + " (this build reads " + VERSION + ")");
        }
        AutoencoderState s = new AutoencoderState();
        int nf = in.readInt();
        if (nf > 100_000) {
            throw new IOException("corrupt AutoencoderState: " + nf + " fields");
        }
        if (nf >= 0) {
            s.fields = new String[nf];
            for (int i = 0; i < nf; i++) {
                s.fields[i] = in.readUTF();
            }
        }
        s.stride = in.readInt();
        int capacity = in.readInt();
        int size = in.readInt();
        if (capacity < 0 || size < 0 || size > capacity) {
            throw new IOException("corrupt AutoencoderState: " + size + " values in a ring of " + capacity);
        }
        s.capacity = capacity;
        s.ring = new double[Math.max(size, Math.min(capacity, INITIAL_ROWS * Math.max(1, s.stride)))];
        for (int i = 0; i < size; i++) {
            s.push(in.readDouble());
        }
        s.points = in.readLong();
        s.lastTs = in.readLong();
        s.sampling = SamplingInterval.read(in.readUnsignedByte(), in);
        s.restarts = in.readLong();
        s.flaggedRun = in.readUnsignedByte();
        s.schemaMisses = in.readUnsignedByte();
        s.sinceTrain = in.readInt();
        s.lastTrainTs = in.readLong();
        s.modelVersion = in.readInt();
        if (s.modelVersion == 0) {
            return s;
        }
        int layers = in.readUnsignedByte();
        s.sizes = new int[layers];
        for (int i = 0; i < layers; i++) {
            s.sizes[i] = in.readUnsignedShort();
        }
        if (layers < 3 || s.sizes[0] != s.sizes[layers - 1]) {
            throw new IOException("corrupt AutoencoderState: layer sizes " + Arrays.toString(s.sizes));
        }
        s.params = readDoubles(in, DenseAutoencoder.paramCount(s.sizes), "weights");
        s.mean = readDoubles(in, s.sizes[0], "means");
        s.std = readDoubles(in, s.sizes[0], "scales");
        s.errorScale = in.readDouble();
        s.calibrator = TailCalibrator.read(in);
        s.lastEpochs = in.readInt();
        s.lastTrainLoss = in.readDouble();
        s.lastValidationLoss = in.readDouble();
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AutoencoderState s) || s.size != size || s.capacity != capacity) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (Double.compare(at(i), s.at(i)) != 0) {
                return false;
            }
        }
        return Arrays.equals(fields, s.fields) && stride == s.stride && points == s.points && lastTs == s.lastTs
                && sampling.equals(s.sampling) && restarts == s.restarts && flaggedRun == s.flaggedRun
                && schemaMisses == s.schemaMisses
                && sinceTrain == s.sinceTrain && lastTrainTs == s.lastTrainTs && modelVersion == s.modelVersion
                && Arrays.equals(sizes, s.sizes) && Arrays.equals(params, s.params) && Arrays.equals(mean, s.mean)
                && Arrays.equals(std, s.std) && Double.compare(errorScale, s.errorScale) == 0
                && Objects.equals(calibrator, s.calibrator) && lastEpochs == s.lastEpochs
                && Double.compare(lastTrainLoss, s.lastTrainLoss) == 0
                && Double.compare(lastValidationLoss, s.lastValidationLoss) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(points) * 31 + modelVersion;
    }
}
