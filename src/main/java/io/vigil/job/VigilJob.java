package io.vigil.job;

import io.vigil.config.JobSpec;
import io.vigil.io.KafkaIO;
import io.vigil.io.flink.VigilTypes;
import io.vigil.model.RawRecord;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The streaming job: Kafka in, {@link VigilPipeline}, Kafka out. {@code main} of the cluster jar
 * ends up here through {@code vigil run --job ...}.
 */
public final class VigilJob {

    private VigilJob() {}

    /** The execution environment for a spec: checkpointing on, generic (Kryo) types refused. */
    public static StreamExecutionEnvironment environment(JobSpec spec, Configuration extra) {
        Configuration conf = new Configuration();
        // a type that slipped to Kryo would break state compatibility silently: fail loudly instead
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (extra != null) {
            conf.addAll(extra);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(spec.checkpointInterval().toMillis());
        return env;
    }

    /** Attaches the Kafka source, the pipeline and the Kafka sinks. */
    public static void attach(StreamExecutionEnvironment env, JobSpec spec) {
        attach(env, spec, UnaryOperator.identity());
    }

    /**
     * Attaches the Kafka source, the pipeline and the Kafka sinks, with {@code beforePipeline}
     * applied to the raw records between the source and the pipeline: the seam through which the
     * failure tests inject faults into the real job.
     */
    public static void attach(StreamExecutionEnvironment env, JobSpec spec,
            UnaryOperator<DataStream<RawRecord>> beforePipeline) {
        DataStream<RawRecord> raw = env
                .fromSource(KafkaIO.source(spec.kafka()), WatermarkStrategy.noWatermarks(), "kafka: "
                        + String.join(",", spec.kafka().inputTopics()), VigilTypes.RAW)
                .uid("vigil-kafka-source");
        VigilPipeline.Outputs out = VigilPipeline.define(beforePipeline.apply(raw), spec);
        out.anomalies().sinkTo(KafkaIO.anomalySink(spec))
                .uid("vigil-anomaly-sink").name("kafka: " + spec.kafka().anomalyTopic());
        out.deadLetters().sinkTo(KafkaIO.deadLetterSink(spec))
                .uid("vigil-dead-letter-sink").name("kafka: " + spec.kafka().deadLetterTopic());
        if (spec.kafka().hasCleanedTopic()) {
            out.scored().sinkTo(KafkaIO.cleanedSink(spec))
                    .uid("vigil-cleaned-sink").name("kafka: " + spec.kafka().cleanedTopic());
        }
    }
}
