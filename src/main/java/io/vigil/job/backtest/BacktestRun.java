package io.vigil.job.backtest;

import io.vigil.config.JobSpec;
import io.vigil.io.EventJson;
import io.vigil.io.flink.VigilTypes;
import io.vigil.job.VigilPipeline;
import io.vigil.job.backtest.BacktestInput.InputFile;
import io.vigil.job.backtest.BacktestInput.Row;
import io.vigil.model.DeadLetter;
import io.vigil.model.RawRecord;
import io.vigil.model.ScoredPoint;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Replays history through the streaming job's own operators ({@link VigilPipeline#define}) on a
 * local Flink MiniCluster, in event time, and hands back what the job would have said about every
 * row.
 *
 * <p>How the replay predicts the deployed job: every readable row becomes the JSON record a
 * producer would publish ({@link EventJson#point}), with its file as the topic, the file's index as
 * the partition and the row as the offset, so parse and validation, watermarks, the lateness
 * check, the per-series event-time buffering and the detectors all run exactly as on Kafka input.
 * The rows of all files are merged in event-time order (ties in file and row order) into one
 * bounded file source, the way a live fleet of series publishes them; a row the job would reject
 * comes back as a dead letter with its reason. The end of the input raises the watermark to the
 * end of time, which flushes every buffered point.
 *
 * <p>Results are collected per series in event-time order and matched back to rows by
 * (timestamp, row order); a mismatch is a bug and fails the run rather than mislabelling rows.
 */
public final class BacktestRun {

    /** What the job said about one file: per row, its scored point or why there is none. */
    public record FileResult(InputFile file, ScoredPoint[] scored, String[] rejected) {}

    /** Progress callback: rows answered so far (scored or rejected) and files fully answered. */
    @FunctionalInterface
    public interface Progress {
        void update(long rowsDone, long rowsTotal, int filesDone, int filesTotal);
    }

    private BacktestRun() {}

    /** Runs the backtest of {@code files} under {@code spec} with the given parallelism. */
    public static List<FileResult> run(JobSpec spec, List<InputFile> files, int parallelism, Progress progress)
            throws Exception {
        Path replay = Files.createTempFile("vigil-backtest-", ".jsonl");
        try {
            long readable = writeReplay(files, replay);
            return execute(spec, files, replay, readable, parallelism, progress);
        } finally {
            Files.deleteIfExists(replay);
        }
    }

    /** Writes every readable row as {@code file<TAB>row<TAB>json}, merged in event-time order. */
    private static long writeReplay(List<InputFile> files, Path replay) throws IOException {
        int total = 0;
        for (InputFile f : files) {
            for (Row r : f.rows()) {
                if (r.readable()) {
                    total++;
                }
            }
        }
        long[] order = new long[total]; // (file, row) packed; sorted below by (ts, file, row)
        long[] ts = new long[total];
        int n = 0;
        for (InputFile f : files) {
            List<Row> rows = f.rows();
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).readable()) {
                    order[n] = ((long) f.index() << 32) | i;
                    ts[n] = rows.get(i).ts();
                    n++;
                }
            }
        }
        Integer[] idx = new Integer[total];
        for (int i = 0; i < total; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> ts[a] != ts[b] ? Long.compare(ts[a], ts[b]) : Long.compare(order[a], order[b]));
        try (BufferedWriter w = Files.newBufferedWriter(replay, StandardCharsets.UTF_8)) {
            for (Integer i : idx) {
                int file = (int) (order[i] >>> 32);
                int row = (int) order[i];
                InputFile f = files.get(file);
                w.write(Integer.toString(file));
                w.write('\t');
                w.write(Integer.toString(row));
                w.write('\t');
                w.write(new String(EventJson.point(f.point(f.rows().get(row))), StandardCharsets.UTF_8));
                w.write('\n');
            }
        }
        return total;
    }

    private static List<FileResult> execute(JobSpec spec, List<InputFile> files, Path replay, long readable,
            int parallelism, Progress progress) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING); // the deployed job's mode
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);

        String[] topics = new String[files.size()];
        for (InputFile f : files) {
            topics[f.index()] = f.relativePath();
        }
        FileSource<String> source = FileSource
                .forRecordStreamFormat(new TextLineInputFormat(), new org.apache.flink.core.fs.Path(replay.toUri()))
                .build();
        DataStream<RawRecord> raw = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "backtest replay")
                .setParallelism(1) // one split, read in order: the merged event-time order is kept
                .uid("vigil-backtest-source")
                .map(new ReplayLine(topics), VigilTypes.RAW)
                .setParallelism(1)
                .uid("vigil-backtest-records")
                .name("replayed records");
        VigilPipeline.Outputs out = VigilPipeline.define(raw, spec);
        CloseableIterator<ScoredPoint> scoredIt = out.scored().collectAsync();
        CloseableIterator<DeadLetter> deadIt = out.deadLetters().collectAsync();
        JobClient job = env.executeAsync("vigil backtest: " + spec.name());

        Map<String, Integer> bySeries = new HashMap<>();
        for (InputFile f : files) {
            bySeries.put(f.series(), f.index());
        }
        List<List<ScoredPoint>> scored = new ArrayList<>();
        long[] expected = new long[files.size()];
        for (InputFile f : files) {
            scored.add(new ArrayList<>(f.rows().size()));
            for (Row r : f.rows()) {
                if (r.readable()) {
                    expected[f.index()]++;
                }
            }
        }
        List<DeadLetter> dead = Collections.synchronizedList(new ArrayList<>());
        AtomicLongArray answered = new AtomicLongArray(files.size());
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();

        // both collect sinks must be drained at once, or one fills up and stalls the job
        Thread deadDrain = new Thread(() -> {
            try (deadIt) {
                while (deadIt.hasNext()) {
                    DeadLetter d = deadIt.next();
                    dead.add(d);
                    if (d.partition() >= 0 && d.partition() < files.size()) {
                        answered.incrementAndGet(d.partition());
                    }
                    done.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "backtest-dead-letters");
        deadDrain.setDaemon(true);
        deadDrain.start();

        long lastReport = 0;
        try (scoredIt) {
            while (scoredIt.hasNext()) {
                ScoredPoint p = scoredIt.next();
                Integer f = bySeries.get(p.series());
                if (f == null) {
                    throw new IllegalStateException("backtest: scored point of unknown series " + p.series());
                }
                scored.get(f).add(p);
                answered.incrementAndGet(f);
                long d = done.incrementAndGet();
                long now = System.nanoTime();
                if (progress != null && now - lastReport > 500_000_000L) {
                    lastReport = now;
                    progress.update(d, readable, filesDone(answered, expected), files.size());
                }
            }
        }
        deadDrain.join();
        if (failure.get() != null) {
            throw new IllegalStateException("backtest: collecting dead letters failed", failure.get());
        }
        job.getJobExecutionResult().get();
        if (progress != null) {
            progress.update(done.get(), readable, filesDone(answered, expected), files.size());
        }
        return match(files, scored, dead);
    }

    private static int filesDone(AtomicLongArray answered, long[] expected) {
        int n = 0;
        for (int i = 0; i < expected.length; i++) {
            if (answered.get(i) >= expected[i]) {
                n++;
            }
        }
        return n;
    }

    /** Puts each scored point and dead letter back on its row. */
    private static List<FileResult> match(List<InputFile> files, List<List<ScoredPoint>> scored,
            List<DeadLetter> dead) {
        List<FileResult> out = new ArrayList<>(files.size());
        String[][] rejected = new String[files.size()][];
        for (InputFile f : files) {
            rejected[f.index()] = new String[f.rows().size()];
            List<Row> rows = f.rows();
            for (int i = 0; i < rows.size(); i++) {
                if (!rows.get(i).readable()) {
                    rejected[f.index()][i] = "UNREADABLE: " + rows.get(i).unreadable();
                }
            }
        }
        for (DeadLetter d : dead) {
            if (d.partition() < 0 || d.partition() >= files.size()) {
                throw new IllegalStateException("backtest: dead letter without a source row: " + d.detail());
            }
            rejected[d.partition()][(int) d.offset()] = d.reason() + ": " + d.detail();
        }
        for (InputFile f : files) {
            List<Row> rows = f.rows();
            String[] rej = rejected[f.index()];
            Integer[] order = new Integer[rows.size()];
            int n = 0;
            for (int i = 0; i < rows.size(); i++) {
                if (rej[i] == null) {
                    order[n++] = i;
                }
            }
            Integer[] live = Arrays.copyOf(order, n);
            // the detector scores in event-time order, ties in arrival (= row) order
            Arrays.sort(live, (a, b) -> rows.get(a).ts() != rows.get(b).ts()
                    ? Long.compare(rows.get(a).ts(), rows.get(b).ts()) : Integer.compare(a, b));
            List<ScoredPoint> got = scored.get(f.index());
            if (got.size() != live.length) {
                throw new IllegalStateException("backtest: " + f.relativePath() + ": " + live.length
                        + " rows accepted but " + got.size() + " scored");
            }
            ScoredPoint[] byRow = new ScoredPoint[rows.size()];
            for (int k = 0; k < live.length; k++) {
                ScoredPoint p = got.get(k);
                Row r = rows.get(live[k]);
                if (p.ts() != r.ts()) {
                    throw new IllegalStateException("backtest: " + f.relativePath() + " line " + r.line()
                            + ": scored point at " + p.ts() + " does not match the row's time " + r.ts());
                }
                byRow[live[k]] = p;
            }
            out.add(new FileResult(f, byRow, rej));
        }
        return out;
    }

    /** Parses a replay line back into the raw record a Kafka source would have produced. */
    static final class ReplayLine implements MapFunction<String, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final String[] topics;

        ReplayLine(String[] topics) {
            this.topics = topics;
        }

        @Override
        public RawRecord map(String line) {
            int a = line.indexOf('\t');
            int b = line.indexOf('\t', a + 1);
            int file = Integer.parseInt(line, 0, a, 10);
            long row = Long.parseLong(line, a + 1, b, 10);
            return new RawRecord(topics[file], file, row, -1,
                    line.substring(b + 1).getBytes(StandardCharsets.UTF_8));
        }
    }
}
