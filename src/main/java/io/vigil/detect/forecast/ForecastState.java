package io.vigil.detect.forecast;

import io.vigil.detect.DetectorState;
import io.vigil.detect.SamplingInterval;
import io.vigil.detect.ErrorScale;
import io.vigil.detect.TailCalibrator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Everything the forecast detector remembers about one field of one series, and nothing else (the
 * detector's configuration, fitting scratch and basis tables are not state):
 *
 * <ul>
 *   <li>the period once resolved, and a ring of the last window of <em>learnt</em> values (the
 *       observations, with values outside the prediction interval clipped or replaced as
 *       configured) on the seasonal grid, from which every refit starts;
 *   <li>the fitted model: which forecaster, its coefficients {@code coef} (fitted at a refit) and
 *       its online components {@code comp} (advanced at every point); the layout of both belongs
 *       to the forecaster ({@link Forecaster} subclasses document theirs);
 *   <li>timing (last timestamp, the recent sampling intervals), the last 64 one-step errors for the
 *       error scale, the consecutive out-of-interval run, and the calibration sample.
 * </ul>
 *
 * <p>Versioned: {@link #write} starts with {@link #VERSION}; {@link #read} refuses versions it
 * does not know rather than misreading them.
 */
public final class ForecastState implements DetectorState {

    /** Codec version. */
    public static final int VERSION = 1;

    /** Period not resolved yet (auto-detection still collecting warm-up data). */
    public static final int UNRESOLVED = -1;

    static final int DELTAS = SamplingInterval.SIZE;


    /** No model fitted. */
    static final int NO_MODEL = -1;

    private static final double[] NONE = new double[0];

    int period = UNRESOLVED;
    /**
     * The ring starts at {@link #INITIAL_RING} values and doubles up to {@link #capacity}: a
     * series that sends a handful of points (or a producer inventing keys) costs little memory.
     */
    static final int INITIAL_RING = 32;

    /** The window's logical capacity. */
    int capacity;
    double[] ring;
    int head;
    int size;
    /** Values ever pushed on the seasonal grid (gap fills included): the next value's index. */
    long grid;
    long lastTs = Long.MIN_VALUE;
    SamplingInterval sampling = new SamplingInterval();
    long points;
    long gapsFilled;
    long restarts;
    /** Recent one-step forecast errors and their robust scale. */
    ErrorScale errors = new ErrorScale();
    TailCalibrator calibrator;
    boolean fitted;
    int sinceRefit;
    /** Consecutive values beyond the upper (positive count) or lower (negative) bound. */
    int run;
    /** Ordinal of the {@link ForecastConfig.Model} the coefficients belong to, or {@link #NO_MODEL}. */
    int model = NO_MODEL;
    double[] coef = NONE;
    double[] comp = NONE;
    /** Refits so far (not persisted: a diagnostic of this process). */
    long refits;

    ForecastState(int ringCapacity, int calibrationWindow) {
        resetRing(ringCapacity);
        this.calibrator = new TailCalibrator(calibrationWindow);
    }

    private ForecastState() {}

    /** The resolved period: {@link #UNRESOLVED}, 0 for none, or the period in points. */
    public int period() {
        return period;
    }

    /** Points this state has been updated with. */
    public long points() {
        return points;
    }

    /** Values held in the rolling window. */
    public int windowSize() {
        return size;
    }

    /** Missing points filled so far. */
    public long gapsFilled() {
        return gapsFilled;
    }

    /** Times the window restarted after a gap too long to fill. */
    public long restarts() {
        return restarts;
    }

    /** Whether a model is fitted (the detector is past its cold start once errors are known too). */
    public boolean fitted() {
        return fitted;
    }

    /** Refits in this process (a diagnostic; not checkpointed). */
    public long refits() {
        return refits;
    }

    /** An empty window of the given capacity (the grid position is kept). */
    void resetRing(int ringCapacity) {
        this.capacity = ringCapacity;
        this.ring = new double[Math.min(ringCapacity, INITIAL_RING)];
        this.head = 0;
        this.size = 0;
    }

    void push(double v) {
        grid++;
        if (size == ring.length && ring.length < capacity) {
            // never wrapped before reaching the physical length: values at [0, size), head == 0
            ring = Arrays.copyOf(ring, (int) Math.min(capacity, 2L * ring.length));
            head = size;
        }
        ring[head] = v;
        head = head + 1 == ring.length ? 0 : head + 1;
        if (size < ring.length) {
            size++;
        }
    }

    /** Value {@code back} steps before the newest (0 = newest); {@code back < size}. */
    double back(int back) {
        int i = head - 1 - back;
        return ring[i < 0 ? i + ring.length : i];
    }

    /** Copies the window, oldest first, into {@code dst}; returns its length. */
    int copyTo(double[] dst) {
        int start = (head - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            dst[i] = ring[(start + i) % ring.length];
        }
        return size;
    }

    /** Empties the window and forgets the model (the calibration and error sample stay). */
    void clearWindow() {
        head = 0;
        size = 0;
        unfit();
    }

    void unfit() {
        fitted = false;
        model = NO_MODEL;
        coef = NONE;
        comp = NONE;
        sinceRefit = 0;
        run = 0;
    }

    void addDelta(long d) {
        sampling.add(d);
    }

    /** Median of the recent positive sampling intervals, or 0 while fewer than three are known. */
    long interval(long[] scratch) {
        return sampling.median(scratch);
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(period);
        out.writeInt(capacity);
        out.writeInt(size);
        int start = (head - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out.writeDouble(ring[(start + i) % ring.length]);
        }
        out.writeLong(grid);
        out.writeLong(lastTs);
        out.writeLong(sampling.count());
        sampling.writeDeltas(out);
        out.writeLong(points);
        out.writeLong(gapsFilled);
        out.writeLong(restarts);
        errors.write(out);
        calibrator.write(out);
        out.writeBoolean(fitted);
        out.writeInt(sinceRefit);
        out.writeInt(run);
        out.writeByte(model);
        writeArray(out, coef);
        writeArray(out, comp);
    }

    private static void writeArray(DataOutput out, double[] a) throws IOException {
        out.writeInt(a.length);
        for (double v : a) {
            out.writeDouble(v);
        }
    }

    private static double[] readArray(DataInput in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("corrupt ForecastState: " + what + " of " + n + " values");
        }
        double[] a = n == 0 ? NONE : new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readDouble();
        }
        return a;
    }

    /** Reads what {@link #write} wrote. */
    public static ForecastState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown ForecastState version " + version + " (this build reads " + VERSION + ")");
        }
        ForecastState s = new ForecastState();
        s.period = in.readInt();
        int capacity = in.readInt();
        int n = in.readInt();
        if (capacity < 1 || capacity > 10_000_000 || n < 0 || n > capacity) {
            throw new IOException("corrupt ForecastState: window of " + n + " in a ring of " + capacity);
        }
        s.capacity = capacity;
        s.ring = new double[Math.max(n, Math.min(capacity, INITIAL_RING))];
        for (int i = 0; i < n; i++) {
            s.push(in.readDouble());
        }
        s.grid = in.readLong();
        s.lastTs = in.readLong();
        s.sampling = SamplingInterval.read(in.readLong(), in);
        s.points = in.readLong();
        s.gapsFilled = in.readLong();
        s.restarts = in.readLong();
        s.errors = ErrorScale.read(in, "ForecastState");
        s.calibrator = TailCalibrator.read(in);
        s.fitted = in.readBoolean();
        s.sinceRefit = in.readInt();
        s.run = in.readInt();
        s.model = in.readByte();
        s.coef = readArray(in, 100_000, "coefficients");
        s.comp = readArray(in, capacity + 100_000, "components");
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ForecastState s)) {
            return false;
        }
        double[] a = new double[size];
        double[] b = new double[s.size];
        copyTo(a);
        s.copyTo(b);
        return period == s.period && capacity == s.capacity && Arrays.equals(a, b) && grid == s.grid
                && lastTs == s.lastTs && sampling.equals(s.sampling)
                && points == s.points && gapsFilled == s.gapsFilled && restarts == s.restarts
                && errors.equals(s.errors) && calibrator.equals(s.calibrator)
                && fitted == s.fitted && sinceRefit == s.sinceRefit && run == s.run && model == s.model
                && Arrays.equals(coef, s.coef) && Arrays.equals(comp, s.comp);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(points) * 31 + period;
    }
}
