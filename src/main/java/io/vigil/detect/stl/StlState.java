package io.vigil.detect.stl;

import io.vigil.detect.DetectorState;
import io.vigil.detect.SamplingInterval;
import io.vigil.detect.ErrorScale;
import io.vigil.detect.TailCalibrator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Everything the STL detector remembers about one field of one series — and nothing else: the
 * detector's configuration and work arrays are not state. Small and explicit so a checkpoint of a
 * million series stays cheap: a ring of the last window of values, the period once resolved, the
 * recent sampling intervals, and the calibration sample.
 *
 * <p>Versioned: {@link #write} starts with {@link #VERSION}; {@link #read} refuses versions it
 * does not know rather than misreading them.
 */
public final class StlState implements DetectorState {

    /**
     * Codec version: 2 adds the online level and seasonal profile, 3 the provisional non-seasonal
     * state kept while the period is searched; versions 1 and 2 are still read.
     */
    public static final int VERSION = 3;

    /** Period not resolved yet (auto-detection still collecting warm-up data). */
    public static final int UNRESOLVED = -1;

    static final int DELTAS = SamplingInterval.SIZE;


    /**
     * The window's ring starts this small and doubles up to {@link #capacity}: a series that sends
     * a handful of points (or a producer inventing keys) costs little memory.
     */
    static final int INITIAL_RING = 32;

    int period = UNRESOLVED;
    /** The ring's logical capacity (the window plus the newest point). */
    int capacity;
    double[] ring;
    int head;
    int size;
    long lastTs = Long.MIN_VALUE;
    SamplingInterval sampling = new SamplingInterval();
    long points;
    long gapsFilled;
    long restarts;
    /** Recent one-step forecast errors and their robust scale. */
    ErrorScale errors = new ErrorScale();
    TailCalibrator calibrator;

    // The online model between full refits (see StlDetector): the level, the seasonal profile by
    // phase, and how many points it has followed since the last robust STL anchored it.
    /** Values ever pushed on the seasonal grid (gap fills included): the newest one's phase is (grid - 1) mod period. */
    long grid;
    boolean fitted;
    double level;
    double[] season = new double[0];
    int sinceRefit;
    /** Full robust STL fits so far (not persisted: a diagnostic of this process). */
    long refits;
    /** While the period is searched: the trend-only state that scores the field meanwhile (see StlDetector). */
    StlState provisional;

    StlState(int ringCapacity, int calibrationWindow) {
        this.capacity = ringCapacity;
        this.ring = new double[Math.min(ringCapacity, INITIAL_RING)];
        this.calibrator = new TailCalibrator(calibrationWindow);
    }

    private StlState() {}

    /** The resolved period: {@link #UNRESOLVED}, 0 for none, or the period in points. */
    public int period() {
        return period;
    }

    /** Points this state has been updated with (its model version). */
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

    void push(double v) {
        grid++;
        if (size == ring.length && ring.length < capacity) {
            // never wrapped before reaching the physical length: values at [0, size), head == 0
            ring = Arrays.copyOf(ring, (int) Math.min(capacity, 2L * ring.length));
            head = size;
        }
        ring[head] = v;
        head = (head + 1) % ring.length;
        if (size < ring.length) {
            size++;
        }
    }

    /** Value {@code back} steps before the newest (0 = newest). */
    double back(int back) {
        return ring[(head - 1 - back + 2 * ring.length) % ring.length];
    }

    /** A copy of the window, oldest first (gap fills and corrections included). */
    public double[] window() {
        double[] out = new double[size];
        copyTo(out);
        return out;
    }

    /** Overwrites the newest value. */
    void setNewest(double v) {
        ring[(head - 1 + ring.length) % ring.length] = v;
    }

    /** Copies the window, oldest first, into {@code dst}; returns its length. */
    int copyTo(double[] dst) {
        int start = (head - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            dst[i] = ring[(start + i) % ring.length];
        }
        return size;
    }

    /** Reallocates the ring to {@code capacity}, keeping the newest values. */
    void resize(int capacity) {
        double[] tmp = new double[size];
        copyTo(tmp);
        int keep = Math.min(size, capacity);
        this.capacity = capacity;
        ring = new double[Math.max(keep, Math.min(capacity, INITIAL_RING))];
        head = 0;
        size = 0;
        for (int i = tmp.length - keep; i < tmp.length; i++) {
            push(tmp[i]);
        }
    }

    void clearWindow() {
        head = 0;
        size = 0;
        fitted = false;
    }

    void addDelta(long d) {
        sampling.add(d);
    }

    /** Median of the recent positive sampling intervals, or 0 when fewer than three are known. */
    long interval(long[] scratch) {
        return sampling.median(scratch);
    }

    /** Writes this state. */
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
        out.writeLong(lastTs);
        out.writeLong(sampling.count());
        sampling.writeDeltas(out);
        out.writeLong(points);
        out.writeLong(gapsFilled);
        out.writeLong(restarts);
        errors.write(out);
        calibrator.write(out);
        out.writeLong(grid);
        out.writeBoolean(fitted);
        out.writeDouble(level);
        out.writeInt(season.length);
        for (double v : season) {
            out.writeDouble(v);
        }
        out.writeInt(sinceRefit);
        out.writeBoolean(provisional != null);
        if (provisional != null) {
            provisional.write(out);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static StlState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version < 1 || version > VERSION) {
            throw new IOException("unknown StlState version " + version + " (this build reads 1 to " + VERSION + ")");
        }
        StlState s = new StlState();
        s.period = in.readInt();
        s.capacity = in.readInt();
        int n = in.readInt();
        if (s.capacity < 1 || n < 0 || n > s.capacity) {
            throw new IOException("corrupt StlState: " + n + " values in a window of " + s.capacity);
        }
        s.ring = new double[Math.max(n, Math.min(s.capacity, INITIAL_RING))];
        for (int i = 0; i < n; i++) {
            s.push(in.readDouble());
        }
        s.lastTs = in.readLong();
        s.sampling = SamplingInterval.read(in.readLong(), in);
        s.points = in.readLong();
        s.gapsFilled = in.readLong();
        s.restarts = in.readLong();
        s.errors = ErrorScale.read(in, "StlState");
        s.calibrator = TailCalibrator.read(in);
        if (version == 1) {
            // no online model yet: the next point refits it from the window
            s.grid = s.size;
            s.fitted = false;
            return s;
        }
        s.grid = in.readLong();
        s.fitted = in.readBoolean();
        s.level = in.readDouble();
        int seasons = in.readInt();
        if (seasons < 0 || seasons > s.capacity) {
            throw new IOException("corrupt StlState: seasonal profile of " + seasons + " phases");
        }
        s.season = new double[seasons];
        for (int i = 0; i < seasons; i++) {
            s.season[i] = in.readDouble();
        }
        s.sinceRefit = in.readInt();
        if (version >= 3 && in.readBoolean()) {
            s.provisional = read(in);
            if (s.provisional.provisional != null || s.provisional.period != 0) {
                throw new IOException("corrupt StlState: a provisional state must be non-seasonal and alone");
            }
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StlState s)) {
            return false;
        }
        double[] a = new double[size];
        double[] b = new double[s.size];
        copyTo(a);
        s.copyTo(b);
        return period == s.period && capacity == s.capacity && Arrays.equals(a, b) && lastTs == s.lastTs
                && sampling.equals(s.sampling) && points == s.points
                && gapsFilled == s.gapsFilled && restarts == s.restarts && errors.equals(s.errors)
                && calibrator.equals(s.calibrator) && grid == s.grid && fitted == s.fitted
                && Double.compare(level, s.level) == 0 && Arrays.equals(season, s.season) && sinceRefit == s.sinceRefit
                && java.util.Objects.equals(provisional, s.provisional);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(points) * 31 + period;
    }
}
