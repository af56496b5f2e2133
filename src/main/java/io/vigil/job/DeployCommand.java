package io.vigil.job;

import io.vigil.config.JobSpec;
import io.vigil.job.cluster.FlinkRestClient;
import io.vigil.job.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil deploy --job jobs/x.yaml}: uploads the shaded job jar to a Flink cluster's REST API
 * and runs {@code vigil run --job <spec>} there, optionally from a savepoint. The JobManager runs the
 * program's {@code main}, so the spec's path must be readable by the JobManager: on the local cluster
 * it is the same machine (the path is made absolute); on a remote cluster mount the file there.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Upload the job jar to a Flink cluster (REST API) and start the job of a job spec.")
final class DeployCommand implements Callable<Integer> {

    @Option(names = "--job", required = true, description = "Job spec YAML, e.g. jobs/default.yaml")
    Path job;

    @Option(names = "--savepoint", description = "Start from this savepoint (or retained checkpoint) path")
    String savepoint;

    @Option(names = "--allow-non-restored-state",
            description = "With --savepoint: skip state of operators the new job no longer has")
    boolean allowNonRestoredState;

    @Option(names = "--rest", description = "Flink REST endpoint (default: the local cluster's, else http://localhost:8081)")
    String rest;

    @Option(names = "--bootstrap", description = "Override kafka.bootstrapServers of the spec")
    String bootstrap;

    @Option(names = "--parallelism", defaultValue = "2", description = "Default parallelism of the job's operators; "
            + "at most the cluster's free slots (default: ${DEFAULT-VALUE}, the local cluster's slots)")
    int parallelism;

    @Option(names = "--jar", description = "Job jar (default: target/vigil-<version>.jar, built by mvn -B -DskipTests package)")
    Path jar;

    @Override
    public Integer call() {
        Path spec = job.toAbsolutePath().normalize();
        // the same validation the job does at start, here, before anything is uploaded
        JobSpec parsed = JobSpec.load(spec);
        Path jarFile = jar != null ? jar : defaultJar(ClusterCommand.projectDir());
        if (jarFile == null || !Files.isRegularFile(jarFile)) {
            System.err.println("vigil: no job jar " + (jarFile != null ? jarFile : "target/vigil-<version>.jar")
                    + "; build it with: mvn -B -DskipTests package");
            return 2;
        }
        warnIfStale(jarFile);
        FlinkRestClient client = new FlinkRestClient(rest != null ? rest : defaultRest());
        List<String> args = new ArrayList<>(List.of("run", "--job", spec.toString()));
        if (bootstrap != null) {
            args.add("--bootstrap");
            args.add(bootstrap);
        }
        System.out.println("uploading " + jarFile.getFileName() + " to " + client.baseUrl() + " ...");
        String jobId = client.deploy(jarFile, VigilCli.class.getName(), args, parallelism, savepoint,
                allowNonRestoredState);
        String state = client.awaitRunning(jobId, Duration.ofSeconds(60));
        System.out.println("deployed " + parsed.name() + (savepoint != null ? " from " + savepoint : "") + ": job "
                + jobId + " " + state);
        if ("FAILED".equals(state)) {
            client.rootException(jobId).ifPresent(e -> System.err.println("vigil: the job failed: " + e));
            return 1;
        }
        System.out.println("stop it with a savepoint: ./vigil stop --job-id " + jobId
                + (rest != null ? " --rest " + rest : ""));
        return 0;
    }

    /** The local cluster's REST endpoint when one runs from target/cluster, else Flink's default port. */
    static String defaultRest() {
        Optional<LocalCluster> c = LocalCluster.load(LocalCluster.defaultDir(ClusterCommand.projectDir()));
        return c.filter(LocalCluster::anyAlive).map(LocalCluster::restUrl).orElse("http://localhost:8081");
    }

    /** target/vigil-*.jar, the shaded jar (not maven-shade's original-*.jar); null if there is none. */
    static Path defaultJar(Path projectDir) {
        Path target = projectDir.resolve("target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("vigil-") && n.endsWith(".jar") && !n.endsWith("-sources.jar");
            }).findFirst().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A jar older than the sources would deploy yesterday's code: say so, but deploy (it may be deliberate). */
    private static void warnIfStale(Path jarFile) {
        Path src = ClusterCommand.projectDir().resolve("src").resolve("main");
        if (!Files.isDirectory(src)) {
            return;
        }
        try (Stream<Path> files = Files.walk(src)) {
            FileTime built = Files.getLastModifiedTime(jarFile);
            if (files.anyMatch(p -> {
                try {
                    return Files.isRegularFile(p) && Files.getLastModifiedTime(p).compareTo(built) > 0;
                } catch (IOException e) {
                    return false;
                }
            })) {
                System.err.println("vigil: warning: " + jarFile.getFileName() + " is older than src/main; "
                        + "rebuild with: mvn -B -DskipTests package");
            }
        } catch (IOException e) {
            // no warning then
        }
    }
}
