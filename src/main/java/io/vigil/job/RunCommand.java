package io.vigil.job;

import io.vigil.config.JobSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the streaming job of a job spec: on a cluster under {@code flink run}, else on a local MiniCluster. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the detection job of a job spec (Kafka in, anomalies out).")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--job", required = true, description = "Job spec YAML, e.g. jobs/default.yaml")
    Path job;

    @Option(names = "--bootstrap", description = "Override kafka.bootstrapServers")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        JobSpec spec = JobSpec.load(job);
        if (bootstrap != null) {
            spec = spec.withBootstrapServers(bootstrap);
        }
        StreamExecutionEnvironment env = VigilJob.environment(spec, null);
        VigilJob.attach(env, spec);
        env.execute("vigil: " + spec.name());
        return 0;
    }
}
