package io.vigil.job;

import io.vigil.job.cluster.ClusterException;
import io.vigil.job.cluster.FlinkRestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil stop}: stops a running job with a savepoint through Flink's REST API and prints the
 * savepoint's path, from which {@code vigil deploy --savepoint} starts the same or an upgraded job
 * with its per-series state.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = "Stop a job with a savepoint (REST API) and print the savepoint path, for deploy --savepoint.")
final class StopCommand implements Callable<Integer> {

    static final class Which {
        @Option(names = "--job-id", description = "The job's id (as deploy printed it)")
        String jobId;

        @Option(names = "--name", description = "The job spec's name, e.g. vigil-default (the job is named 'vigil: <name>')")
        String name;
    }

    @ArgGroup(exclusive = true)
    Which which = new Which();

    @Option(names = "--savepoint", description = "Savepoint directory (default: the cluster's "
            + "execution.checkpointing.savepoint-dir; target/cluster/savepoints on the local cluster)")
    String savepointDir;

    @Option(names = "--drain", description = "Flush event time to the end first (ends the stream; not for upgrades)")
    boolean drain;

    @Option(names = "--rest", description = "Flink REST endpoint (default: the local cluster's, else http://localhost:8081)")
    String rest;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the savepoint (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Override
    public Integer call() {
        FlinkRestClient client = new FlinkRestClient(rest != null ? rest : DeployCommand.defaultRest());
        String id = jobId(client);
        // a plain path is a directory of this machine (the local cluster's JobManager shares it);
        // anything with a scheme (s3://, hdfs://, file://) goes to the cluster as it is
        String target = savepointDir == null ? null
                : savepointDir.contains("://") ? savepointDir : Path.of(savepointDir).toAbsolutePath().normalize().toUri().toString();
        System.out.println("stopping job " + id + " with a savepoint" + (target != null ? " in " + target : "") + " ...");
        String location = client.stopWithSavepoint(id, target, drain, Duration.ofSeconds(timeoutSeconds));
        System.out.println("savepoint: " + location);
        System.out.println("resume or upgrade: ./vigil deploy --job <spec> --savepoint " + location);
        return 0;
    }

    private String jobId(FlinkRestClient client) {
        if (which.jobId != null) {
            return which.jobId;
        }
        List<FlinkRestClient.JobSummary> active = client.jobs().stream().filter(FlinkRestClient.JobSummary::active)
                .filter(j -> which.name == null || j.name().equals(which.name) || j.name().equals("vigil: " + which.name))
                .toList();
        if (active.size() == 1) {
            return active.get(0).id();
        }
        String listed = active.stream().map(j -> j.id() + " " + j.name()).collect(Collectors.joining(", "));
        throw new ClusterException(active.isEmpty()
                ? "no running job" + (which.name != null ? " named " + which.name : "") + " at " + client.baseUrl()
                : "several running jobs (" + listed + "): choose one with --job-id or --name");
    }
}
