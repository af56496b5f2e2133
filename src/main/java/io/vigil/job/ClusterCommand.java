package io.vigil.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.job.cluster.FlinkRestClient;
import io.vigil.job.cluster.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code vigil cluster start|stop|status|add-taskmanager}: a standalone Flink cluster and a Kafka
 * broker on this machine, as separate processes ({@link LocalCluster}).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "A local Flink cluster (JobManager, TaskManager) and Kafka broker as separate processes.",
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class,
                ClusterCommand.AddTaskManager.class})
final class ClusterCommand {

    @Option(names = "--dir", description = "Cluster directory: config, logs, checkpoints, state (default: target/cluster)")
    Path dir;

    /** The project's directory: the ./vigil launcher passes it; else the working directory. */
    static Path projectDir() {
        return Path.of(System.getProperty("vigil.home", ".")).toAbsolutePath().normalize();
    }

    Path clusterDir() {
        return dir != null ? dir.toAbsolutePath().normalize() : LocalCluster.defaultDir(projectDir());
    }

    /** The running cluster of the directory, or empty after printing why there is none. */
    Optional<LocalCluster> running() {
        Optional<LocalCluster> c = LocalCluster.load(clusterDir());
        if (c.isEmpty()) {
            System.out.println("no local cluster in " + clusterDir() + " (start one: ./vigil cluster start)");
        }
        return c;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Start a Kafka broker, a JobManager and a TaskManager; returns once all are ready.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Option(names = "--rest-port", defaultValue = "8081",
                description = "Flink REST API and web UI port; 0 = a free one (default: ${DEFAULT-VALUE})")
        int restPort;

        @Option(names = "--kafka-port", defaultValue = "9092",
                description = "Kafka port on localhost; 0 = a free one (default: ${DEFAULT-VALUE})")
        int kafkaPort;

        @Option(names = "--topics", defaultValue = LocalCluster.DEFAULT_TOPICS,
                description = "Topics to create, name:partitions,... (default: ${DEFAULT-VALUE})")
        String topics;

        @Option(names = "-D", paramLabel = "key=value",
                description = "Flink setting on top of conf/local/config.yaml, e.g. -D state.backend.type=rocksdb")
        Map<String, String> flinkOptions = new LinkedHashMap<>();

        @Option(names = "--timeout", defaultValue = "180", description = "Seconds to wait for readiness (default: ${DEFAULT-VALUE})")
        long timeoutSeconds;

        @Override
        public Integer call() {
            long t0 = System.nanoTime();
            System.out.println("starting a local cluster in " + parent.clusterDir() + " ...");
            LocalCluster.Builder b = LocalCluster.builder(projectDir()).dir(parent.clusterDir()).restPort(restPort)
                    .kafkaPort(kafkaPort).topics(topics).timeout(Duration.ofSeconds(timeoutSeconds));
            flinkOptions.forEach(b::flinkOption);
            LocalCluster c = b.start();
            System.out.printf(Locale.ROOT, "local cluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            print(c);
            System.out.println();
            System.out.println("next: mvn -B -DskipTests package   # the job jar, once");
            System.out.println("      ./vigil deploy --job jobs/default.yaml"
                    + (c.restPort() != 8081 ? " --rest " + c.restUrl() : "")
                    + (!"localhost:9092".equals(c.kafkaBootstrap()) ? " --bootstrap " + c.kafkaBootstrap() : ""));
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop the processes of the local cluster (jobs are not savepointed: ./vigil stop does that).")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Override
        public Integer call() {
            Optional<LocalCluster> c = parent.running();
            if (c.isEmpty()) {
                return 0;
            }
            List<LocalCluster.Member> stopped = c.get().stop();
            for (LocalCluster.Member m : stopped) {
                System.out.println("stopped " + m.role() + " (pid " + m.pid() + ")");
            }
            System.out.println(stopped.isEmpty() ? "nothing was running" : "local cluster stopped; logs stay in "
                    + c.get().dir().resolve("log"));
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show the processes, the REST overview and the jobs; exit code 1 unless all is up.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Override
        public Integer call() {
            Optional<LocalCluster> c = parent.running();
            if (c.isEmpty()) {
                return 1;
            }
            return print(c.get()) ? 0 : 1;
        }
    }

    @Command(name = "add-taskmanager", mixinStandardHelpOptions = true,
            description = "Start one more TaskManager (e.g. after one was killed).")
    static final class AddTaskManager implements Callable<Integer> {
        @ParentCommand
        ClusterCommand parent;

        @Override
        public Integer call() {
            Optional<LocalCluster> c = parent.running();
            if (c.isEmpty()) {
                return 1;
            }
            LocalCluster.Member m = c.get().startTaskManager();
            System.out.println("started " + m.role() + " (pid " + m.pid() + ", log " + m.log() + ")");
            return 0;
        }
    }

    /** Prints processes, REST overview and jobs; true when every process lives and the REST API answers. */
    static boolean print(LocalCluster c) {
        boolean ok = true;
        for (LocalCluster.Member m : c.members()) {
            boolean alive = m.alive();
            // an earlier TaskManager that was killed is history, not a fault, while a newer one runs
            boolean needed = !m.isTaskManager() || m.equals(c.taskManager());
            ok &= alive || !needed;
            System.out.printf(Locale.ROOT, "  %-14s pid %-8d %-8s %s%n", m.role(), m.pid(), alive ? "running" : "DEAD",
                    m.log());
        }
        System.out.println("  bootstrap      " + c.kafkaBootstrap() + "  (Kafka)");
        System.out.println("  flink          " + c.restUrl() + "  (web UI and REST API)");
        FlinkRestClient rest = c.rest();
        try {
            JsonNode o = rest.overview();
            System.out.printf(Locale.ROOT, "  overview       Flink %s, %d TaskManager(s), %d/%d slots free, jobs: %d running, "
                            + "%d finished, %d cancelled, %d failed%n", o.path("flink-version").asText(),
                    o.path("taskmanagers").asInt(), o.path("slots-available").asInt(), o.path("slots-total").asInt(),
                    o.path("jobs-running").asInt(), o.path("jobs-finished").asInt(), o.path("jobs-cancelled").asInt(),
                    o.path("jobs-failed").asInt());
            for (FlinkRestClient.JobSummary j : rest.jobs()) {
                System.out.printf(Locale.ROOT, "  job            %s  %-10s %s%n", j.id(), j.state(), j.name());
            }
        } catch (FlinkRestClient.RestException e) {
            ok = false;
            System.out.println("  overview       REST API not answering: " + e.getMessage());
        }
        return ok;
    }
}
