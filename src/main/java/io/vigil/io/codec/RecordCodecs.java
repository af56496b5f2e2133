package io.vigil.io.codec;

import static io.vigil.io.codec.Codecs.readBytes;
import static io.vigil.io.codec.Codecs.readDoubleMap;
import static io.vigil.io.codec.Codecs.readString;
import static io.vigil.io.codec.Codecs.readStringList;
import static io.vigil.io.codec.Codecs.readStringMap;
import static io.vigil.io.codec.Codecs.writeBytes;
import static io.vigil.io.codec.Codecs.writeDoubleMap;
import static io.vigil.io.codec.Codecs.writeString;
import static io.vigil.io.codec.Codecs.writeStringList;
import static io.vigil.io.codec.Codecs.writeStringMap;

import io.vigil.detect.SeriesState;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.DeadLetter;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ParsedRecord;
import io.vigil.model.RawRecord;
import io.vigil.model.ScoredPoint;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Codecs of the model records, as they travel between Flink operators (and sit in buffers in state). */
public final class RecordCodecs {

    private RecordCodecs() {}

    /** {@link RawRecord}. */
    public static final class Raw implements BinaryCodec<RawRecord> {
        @Override public Class<RawRecord> type() { return RawRecord.class; }

        @Override
        public void write(RawRecord r, DataOutput out) throws IOException {
            writeString(out, r.topic());
            out.writeInt(r.partition());
            out.writeLong(r.offset());
            out.writeLong(r.timestamp());
            writeBytes(out, r.payload());
        }

        @Override
        public RawRecord read(DataInput in) throws IOException {
            return new RawRecord(readString(in), in.readInt(), in.readLong(), in.readLong(), readBytes(in));
        }
    }

    /** {@link InputPoint}. Version byte first: points are buffered in keyed state while out of order. */
    public static final class Point implements BinaryCodec<InputPoint> {
        static final int VERSION = 1;

        @Override public Class<InputPoint> type() { return InputPoint.class; }

        @Override
        public void write(InputPoint p, DataOutput out) throws IOException {
            out.writeByte(VERSION);
            writeString(out, p.series());
            out.writeLong(p.ts());
            out.writeInt(p.fields().length);
            for (int i = 0; i < p.fields().length; i++) {
                writeString(out, p.fields()[i]);
                out.writeDouble(p.values()[i]);
            }
            writeStringMap(out, p.tags());
        }

        @Override
        public InputPoint read(DataInput in) throws IOException {
            int v = in.readUnsignedByte();
            if (v != VERSION) {
                throw new IOException("unknown InputPoint encoding version " + v);
            }
            String series = readString(in);
            long ts = in.readLong();
            int n = in.readInt();
            String[] f = new String[n];
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                f[i] = readString(in);
                x[i] = in.readDouble();
            }
            return new InputPoint(series, ts, f, x, readStringMap(in));
        }
    }

    /** {@link DeadLetter}. */
    public static final class Dead implements BinaryCodec<DeadLetter> {
        @Override public Class<DeadLetter> type() { return DeadLetter.class; }

        @Override
        public void write(DeadLetter d, DataOutput out) throws IOException {
            out.writeByte(d.reason().ordinal());
            writeString(out, d.detail());
            writeString(out, d.topic());
            out.writeInt(d.partition());
            out.writeLong(d.offset());
            writeBytes(out, d.payload());
        }

        @Override
        public DeadLetter read(DataInput in) throws IOException {
            return new DeadLetter(DeadLetter.Reason.values()[in.readUnsignedByte()], readString(in), readString(in),
                    in.readInt(), in.readLong(), readBytes(in));
        }
    }

    /** {@link ScoredPoint}. */
    public static final class Scored implements BinaryCodec<ScoredPoint> {
        private final Anomaly anomaly = new Anomaly();

        @Override public Class<ScoredPoint> type() { return ScoredPoint.class; }

        @Override
        public void write(ScoredPoint p, DataOutput out) throws IOException {
            writeString(out, p.series());
            out.writeLong(p.ts());
            out.writeInt(p.fields().size());
            for (FieldScore f : p.fields()) {
                writeString(out, f.field());
                out.writeDouble(f.value());
                out.writeBoolean(f.ready());
                out.writeDouble(f.score());
                out.writeDouble(f.onset());
                out.writeBoolean(f.anomaly());
                out.writeDouble(f.expected());
                out.writeDouble(f.lower());
                out.writeDouble(f.upper());
                out.writeDouble(f.corrected());
                writeDoubleMap(out, f.detectors());
                writeStringList(out, f.fired());
                writeString(out, f.explanation());
            }
            writeStringMap(out, p.tags());
            out.writeLong(p.modelVersion());
            out.writeInt(p.events().size());
            for (AnomalyEvent e : p.events()) {
                anomaly.write(e, out);
            }
            out.writeInt(p.suppressed());
        }

        @Override
        public ScoredPoint read(DataInput in) throws IOException {
            String series = readString(in);
            long ts = in.readLong();
            int n = in.readInt();
            List<FieldScore> fields = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                fields.add(new FieldScore(readString(in), in.readDouble(), in.readBoolean(), in.readDouble(),
                        in.readDouble(), in.readBoolean(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
                        readDoubleMap(in), readStringList(in), readString(in)));
            }
            Map<String, String> tags = readStringMap(in);
            long version = in.readLong();
            int ne = in.readInt();
            List<AnomalyEvent> events = new ArrayList<>(ne);
            for (int i = 0; i < ne; i++) {
                events.add(anomaly.read(in));
            }
            return new ScoredPoint(series, ts, fields, tags, version, events, in.readInt());
        }
    }

    /** {@link AnomalyEvent}. */
    public static final class Anomaly implements BinaryCodec<AnomalyEvent> {
        @Override public Class<AnomalyEvent> type() { return AnomalyEvent.class; }

        @Override
        public void write(AnomalyEvent e, DataOutput out) throws IOException {
            writeString(out, e.series());
            out.writeLong(e.ts());
            writeString(out, e.field());
            out.writeDouble(e.value());
            out.writeDouble(e.expected());
            out.writeDouble(e.lower());
            out.writeDouble(e.upper());
            out.writeDouble(e.score());
            writeString(out, e.severity());
            writeString(out, e.direction());
            out.writeDouble(e.importance());
            writeDoubleMap(out, e.detectors());
            writeString(out, e.kind());
            out.writeLong(e.start());
            out.writeLong(e.end());
            writeString(out, e.status());
            out.writeInt(e.points());
            out.writeDouble(e.corrected());
            writeString(out, e.explanation());
            out.writeLong(e.modelVersion());
            writeStringMap(out, e.tags());
        }

        @Override
        public AnomalyEvent read(DataInput in) throws IOException {
            return new AnomalyEvent(readString(in), in.readLong(), readString(in), in.readDouble(), in.readDouble(),
                    in.readDouble(), in.readDouble(), in.readDouble(), readString(in), readString(in),
                    in.readDouble(), readDoubleMap(in), readString(in), in.readLong(), in.readLong(),
                    readString(in), in.readInt(), in.readDouble(), readString(in), in.readLong(), readStringMap(in));
        }
    }

    /** {@link ParsedRecord}. */
    public static final class Parsed implements BinaryCodec<ParsedRecord> {
        private final Point point = new Point();
        private final Raw raw = new Raw();

        @Override public Class<ParsedRecord> type() { return ParsedRecord.class; }

        @Override
        public void write(ParsedRecord r, DataOutput out) throws IOException {
            point.write(r.point(), out);
            raw.write(r.raw(), out);
        }

        @Override
        public ParsedRecord read(DataInput in) throws IOException {
            return new ParsedRecord(point.read(in), raw.read(in));
        }
    }

    /** {@link SeriesState}, the keyed state of the detector operator (mutable: copies are deep). */
    public static final class SeriesStateCodec implements BinaryCodec<SeriesState> {
        @Override public Class<SeriesState> type() { return SeriesState.class; }

        @Override public boolean immutable() { return false; }

        @Override
        public void write(SeriesState s, DataOutput out) throws IOException {
            s.write(out);
        }

        @Override
        public SeriesState read(DataInput in) throws IOException {
            return SeriesState.read(in);
        }
    }
}
