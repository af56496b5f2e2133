package io.vigil.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import org.apache.commons.math3.special.Erf;

/**
 * Turns a raw anomaly magnitude (for example |residual z|) into a calibrated score: one minus the
 * tail probability of the magnitude under the series' own recent magnitudes. The same score then
 * means the same rarity in every series and every detector, whatever the raw scale, which is what
 * lets one threshold serve thousands of series.
 *
 * <p>Why not a fixed z cut: on spiky or quantized series the residual scale is tiny and routine
 * spikes reach z of 10^4, while on smooth series the same incident is z of 5. Ranking each value
 * against the series' own history removes that difference.
 *
 * <p>How: the last {@code capacity} magnitudes are kept in a ring (for expiry) and in a sorted copy
 * (for ranks in O(log n) and inserts in O(n) memmove). Below the tail threshold u (the
 * {@code 1 - tailFraction} quantile) the tail probability is empirical; above it, it follows a
 * peaks-over-threshold exponential tail, {@code P(X > x) = q * exp(-(x - u) / sigma)} with sigma
 * the mean excess over u (the generalized Pareto tail with shape 0, as in SPOT, Siffer et al.
 * 2017). The exponential tail keeps ranking points beyond the largest value seen, where a purely
 * empirical rank would saturate at 1 - 1/n. With fewer than {@code minSamples} values the
 * two-sided Gaussian tail of the magnitude is used, so early verdicts are conservative but defined.
 *
 * <p>A value is scored before it is added, so a score depends only on earlier values.
 */
public final class TailCalibrator {

    /** Codec version of {@link #write}. */
    public static final int VERSION = 1;

    /** Smallest mean excess, in units of the magnitude: avoids a cliff when the tail is flat. */
    private static final double MIN_SIGMA = 0.05;

    /** Arrays start this small and double up to the capacity: a new series costs little memory. */
    private static final int INITIAL = 16;

    private final int capacity;
    private double[] ring;
    private double[] sorted;
    private int head;
    private int size;

    /** An empty calibrator that keeps the last {@code capacity} magnitudes. */
    public TailCalibrator(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.ring = new double[Math.min(capacity, INITIAL)];
        this.sorted = new double[ring.length];
    }

    /** Number of magnitudes held. */
    public int size() {
        return size;
    }

    /** Capacity. */
    public int capacity() {
        return capacity;
    }

    /**
     * Probability that a magnitude at least {@code x} occurs, estimated from the held sample.
     *
     * @param x a non-negative magnitude
     * @param minSamples below this sample size, the Gaussian tail is used
     * @param tailFraction share of the sample that forms the tail (e.g. 0.1)
     */
    public double tailProbability(double x, int minSamples, double tailFraction) {
        if (!(x > 0)) {
            return 1.0;
        }
        if (size < minSamples || size < 2) { // a tail needs one value above its threshold
            return Erf.erfc(x / Math.sqrt(2.0));
        }
        int k = tailCount(tailFraction);
        double u = sorted[size - 1 - k];
        if (x > u) {
            double q = (double) k / size;
            return Math.min(1.0, q * Math.exp(-(x - u) / sigma(k, u)));
        }
        int atLeast = size - lowerBound(x);
        return Math.min(1.0, (atLeast + 1.0) / (size + 1.0));
    }

    /** Calibrated score in [0, 1]: one minus {@link #tailProbability}. */
    public double score(double x, int minSamples, double tailFraction) {
        return 1.0 - tailProbability(x, minSamples, tailFraction);
    }

    /**
     * The smallest magnitude whose tail probability is at most {@code p}: the inverse of
     * {@link #tailProbability}, used to draw the band a threshold implies.
     */
    public double magnitudeFor(double p, int minSamples, double tailFraction) {
        if (p >= 1.0) {
            return 0.0;
        }
        if (size < minSamples || size < 2) { // a tail needs one value above its threshold
            return Math.sqrt(2.0) * Erf.erfcInv(p);
        }
        int k = tailCount(tailFraction);
        double u = sorted[size - 1 - k];
        double q = (double) k / size;
        if (p < q) {
            return u + sigma(k, u) * Math.log(q / p);
        }
        // empirical part: (atLeast + 1) / (size + 1) <= p
        int atLeast = (int) Math.floor(p * (size + 1.0) - 1.0);
        atLeast = Math.max(0, Math.min(size - 1, atLeast));
        return sorted[size - 1 - atLeast];
    }

    /** Adds a magnitude, expiring the oldest when full. */
    public void add(double x) {
        if (!Double.isFinite(x)) {
            return; // a non-finite magnitude would break every later rank
        }
        if (size == ring.length && ring.length < capacity) {
            // not yet at capacity and never wrapped: the values sit at [0, size), head == 0
            int grown = (int) Math.min(capacity, 2L * ring.length);
            ring = Arrays.copyOf(ring, grown);
            sorted = Arrays.copyOf(sorted, grown);
            head = size;
        }
        if (size == ring.length) {
            // Full: the oldest value leaves and x enters in one memmove of the values between
            // their two places (a third of the sample on average) instead of one memmove to
            // close the gap and another to open one (the whole sample). Same array either way.
            int out = lowerBound(ring[head]);
            int in = lowerBound(x);
            if (in > out) {
                in--;
                System.arraycopy(sorted, out + 1, sorted, out, in - out);
            } else {
                System.arraycopy(sorted, in, sorted, in + 1, out - in);
            }
            sorted[in] = x;
        } else {
            int at = lowerBound(x);
            System.arraycopy(sorted, at, sorted, at + 1, size - at);
            sorted[at] = x;
            size++;
        }
        ring[head] = x;
        head = (head + 1) % ring.length;
    }

    private int tailCount(double tailFraction) {
        return Math.max(1, Math.min(size - 1, (int) Math.ceil(tailFraction * size)));
    }

    private double sigma(int k, double u) {
        double sum = 0;
        for (int i = size - k; i < size; i++) {
            sum += sorted[i] - u;
        }
        return Math.max(MIN_SIGMA, sum / k);
    }

    /** First index in sorted[0, size) whose value is >= x. */
    private int lowerBound(double x) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Writes the held magnitudes, oldest first. */
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(capacity);
        out.writeInt(size);
        int start = (head - size + ring.length) % ring.length;
        for (int i = 0; i < size; i++) {
            out.writeDouble(ring[(start + i) % ring.length]);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static TailCalibrator read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown TailCalibrator state version " + version);
        }
        TailCalibrator c = new TailCalibrator(in.readInt());
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            c.add(in.readDouble());
        }
        return c;
    }

    /** A copy with the same content. */
    public TailCalibrator copy() {
        TailCalibrator c = new TailCalibrator(capacity);
        c.ring = ring.clone();
        c.sorted = sorted.clone();
        c.head = head;
        c.size = size;
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TailCalibrator c) || c.size != size || c.capacity != capacity) {
            return false;
        }
        return Arrays.equals(sorted, 0, size, c.sorted, 0, size);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(Arrays.copyOf(sorted, size));
    }
}
