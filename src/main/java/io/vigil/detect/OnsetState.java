package io.vigil.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The onset memory of one field of one series (kept in {@link SeriesState} as the column
 * {@link #COLUMN}): the rarities (−log10(1 − score)) of its last {@code alerting.onsetWindow}
 * points, newest last, so a point can be judged a new onset — rarer than all of them — in
 * O(window). 4 bytes a point, 80 bytes at the default window.
 */
public final class OnsetState implements DetectorState {

    /** The column name in {@link SeriesState}. */
    public static final String COLUMN = "onset";

    /** Codec version. */
    public static final int VERSION = 1;

    /** The largest onset window. */
    public static final int MAX_WINDOW = 10_000;

    /** Rarity of a one-in-a-thousand point (score 0.999, the detectors' default threshold). */
    static final double ANOMALY_RARITY = 3;

    /** How much rarer (in decades) a point must be than an anomaly in the window before it to be a new onset. */
    static final double ESCALATION_DECADES = 1;

    /** The highest rarity kept: scores closer to 1 than 10⁻¹⁵ are one level. */
    static final double MAX_RARITY = 15;

    private float[] ring;
    private int next;
    private int size;

    OnsetState(int window) {
        ring = new float[Math.max(window, 0)];
    }

    /** −log10(1 − score), capped at {@link #MAX_RARITY}. */
    static double rarity(double score) {
        return score <= 0 ? 0 : Math.min(MAX_RARITY, -Math.log10(Math.max(1 - score, 1e-300)));
    }

    /**
     * Records the field's next score and returns whether it is an onset: above 0, rarer than every
     * score of the window before it, and, if that window held an anomaly, ten times rarer than it.
     */
    boolean advance(int window, double score) {
        if (ring.length != window) {
            resize(window);
        }
        float r = (float) rarity(score);
        float before = 0;
        for (int i = 0; i < size; i++) {
            before = Math.max(before, ring[i]);
        }
        // once the window held an anomaly, a later point is a new onset only if it is ten times rarer:
        // a run that climbs (a spike's second point, a failure getting worse) is one report, not one
        // per point; a margin of 1 decade scored alike for windows of 10 to 50 on the labelled benchmark
        boolean onset = r > 0 && r > (before >= ANOMALY_RARITY ? before + ESCALATION_DECADES : before);
        if (ring.length > 0) {
            ring[next] = r;
            next = next + 1 == ring.length ? 0 : next + 1;
            size = Math.min(size + 1, ring.length);
        }
        return onset;
    }

    /** A changed window (a restarted job with another {@code onsetWindow}) keeps the newest rarities. */
    private void resize(int window) {
        float[] kept = new float[window];
        int n = Math.min(size, window);
        for (int i = 0; i < n; i++) {
            int from = Math.floorMod(next - n + i, Math.max(ring.length, 1));
            kept[i] = ring[from];
        }
        ring = kept;
        size = n;
        next = window == 0 ? 0 : n % window;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeInt(ring.length);
        out.writeInt(size);
        // oldest first, so a read-back state has next = size % length
        for (int i = 0; i < size; i++) {
            out.writeFloat(ring[Math.floorMod(next - size + i, ring.length)]);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static OnsetState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown OnsetState version " + version);
        }
        int length = in.readInt();
        int size = in.readInt();
        if (length < 0 || length > MAX_WINDOW || size < 0 || size > length) {
            throw new IOException("corrupt OnsetState: window " + length + ", size " + size);
        }
        OnsetState s = new OnsetState(length);
        for (int i = 0; i < size; i++) {
            s.ring[i] = in.readFloat();
        }
        s.size = size;
        s.next = length == 0 ? 0 : size % length;
        return s;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OnsetState s) || s.size != size || s.ring.length != ring.length) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (Float.compare(ring[Math.floorMod(next - size + i, ring.length)],
                    s.ring[Math.floorMod(s.next - s.size + i, s.ring.length)]) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return size * 31 + ring.length;
    }
}
