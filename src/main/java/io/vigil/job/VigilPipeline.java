package io.vigil.job;

import io.vigil.config.JobSpec;
import io.vigil.io.flink.VigilTypes;
import io.vigil.model.AnomalyEvent;
import io.vigil.model.DeadLetter;
import io.vigil.model.InputPoint;
import io.vigil.model.ParsedRecord;
import io.vigil.model.RawRecord;
import io.vigil.model.ScoredPoint;
import io.vigil.operator.DetectorFunction;
import io.vigil.operator.LatenessFilter;
import io.vigil.operator.ParseFunction;
import io.vigil.operator.ToAnomalies;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The detection pipeline as a function of streams: raw records in, scored points, anomalies and
 * dead letters out. It knows nothing of Kafka or files — the streaming job attaches Kafka, the
 * backtest attaches CSV files, the tests attach whatever they like — so every entry point runs the
 * very same operators.
 *
 * <p>Operator uids are part of the savepoint contract: never rename them.
 */
public final class VigilPipeline {

    private VigilPipeline() {}

    /** The pipeline's outputs. */
    public record Outputs(DataStream<ScoredPoint> scored, DataStream<AnomalyEvent> anomalies,
            DataStream<DeadLetter> deadLetters) {}

    /** Wires the pipeline onto a stream of raw records. */
    public static Outputs define(DataStream<RawRecord> raw, JobSpec spec) {
        SingleOutputStreamOperator<ParsedRecord> parsed = raw
                .process(new ParseFunction(spec.limits()), VigilTypes.PARSED)
                .uid("vigil-parse")
                .name("parse + validate");

        WatermarkStrategy<ParsedRecord> watermarks = WatermarkStrategy
                .<ParsedRecord>forBoundedOutOfOrderness(spec.time().maxOutOfOrderness())
                .withTimestampAssigner((r, previous) -> r.point().ts());
        if (!spec.time().idleness().isZero()) {
            watermarks = watermarks.withIdleness(spec.time().idleness());
        }
        SingleOutputStreamOperator<InputPoint> points = parsed
                .assignTimestampsAndWatermarks(watermarks)
                .uid("vigil-watermarks")
                .name("event time")
                .process(new LatenessFilter(spec.time().allowedLateness().toMillis()), VigilTypes.POINT)
                .uid("vigil-lateness")
                .name("lateness check");


        SingleOutputStreamOperator<ScoredPoint> scored = points
                .keyBy(InputPoint::series, Types.STRING)
                .process(new DetectorFunction(spec), VigilTypes.SCORED)
                .uid("vigil-detectors")
                .name("detectors");

        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseFunction.DEAD_LETTERS)
                .union(points.getSideOutput(ParseFunction.DEAD_LETTERS), scored.getSideOutput(ParseFunction.DEAD_LETTERS));

        DataStream<AnomalyEvent> anomalies = scored
                .flatMap(new ToAnomalies(), VigilTypes.ANOMALY)
                .uid("vigil-anomalies")
                .name("anomaly events");

        return new Outputs(scored, anomalies, deadLetters);
    }
}
