package io.vigil.job.backtest;

import io.vigil.config.JobSpec;
import io.vigil.eval.CorpusMetrics;
import io.vigil.job.backtest.BacktestInput.InputFile;
import io.vigil.job.backtest.BacktestRun.FileResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A whole backtest: read the history, replay it through the job ({@link BacktestRun}), write the
 * per-row CSVs, charts, summary and index ({@link BacktestReport}). What {@code vigil backtest}
 * runs, and what the tests run.
 *
 * @param input a CSV file or a folder of them
 * @param jobFile the job spec file (for the summary; the spec itself is {@code spec})
 * @param spec the job spec, already limited to the chosen detectors
 * @param labels a windows file, or null for the default places (see {@link BacktestInput})
 * @param out output folder
 * @param nabThreshold the NAB threshold, or empty to sweep it
 * @param parallelism detector parallelism of the local run
 * @param charts whether to draw the PNG charts
 */
public record Backtest(Path input, String jobFile, JobSpec spec, Path labels, Path out, OptionalDouble nabThreshold,
        int parallelism, boolean charts) {

    /** The outcome: per-file results, the metrics (empty without labels) and the summary text. */
    public record Outcome(List<FileResult> files, List<CorpusMetrics> metrics, String summary,
            BacktestReport.RunFacts facts) {}

    /** Runs it; progress lines go to {@code progress} (may be null). */
    public Outcome run(PrintStream progress) throws Exception {
        long started = System.nanoTime();
        List<InputFile> files = BacktestInput.read(input, labels);
        long rows = BacktestInput.rows(files);
        if (progress != null) {
            progress.printf(Locale.ROOT, "backtest: %d files, %d rows; replaying through the job on a local "
                    + "Flink MiniCluster ...%n", files.size(), rows);
        }
        List<FileResult> results = BacktestRun.run(spec, files, parallelism, progress == null ? null
                : (done, total, filesDone, filesTotal) -> progress(progress, started, done, total, filesDone,
                        filesTotal));
        if (progress != null) {
            progress.println();
        }
        List<String> detectors = spec.detectors().enabled();
        BacktestReport report = new BacktestReport(out, detectors);
        for (FileResult r : results) {
            report.writeRows(r);
            if (charts) {
                report.writeChart(r);
            }
        }
        Map<String, Double> thresholds = BacktestReport.thresholds(spec.detectors());
        List<CorpusMetrics> metrics = report.evaluate(results, thresholds, nabThreshold);
        double wall = (System.nanoTime() - started) / 1e9;
        long labelled = files.stream().filter(InputFile::labelled).count();
        BacktestReport.RunFacts facts = new BacktestReport.RunFacts(input.toString(), jobFile,
                labelsUsed(files), detectors, thresholds,
                nabThreshold.isPresent() ? "given: " + nabThreshold.getAsDouble() : "swept per profile (best corpus-wide)",
                files.size(), rows, labelled, BacktestReport.rejectedCounts(results), wall, rows / Math.max(wall, 1e-9),
                parallelism);
        String md = report.writeSummary(facts, metrics);
        report.writeIndex(md, results);
        return new Outcome(results, metrics, md, facts);
    }

    private String labelsUsed(List<InputFile> files) {
        if (labels != null) {
            return labels.toString();
        }
        boolean windows = files.stream().anyMatch(f -> f.windows() != null);
        if (!windows) {
            return null;
        }
        return java.nio.file.Files.isDirectory(input) ? input.resolve("labels.json").toString()
                : input.resolveSibling(input.getFileName().toString().replaceFirst("\\.csv$", "") + ".labels.json")
                        .toString();
    }

    private static void progress(PrintStream out, long started, long done, long total, int filesDone,
            int filesTotal) {
        double secs = (System.nanoTime() - started) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        double left = rate > 0 ? (total - done) / rate : Double.NaN;
        out.printf(Locale.ROOT, "\r  %d/%d files, %d/%d rows, %.0f rows/s, %s left   ", filesDone, filesTotal, done,
                total, rate, Double.isNaN(left) ? "?" : String.format(Locale.ROOT, "%.0f s", left));
        out.flush();
    }
}
