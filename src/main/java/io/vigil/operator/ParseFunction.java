package io.vigil.operator;

import io.vigil.config.JobSpec.LimitsSpec;
import io.vigil.io.PointParser;
import io.vigil.io.flink.VigilTypes;
import io.vigil.model.DeadLetter;
import io.vigil.model.ParsedRecord;
import io.vigil.model.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses and validates raw records. Valid points go on; invalid ones go to the dead-letter side
 * output with their reason and are counted ({@code deadLetters} and {@code deadLetters.<REASON>}).
 * Never throws on input: a bad record must not restart the job.
 */
public final class ParseFunction extends ProcessFunction<RawRecord, ParsedRecord> {

    private static final long serialVersionUID = 1L;

    /** Dead letters of parsing and of the lateness check. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", VigilTypes.DEAD_LETTER);

    private final PointParser parser;
    private transient Counter records;
    private transient Counter deadLetters;
    private transient Counter[] byReason;

    public ParseFunction(LimitsSpec limits) {
        this.parser = new PointParser(limits);
    }

    @Override
    public void open(OpenContext ctx) {
        records = getRuntimeContext().getMetricGroup().counter("recordsParsed");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        DeadLetter.Reason[] reasons = DeadLetter.Reason.values();
        byReason = new Counter[reasons.length];
        for (DeadLetter.Reason r : reasons) {
            byReason[r.ordinal()] = getRuntimeContext().getMetricGroup().addGroup("deadLetters").counter(r.name());
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ParsedRecord> out) {
        records.inc();
        PointParser.Result r = parser.parse(raw);
        if (r.ok()) {
            out.collect(new ParsedRecord(r.point(), raw));
        } else {
            deadLetters.inc();
            byReason[r.deadLetter().reason().ordinal()].inc();
            ctx.output(DEAD_LETTERS, r.deadLetter());
        }
    }
}
