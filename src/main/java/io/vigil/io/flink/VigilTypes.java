package io.vigil.io.flink;

import io.vigil.io.codec.RecordCodecs;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.DeadLetter;
import io.vigil.detect.SeriesState;
import io.vigil.model.InputPoint;
import io.vigil.model.ParsedRecord;
import io.vigil.model.RawRecord;
import io.vigil.model.ScoredPoint;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** The Flink types of the model records, declared once. */
public final class VigilTypes {

    private VigilTypes() {}

    public static final TypeInformation<RawRecord> RAW = CodecTypeInfo.forCodec(RecordCodecs.Raw.class);
    public static final TypeInformation<InputPoint> POINT = CodecTypeInfo.forCodec(RecordCodecs.Point.class);
    public static final TypeInformation<DeadLetter> DEAD_LETTER = CodecTypeInfo.forCodec(RecordCodecs.Dead.class);
    public static final TypeInformation<ScoredPoint> SCORED = CodecTypeInfo.forCodec(RecordCodecs.Scored.class);
    public static final TypeInformation<ParsedRecord> PARSED = CodecTypeInfo.forCodec(RecordCodecs.Parsed.class);
    public static final TypeInformation<SeriesState> SERIES_STATE = CodecTypeInfo.forCodec(RecordCodecs.SeriesStateCodec.class);
    public static final TypeInformation<AnomalyEvent> ANOMALY = CodecTypeInfo.forCodec(RecordCodecs.Anomaly.class);
}
