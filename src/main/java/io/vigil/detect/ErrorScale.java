package io.vigil.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The robust scale of a detector's recent one-step forecast errors, which turns an error into a
 * magnitude in error-scale units before calibration: {@code max(1.4826 MAD, 0.25 RMS)} over the
 * last {@link #CAPACITY} errors — the MAD (about zero) for robustness to earlier anomalies, the RMS
 * floor because on quantized or spiky series the MAD is often zero and would blow routine spikes up
 * to enormous magnitudes — floored at {@code 1e-9 |expected|} so floating-point noise on large flat
 * values never scores. Shared by the STL and forecast detectors so that their magnitudes mean the
 * same thing.
 *
 * <p>Per-series state: the errors in a ring (oldest first when written) and, beside it, their
 * absolute values kept sorted, so the median is read in O(1) and an update moves at most
 * {@link #CAPACITY} values instead of running a selection over the whole window on every point.
 * The sorted copy is derived data: it is not written, and {@link #read} rebuilds it. Both arrays
 * start at {@link #INITIAL} values and double up to the capacity, so a series that sends a handful
 * of points holds less than one that has filled the window.
 */
public final class ErrorScale {

    /** Errors kept: the newest 64. */
    public static final int CAPACITY = 64;

    /** Starting length of the arrays: the errors a detector needs before its first verdict. */
    static final int INITIAL = 8;

    private double[] errors = new double[INITIAL];
    /** |errors| of the ring, ascending, in [0, count). */
    private double[] sortedAbs = new double[INITIAL];
    private int head;
    private int count;

    /** Errors held (at most {@link #CAPACITY}). */
    public int count() {
        return count;
    }

    /** Adds the newest error, expiring the oldest when full. */
    public void add(double e) {
        double abs = Math.abs(e);
        if (count == errors.length && count < CAPACITY) {
            // never wrapped before reaching the physical length: errors at [0, count), head == 0
            int grown = Math.min(CAPACITY, 2 * count);
            errors = Arrays.copyOf(errors, grown);
            sortedAbs = Arrays.copyOf(sortedAbs, grown);
            head = count;
        }
        if (count == errors.length) {
            double old = Math.abs(errors[head]);
            int at = lowerBound(old);
            if (at < count && sortedAbs[at] == old) {
                replaceSorted(at, abs);
            } else {
                // only a NaN error escapes the ordering: rebuild rather than corrupt the order
                errors[head] = e;
                head = (head + 1) % errors.length;
                rebuildSorted();
                return;
            }
        } else {
            int at = lowerBound(abs);
            System.arraycopy(sortedAbs, at, sortedAbs, at + 1, count - at);
            sortedAbs[at] = abs;
            count++;
        }
        errors[head] = e;
        head = (head + 1) % errors.length;
    }

    /**
     * The scale of the held errors.
     *
     * <p>The sum of squares runs oldest to newest: a restored state holds the same errors at
     * other ring positions, and a floating-point sum must see them in the same order for the
     * detector to continue bit for bit.
     *
     * @param expected the forecast the scale will be applied to, for the relative floor
     */
    public double scale(double expected) {
        int n = count;
        double sumSq = 0;
        int length = errors.length;
        int start = (head - n + length) % length;
        for (int i = 0; i < n; i++) {
            double e = errors[(start + i) % length];
            sumSq += e * e;
        }
        double mad = 1.4826 * median();
        double rms = Math.sqrt(sumSq / Math.max(1, n));
        double scale = Math.max(Math.max(mad, 0.25 * rms), 1e-9 * Math.abs(expected));
        return scale > 1e-12 ? scale : 1e-12;
    }

    /** Median of the absolute errors (NaN when none is held). */
    double median() {
        int n = count;
        if (n == 0) {
            return Double.NaN;
        }
        int mid = n >>> 1;
        return (n & 1) == 1 ? sortedAbs[mid] : 0.5 * (sortedAbs[mid - 1] + sortedAbs[mid]);
    }

    /** Moves the value at {@code at} to where {@code abs} belongs and writes {@code abs} there. */
    private void replaceSorted(int at, double abs) {
        // the position abs takes once sortedAbs[at] is gone: one memmove between the two places
        int to = lowerBound(abs);
        if (to > at) {
            to--;
            System.arraycopy(sortedAbs, at + 1, sortedAbs, at, to - at);
        } else {
            System.arraycopy(sortedAbs, to, sortedAbs, to + 1, at - to);
        }
        sortedAbs[to] = abs;
    }

    private void rebuildSorted() {
        for (int i = 0; i < count; i++) {
            sortedAbs[i] = Math.abs(errors[i]);
        }
        Arrays.sort(sortedAbs, 0, count);
    }

    /** First index in sortedAbs[0, count) whose value is >= x. */
    private int lowerBound(double x) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sortedAbs[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The held errors, oldest first. */
    public double[] toArray() {
        double[] e = new double[count];
        int start = (head - count + errors.length) % errors.length;
        for (int i = 0; i < count; i++) {
            e[i] = errors[(start + i) % errors.length];
        }
        return e;
    }

    /** Writes the count as a byte, then the errors oldest first (the format both detector states used). */
    public void write(DataOutput out) throws IOException {
        out.writeByte(count);
        int start = (head - count + errors.length) % errors.length;
        for (int i = 0; i < count; i++) {
            out.writeDouble(errors[(start + i) % errors.length]);
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param owner the state being read, for the error message
     */
    public static ErrorScale read(DataInput in, String owner) throws IOException {
        int n = in.readUnsignedByte();
        if (n > CAPACITY) {
            throw new IOException("corrupt " + owner + ": " + n + " forecast errors (at most " + CAPACITY + ")");
        }
        ErrorScale s = new ErrorScale();
        for (int i = 0; i < n; i++) {
            s.add(in.readDouble());
        }
        return s;
    }

    /** Equal when the same errors are held in the same order (ring positions aside). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ErrorScale s && Arrays.equals(toArray(), s.toArray());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toArray());
    }
}
