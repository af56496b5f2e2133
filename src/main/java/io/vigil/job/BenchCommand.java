package io.vigil.job;

import io.vigil.job.local.ThroughputBench;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil bench}: end-to-end throughput and latency, pass-through vs detection, in one run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure the whole job (in-process Kafka + local Flink): events/s and latency for a "
                + "pass-through job, the default detectors and all detectors, at several series counts.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "200000", description = "Events preloaded per series count (default: ${DEFAULT-VALUE})")
    long events;

    @Option(names = "--series", split = ",", defaultValue = "1,1000,100000",
            description = "Series counts (default: ${DEFAULT-VALUE})")
    List<Integer> series;

    @Option(names = "--live-rate", defaultValue = "500", description = "Events/s of the latency phase (default: ${DEFAULT-VALUE})")
    int liveRate;

    @Option(names = "--live-seconds", defaultValue = "6", description = "Seconds of the latency phase (default: ${DEFAULT-VALUE})")
    int liveSeconds;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        if (events < 1 || parallelism < 1 || liveRate < 1 || liveSeconds < 1 || series.stream().anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("--events, --series, --live-rate, --live-seconds and --parallelism "
                    + "must be positive");
        }
        new ThroughputBench(events, series.stream().mapToInt(Integer::intValue).toArray(), liveRate, liveSeconds,
                parallelism, System.out).run();
        return 0;
    }
}
