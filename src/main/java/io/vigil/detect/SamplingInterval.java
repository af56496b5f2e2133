package io.vigil.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The sampling interval of a series as the detectors with a time grid see it (STL, the
 * forecaster, the autoencoder's windows): the median of the last {@link #SIZE} positive timestamp
 * differences. Part of those detectors' states; one class so the three agree on it and on its
 * encoding (a count, then the {@link #SIZE} differences).
 */
public final class SamplingInterval {

    /** Timestamp differences kept. */
    public static final int SIZE = 9;

    private final long[] deltas = new long[SIZE];
    /** Differences seen, folded into [0, 2 × SIZE): below SIZE it counts them, and mod SIZE it is the next slot. */
    private int count;

    /** Records the next positive timestamp difference. */
    public void add(long delta) {
        deltas[count % SIZE] = delta;
        count = count + 1 == 2 * SIZE ? SIZE : count + 1;
    }

    /**
     * The median of the recent differences, or 0 while fewer than three are known. {@code scratch}
     * (at least {@link #SIZE} long) spares an allocation per event.
     */
    public long median(long[] scratch) {
        int n = Math.min(count, SIZE);
        if (n < 3) {
            return 0;
        }
        System.arraycopy(deltas, 0, scratch, 0, n);
        Arrays.sort(scratch, 0, n);
        return scratch[n / 2];
    }

    /** The count to write before {@link #writeDeltas}: below 2 × {@link #SIZE}, so it fits a byte. */
    public int count() {
        return count;
    }

    /** Writes the {@link #SIZE} differences (the count is the caller's to write, as a long or a byte). */
    public void writeDeltas(DataOutput out) throws IOException {
        for (long d : deltas) {
            out.writeLong(d);
        }
    }

    /**
     * Reads the differences {@link #writeDeltas} wrote after a count; any non-negative count is
     * accepted (earlier releases wrote the raw number of differences seen).
     */
    public static SamplingInterval read(long count, DataInput in) throws IOException {
        if (count < 0) {
            throw new IOException("corrupt sampling interval: count " + count);
        }
        SamplingInterval s = new SamplingInterval();
        s.count = (int) (count < SIZE ? count : SIZE + count % SIZE);
        for (int i = 0; i < SIZE; i++) {
            s.deltas[i] = in.readLong();
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SamplingInterval s && count == s.count && Arrays.equals(deltas, s.deltas);
    }

    @Override
    public int hashCode() {
        return count * 31 + Arrays.hashCode(deltas);
    }
}
