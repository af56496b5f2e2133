package io.vigil.job;

import io.vigil.config.ConfigException;
import io.vigil.job.cluster.ClusterException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of Vigil: {@code run} (the job, also what {@code flink run} calls),
 * {@code demo}, {@code backtest}, {@code publish} and {@code consume}, and the deployment path:
 * {@code cluster start|stop|status}, {@code deploy} and {@code stop}.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0",
        description = "Streaming anomaly detection for time series on Apache Flink.",
        subcommands = {RunCommand.class, DemoCommand.class, BacktestCommand.class, BenchCommand.class, PublishCommand.class,
                ConsumeCommand.class, ClusterCommand.class, DeployCommand.class, StopCommand.class})
public final class VigilCli {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("vigil: " + e.getMessage());
                return 2;
            }
            if (e instanceof ClusterException) {
                // a port in use, a refused request, a process that exited: the message says what to do
                cmd.getErr().println("vigil: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        int code = cli.execute(args);
        // Only the ./vigil launcher (-Dvigil.exit=true) may end the JVM: under `flink run` main runs
        // in the Flink client, and under the REST API's /jars/:id/run inside the JobManager itself,
        // where System.exit would take the cluster down. There a failure is an exception instead.
        if (Boolean.getBoolean("vigil.exit")) {
            System.exit(code);
        } else if (code != 0) {
            throw new IllegalStateException("vigil " + String.join(" ", args) + " failed (exit code " + code + ")");
        }
    }
}
