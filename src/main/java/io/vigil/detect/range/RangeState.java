package io.vigil.detect.range;

import io.vigil.detect.DetectorState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What the range check remembers about one field: the lowest and highest value seen, how many
 * points, and when the last new extreme was set. 33 bytes; O(1) per point.
 */
public final class RangeState implements DetectorState {

    /** Codec version. */
    public static final int VERSION = 1;

    static final long NEVER = Long.MIN_VALUE;

    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long points;
    /** Point count at the last new extreme set after the check was armed; {@link #NEVER} if none. */
    long lastExtreme = NEVER;

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public long points() {
        return points;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeDouble(min);
        out.writeDouble(max);
        out.writeLong(points);
        out.writeLong(lastExtreme);
    }

    /** Reads what {@link #write} wrote. */
    public static RangeState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown RangeState version " + version);
        }
        RangeState s = new RangeState();
        s.min = in.readDouble();
        s.max = in.readDouble();
        s.points = in.readLong();
        s.lastExtreme = in.readLong();
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangeState s && Double.compare(min, s.min) == 0 && Double.compare(max, s.max) == 0
                && points == s.points && lastExtreme == s.lastExtreme;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(points) * 31 + Double.hashCode(max);
    }
}
