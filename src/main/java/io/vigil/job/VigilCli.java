package io.vigil.job;

import io.vigil.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of Vigil: {@code run} (the job, also what {@code flink run} calls),
 * {@code demo}, {@code backtest}, {@code publish} and {@code consume}.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, version = "vigil 0.1.0",
        description = "Streaming anomaly detection for time series on Apache Flink.",
        subcommands = {RunCommand.class, DemoCommand.class, BacktestCommand.class, PublishCommand.class,
                ConsumeCommand.class})
public final class VigilCli {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
                cmd.getErr().println("vigil: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        int code = cli.execute(args);
        // flink run calls main in a client JVM that must not exit; only a standalone launch exits
        if (code != 0 || System.getProperty("vigil.exit", "true").equals("true")) {
            System.exit(code);
        }
    }
}
