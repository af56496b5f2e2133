package io.vigil.detect;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The alerting memory of one field of one series (kept in {@link SeriesState} as the column
 * {@link #COLUMN}): the open incident, if any — its extent, how many normal points have followed
 * it, and its peak point — and when the last incident ended (for the cooldown). Small, and empty
 * most of the time.
 */
public final class IncidentState implements DetectorState {

    /** The column name in {@link SeriesState}. */
    public static final String COLUMN = "incident";

    /** Codec version. */
    public static final int VERSION = 1;

    static final long NONE = Long.MIN_VALUE;

    long start = NONE;
    long end = NONE;
    int points;
    int normalRun;
    long lastClosedEnd = NONE;
    // the peak (highest combined score) of the open incident
    long peakTs;
    double peakValue;
    double peakExpected;
    double peakLower;
    double peakUpper;
    double peakScore;
    double peakCorrected;
    String peakExplanation = "";
    Map<String, Double> peakDetectors = Map.of();

    /** Whether an incident is open. */
    public boolean open() {
        return start != NONE;
    }

    @Override
    public void write(DataOutput out) throws IOException {
        out.writeByte(VERSION);
        out.writeLong(start);
        out.writeLong(end);
        out.writeInt(points);
        out.writeInt(normalRun);
        out.writeLong(lastClosedEnd);
        if (open()) {
            out.writeLong(peakTs);
            out.writeDouble(peakValue);
            out.writeDouble(peakExpected);
            out.writeDouble(peakLower);
            out.writeDouble(peakUpper);
            out.writeDouble(peakScore);
            out.writeDouble(peakCorrected);
            out.writeUTF(peakExplanation.length() > 16_000 ? peakExplanation.substring(0, 16_000) : peakExplanation);
            out.writeShort(peakDetectors.size());
            for (Map.Entry<String, Double> d : peakDetectors.entrySet()) {
                out.writeUTF(d.getKey());
                out.writeDouble(d.getValue());
            }
        }
    }

    /** Reads what {@link #write} wrote. */
    public static IncidentState read(DataInput in) throws IOException {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("unknown IncidentState version " + version);
        }
        IncidentState s = new IncidentState();
        s.start = in.readLong();
        s.end = in.readLong();
        s.points = in.readInt();
        s.normalRun = in.readInt();
        s.lastClosedEnd = in.readLong();
        if (s.open()) {
            s.peakTs = in.readLong();
            s.peakValue = in.readDouble();
            s.peakExpected = in.readDouble();
            s.peakLower = in.readDouble();
            s.peakUpper = in.readDouble();
            s.peakScore = in.readDouble();
            s.peakCorrected = in.readDouble();
            s.peakExplanation = in.readUTF();
            int n = in.readUnsignedShort();
            Map<String, Double> detectors = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                detectors.put(in.readUTF(), in.readDouble());
            }
            s.peakDetectors = detectors;
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IncidentState s && start == s.start && end == s.end && points == s.points
                && normalRun == s.normalRun && lastClosedEnd == s.lastClosedEnd
                && (!open() || (peakTs == s.peakTs && Double.compare(peakValue, s.peakValue) == 0
                        && Double.compare(peakScore, s.peakScore) == 0
                        && Double.compare(peakExpected, s.peakExpected) == 0
                        && Double.compare(peakLower, s.peakLower) == 0
                        && Double.compare(peakUpper, s.peakUpper) == 0
                        && Double.compare(peakCorrected, s.peakCorrected) == 0
                        && peakExplanation.equals(s.peakExplanation) && peakDetectors.equals(s.peakDetectors)));
    }

    @Override
    public int hashCode() {
        return Objects.hash(start, end, points, normalRun, lastClosedEnd);
    }
}
