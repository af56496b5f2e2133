package io.vigil.job;

import io.vigil.config.JobSpec;
import io.vigil.job.backtest.Backtest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil backtest}: replays CSV history through the job's operators and measures it. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = "Replay CSV history through the detection job (same operators, event time) and write "
                + "per-row scores, metrics against labels, charts and an index.html.")
final class BacktestCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, description = "A CSV file or a folder of them (recursive)")
    Path input;

    @Option(names = "--job", description = "Job spec YAML (default: jobs/default.yaml when present, else the built-in defaults)")
    Path job;

    @Option(names = "--out", defaultValue = "out/backtest", description = "Output folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--labels", description = "Anomaly windows in NAB's JSON format (default: labels.json in the "
            + "input folder, or <name>.labels.json beside an input file)")
    Path labels;

    @Option(names = "--detectors", split = ",", description = "Run only these detectors, e.g. stl,forecast")
    List<String> detectors;

    @Option(names = "--nab-threshold", description = "Fixed NAB threshold (default: swept to the best per profile)")
    Double nabThreshold;

    @Option(names = "--parallelism", description = "Detector parallelism (default: the number of cores, at most 4)")
    Integer parallelism;

    @Option(names = "--no-charts", description = "Skip the PNG charts (faster on large folders)")
    boolean noCharts;

    @Override
    public Integer call() throws Exception {
        Path jobFile = job != null ? job : Path.of("jobs/default.yaml");
        JobSpec spec;
        String jobName;
        if (job != null || Files.exists(jobFile)) {
            spec = JobSpec.load(jobFile);
            jobName = jobFile.toString();
        } else {
            spec = JobSpec.defaults();
            jobName = "(built-in defaults)";
        }
        if (detectors != null && !detectors.isEmpty()) {
            spec = spec.withOnlyDetectors(detectors.stream().map(String::trim).toList());
            if (spec.detectors().enabled().isEmpty()) {
                throw new IllegalArgumentException("--detectors " + String.join(",", detectors)
                        + ": none of these is enabled in " + jobName);
            }
        }
        if (nabThreshold != null && !(nabThreshold >= 0 && nabThreshold <= 1)) {
            throw new IllegalArgumentException("--nab-threshold " + nabThreshold + " must be in [0, 1]");
        }
        int p = parallelism != null ? parallelism : Math.min(4, Runtime.getRuntime().availableProcessors());
        if (p < 1) {
            throw new IllegalArgumentException("--parallelism " + p + " must be at least 1");
        }
        Backtest bt = new Backtest(input, jobName, spec, labels, out,
                nabThreshold == null ? OptionalDouble.empty() : OptionalDouble.of(nabThreshold), p, !noCharts);
        Backtest.Outcome o = bt.run(System.err);
        System.out.println();
        System.out.print(o.summary());
        System.out.printf(Locale.ROOT, "%nwrote %s (per-row CSVs, %ssummary.json, summary.md, index.html) in %.1f s%n",
                out, noCharts ? "" : "charts, ", o.facts().wallSeconds());
        return 0;
    }
}
