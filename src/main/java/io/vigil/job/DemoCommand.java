package io.vigil.job;

import io.vigil.job.local.LocalDemo;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil demo}: an in-process broker, a local MiniCluster, a synthetic fleet, anomalies printed. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Vigil end to end on one machine: in-process Kafka, local Flink, a synthetic fleet with planted anomalies.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--job", defaultValue = "jobs/default.yaml", description = "Job spec (default: ${DEFAULT-VALUE})")
    Path job;

    @Option(names = "--follow", description = "Keep running and printing after the summary (Ctrl-C to stop)")
    boolean follow;

    @Option(names = "--seed", defaultValue = "7", description = "Seed of the synthetic fleet (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--days", defaultValue = "14", description = "Days of hourly data per series (default: ${DEFAULT-VALUE})")
    int days;

    @Override
    public Integer call() throws Exception {
        return new LocalDemo(job, seed, days, follow, System.out).run();
    }
}
