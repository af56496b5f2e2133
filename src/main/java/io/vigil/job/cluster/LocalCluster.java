package io.vigil.job.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A standalone Flink session cluster and a Kafka broker on this machine, each a JVM process of its
 * own, started from the jars on the project's classpath: no Flink distribution is needed. What
 * {@code ./vigil cluster start|stop|status} and the kill-and-recover test run.
 *
 * <h2>Processes</h2>
 * <ul>
 *   <li>{@code kafka}: {@link ClusterBroker}, a single-node KRaft broker;
 *   <li>{@code jobmanager}: Flink's {@code StandaloneSessionClusterEntrypoint} with the REST API and
 *       the web UI (flink-runtime-web);
 *   <li>{@code taskmanager-1}, {@code -2}, ...: Flink's {@code TaskManagerRunner}.
 * </ul>
 * Each is started as Flink's own scripts start them: JVM memory flags and dynamic memory settings
 * from Flink's {@code BashJavaUtils}, JVM options from {@code env.java.*}, {@code --configDir} and
 * {@code -Dlog.file}. They run in a session of their own ({@code setsid}), so they outlive the
 * command that started them and a Ctrl-C in that terminal.
 *
 * <h2>Directory</h2>
 * Everything lives under one directory ({@code target/cluster} by default): {@code conf/} (the
 * generated Flink configuration and log4j file), {@code log/<process>.log} and {@code .out},
 * {@code kafka/} (the broker's data, new at each start), {@code checkpoints/} and
 * {@code savepoints/} (kept across starts), and {@value #STATE_FILE}, which records ports and
 * process ids so that another command can find, check and stop the cluster. A process id is only
 * trusted while the process with that id started at the recorded instant, so a recycled id is
 * never signalled.
 *
 * <h2>Configuration</h2>
 * {@code conf/local/config.yaml} of the project, with {@code ${REST_PORT}}, {@code ${RPC_PORT}} and
 * {@code ${CLUSTER_DIR}} substituted and {@link Builder#flinkOption(String, String)} settings on
 * top, written flat to {@code conf/config.yaml}; {@code conf/local/log4j.properties} beside it.
 *
 * <h2>Classpath</h2>
 * The Flink processes get the project's compile and provided dependencies
 * ({@code target/cluster-classpath.txt}, written by every Maven build) <em>without</em> the project's own classes and without the
 * connector jars the job jar bundles: Flink loads {@code org.apache.flink.*} parent-first, so a
 * connector on the cluster's classpath would shadow the job jar's copy and split it from the Kafka
 * client the job jar brings — as on a real cluster, the job's code comes only from the job jar.
 */
public final class LocalCluster {

    /** Flink's JobManager entry point of a standalone session cluster (in flink-runtime). */
    public static final String JOB_MANAGER_MAIN = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    /** Flink's TaskManager entry point (in flink-runtime). */
    public static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    /** What Flink's scripts ask for the JVM memory flags of a JobManager or TaskManager. */
    static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    /** Ports and processes of a running cluster, in its directory. */
    public static final String STATE_FILE = "cluster.json";
    /** The topics of the job specs under {@code jobs/} (name:partitions); the first four as docker compose creates them. */
    public static final String DEFAULT_TOPICS = "metrics:4,anomalies:2,vigil-dead-letters:1,vigil-cleaned:4,"
            + "metrics-multi:4,anomalies-multi:2,vigil-dead-letters-multi:1";

    /** Jars a job jar carries itself: never on the cluster's classpath (see the class comment). */
    private static final List<String> JOB_JAR_ONLY = List.of("/flink-connector-kafka/");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** One process of the cluster as recorded in {@value #STATE_FILE}. */
    public record Member(String role, long pid, long startedMillis, Path log) {

        /** The live process, if the id still names the process that was started (not a recycled id). */
        public Optional<ProcessHandle> handle() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().startInstant()
                            .map(s -> Math.abs(s.toEpochMilli() - startedMillis) < 2_000)
                            .orElse(true));
        }

        /** Whether the process is running. */
        public boolean alive() {
            return handle().isPresent();
        }

        /** Whether this is a TaskManager. */
        public boolean isTaskManager() {
            return role.startsWith("taskmanager");
        }
    }

    private final Path dir;
    private final int restPort;
    private final int rpcPort;
    private final String flinkClasspath;
    // set once BashJavaUtils has answered (start) or read from the state file (load)
    private List<String> taskManagerJvm;
    private List<String> taskManagerArgs;
    private final List<Member> members = new ArrayList<>();
    private final Map<Long, Process> children = new HashMap<>();
    private String kafkaBootstrap;
    private Thread shutdownHook;

    private LocalCluster(Path dir, int restPort, int rpcPort, String kafkaBootstrap, String flinkClasspath,
            List<String> taskManagerJvm, List<String> taskManagerArgs) {
        this.dir = dir;
        this.restPort = restPort;
        this.rpcPort = rpcPort;
        this.kafkaBootstrap = kafkaBootstrap;
        this.flinkClasspath = flinkClasspath;
        this.taskManagerJvm = List.copyOf(taskManagerJvm);
        this.taskManagerArgs = List.copyOf(taskManagerArgs);
    }

    /** A builder for a cluster of the project in {@code projectDir} (where {@code conf/} and {@code target/} are). */
    public static Builder builder(Path projectDir) {
        return new Builder(projectDir);
    }

    /** The default cluster directory of a project: {@code target/cluster}. */
    public static Path defaultDir(Path projectDir) {
        return projectDir.resolve("target").resolve("cluster").toAbsolutePath().normalize();
    }

    /** The cluster recorded in {@code dir}, if {@value #STATE_FILE} is there (its processes may have died since). */
    public static Optional<LocalCluster> load(Path dir) {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode s = JSON.readTree(file.toFile());
            List<String> tmJvm = new ArrayList<>();
            s.path("taskManagerJvm").forEach(n -> tmJvm.add(n.asText()));
            List<String> tmArgs = new ArrayList<>();
            s.path("taskManagerArgs").forEach(n -> tmArgs.add(n.asText()));
            LocalCluster c = new LocalCluster(dir.toAbsolutePath().normalize(), s.path("restPort").asInt(),
                    s.path("rpcPort").asInt(), s.path("kafkaBootstrap").asText(null),
                    s.path("flinkClasspath").asText(), tmJvm, tmArgs);
            for (JsonNode m : s.path("processes")) {
                c.members.add(new Member(m.path("role").asText(), m.path("pid").asLong(),
                        m.path("startedMillis").asLong(), Path.of(m.path("log").asText())));
            }
            return Optional.of(c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The cluster's directory. */
    public Path dir() {
        return dir;
    }

    /** The REST endpoint (and web UI), e.g. {@code http://localhost:8081}. */
    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    /** The REST port. */
    public int restPort() {
        return restPort;
    }

    /** The JobManager's RPC port (TaskManagers register there). */
    public int rpcPort() {
        return rpcPort;
    }

    /** The broker's {@code bootstrap.servers}, e.g. {@code localhost:9092}; null before the broker was ready. */
    public String kafkaBootstrap() {
        return kafkaBootstrap;
    }

    /** The processes, in start order (broker, JobManager, TaskManagers). */
    public List<Member> members() {
        return Collections.unmodifiableList(members);
    }

    /** The newest TaskManager. */
    public Member taskManager() {
        return members.stream().filter(Member::isTaskManager).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("the cluster has no TaskManager"));
    }

    /** The {@link Process} of a member this JVM started (to signal or wait for it); empty for one loaded from disk. */
    public Optional<Process> process(Member m) {
        return Optional.ofNullable(children.get(m.pid()));
    }

    /** A client of this cluster's REST API. */
    public FlinkRestClient rest() {
        return new FlinkRestClient(restUrl());
    }

    /** Whether any recorded process still runs. */
    public boolean anyAlive() {
        return members.stream().anyMatch(Member::alive);
    }

    /**
     * Starts one more TaskManager (after one was lost, or to add slots) and returns at once; it
     * registers with the JobManager within seconds ({@link #awaitTaskManagers(int, Duration)}).
     */
    public synchronized Member startTaskManager() {
        long n = members.stream().filter(Member::isTaskManager).count() + 1;
        Member m = launch("taskmanager-" + n, taskManagerJvm, flinkClasspath, TASK_MANAGER_MAIN, taskManagerArgs);
        writeState();
        return m;
    }

    /** Waits until the JobManager counts at least {@code n} registered TaskManagers. */
    public void awaitTaskManagers(int n, Duration timeout) {
        FlinkRestClient rest = rest();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (rest.overview().path("taskmanagers").asInt() >= n) {
                    return;
                }
            } catch (FlinkRestClient.RestException notYet) {
                // the JobManager may still be starting
            }
            // the broker, the JobManager and the newest TaskManager must live; an older TaskManager may be gone
            for (Member m : members) {
                boolean needed = !m.isTaskManager() || m.equals(taskManager());
                if (needed && !m.alive()) {
                    throw new ClusterException(m.role() + " (pid " + m.pid() + ") is not running; its log "
                            + m.log() + " ends with:\n" + tail(m.log(), 30));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException(n + " TaskManager(s) not registered at " + restUrl() + " after "
                        + timeout + "; see " + dir.resolve("log"));
            }
            pause(Duration.ofMillis(300));
        }
    }

    /**
     * Stops every process: TaskManagers, then the JobManager, then the broker (SIGTERM, SIGKILL after
     * 30 s), and removes {@value #STATE_FILE}. Jobs are not stopped first: their retained checkpoints
     * stay under {@code checkpoints/}. Idempotent.
     *
     * @return the members that were still running and are now stopped
     */
    public synchronized List<Member> stop() {
        List<Member> stopped = new ArrayList<>();
        List<Member> reversed = new ArrayList<>(members);
        Collections.reverse(reversed);
        for (Member m : reversed) {
            Optional<ProcessHandle> h = m.handle();
            if (h.isEmpty()) {
                continue;
            }
            stopped.add(m);
            h.get().destroy();
            if (!await(h.get(), STOP_GRACE)) {
                h.get().destroyForcibly();
                await(h.get(), Duration.ofSeconds(10));
            }
        }
        try {
            Files.deleteIfExists(dir.resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds nothing left to stop
            }
            shutdownHook = null;
        }
        return stopped;
    }

    private static boolean await(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }

    /** The last {@code lines} lines of a log file, or a note that it is missing. */
    public static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no " + file + ")";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    // --- starting processes -------------------------------------------------------------------

    private Member launch(String role, List<String> jvm, String classpath, String mainClass, List<String> args) {
        Path logDir = dir.resolve("log");
        Path log = logDir.resolve(role + ".log");
        Path out = logDir.resolve(role + ".out");
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            // a session of its own: the process outlives the command that started it, and a Ctrl-C or a
            // closed terminal there does not reach it. setsid execs java, so the pid stays java's.
            cmd.add(SETSID.toString());
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-Dlog.file=" + log);
        cmd.add("-Dlog4j.configurationFile=" + dir.resolve("conf").resolve("log4j.properties").toUri());
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .start();
            long started = p.info().startInstant().map(Instant::toEpochMilli).orElse(System.currentTimeMillis());
            Member m = new Member(role, p.pid(), started, log);
            children.put(p.pid(), p);
            members.add(m);
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + role + ": " + String.join(" ", cmd.subList(0, 2)), e);
        }
    }

    private synchronized void writeState() {
        ObjectNode s = JSON.createObjectNode();
        s.put("restUrl", restUrl());
        s.put("restPort", restPort);
        s.put("rpcPort", rpcPort);
        s.put("kafkaBootstrap", kafkaBootstrap);
        ArrayNode ps = s.putArray("processes");
        for (Member m : members) {
            ps.addObject().put("role", m.role()).put("pid", m.pid()).put("startedMillis", m.startedMillis())
                    .put("log", m.log().toString());
        }
        // what adding a TaskManager later needs, from another command
        s.put("flinkClasspath", flinkClasspath);
        taskManagerJvm.forEach(s.withArray("taskManagerJvm")::add);
        taskManagerArgs.forEach(s.withArray("taskManagerArgs")::add);
        Path file = dir.resolve(STATE_FILE);
        Path tmp = dir.resolve(STATE_FILE + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), s);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Options of a new cluster; {@link #start()} starts it. */
    public static final class Builder {
        private final Path projectDir;
        private Path dir;
        private int restPort = 8081;
        private int kafkaPort = 9092;
        private String topics = DEFAULT_TOPICS;
        private final Map<String, String> flinkOptions = new LinkedHashMap<>();
        private Duration timeout = Duration.ofMinutes(3);
        private boolean stopWithThisJvm;

        private Builder(Path projectDir) {
            this.projectDir = projectDir.toAbsolutePath().normalize();
        }

        /** The cluster's directory (default {@code target/cluster} of the project). */
        public Builder dir(Path dir) {
            this.dir = dir.toAbsolutePath().normalize();
            return this;
        }

        /** The REST port (default 8081); 0 picks a free one. */
        public Builder restPort(int port) {
            this.restPort = checkPort(port, "REST");
            return this;
        }

        /** The broker's port on localhost (default 9092); 0 lets the broker bind a free one. */
        public Builder kafkaPort(int port) {
            this.kafkaPort = checkPort(port, "Kafka");
            return this;
        }

        /** Topics the broker creates, {@code name:partitions,...} (default {@value LocalCluster#DEFAULT_TOPICS}). */
        public Builder topics(String topics) {
            this.topics = Objects.requireNonNull(topics, "topics");
            return this;
        }

        /** A Flink configuration setting on top of {@code conf/local/config.yaml}. */
        public Builder flinkOption(String key, String value) {
            flinkOptions.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** How long the start may take until every process is ready (default 3 min). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Whether the processes are stopped when this JVM exits (default false: a cluster started by
         * {@code ./vigil cluster start} outlives the command; a test's cluster must not outlive the test).
         */
        public Builder stopWithThisJvm(boolean stop) {
            this.stopWithThisJvm = stop;
            return this;
        }

        private static int checkPort(int port, String what) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(what + " port must be 0..65535 (0 = a free one), got " + port);
            }
            return port;
        }

        /**
         * Starts the broker, the JobManager and a TaskManager, and waits until the broker serves
         * clients, the REST API answers and the TaskManager has registered. A start that fails stops
         * whatever it started and throws with the end of the failing process's log.
         *
         * @throws ClusterException if a cluster already runs from the directory, a fixed port is taken, or
         *                          a process fails to start
         */
        public LocalCluster start() {
            Path clusterDir = dir != null ? dir : defaultDir(projectDir);
            load(clusterDir).filter(LocalCluster::anyAlive).ifPresent(c -> {
                throw new ClusterException("a local cluster already runs from " + clusterDir + " (REST "
                        + c.restUrl() + ", Kafka " + c.kafkaBootstrap() + "); stop it first: ./vigil cluster stop");
            });
            List<String> cp = readClasspath();
            String flinkCp = cp.stream().filter(e -> JOB_JAR_ONLY.stream().noneMatch(e::contains))
                    .collect(Collectors.joining(File.pathSeparator));
            if (!flinkCp.contains("flink-runtime-web")) {
                throw new ClusterException("flink-runtime-web is not on " + classpathFile() + " (the REST "
                        + "API's /jars handlers live there); rebuild: mvn -B -DskipTests compile");
            }
            String brokerCp = projectDir.resolve("target").resolve("classes") + File.pathSeparator
                    + String.join(File.pathSeparator, cp);

            int rest = restPort == 0 ? freePort() : requireFree(restPort, "the REST API", "--rest-port");
            if (kafkaPort != 0) {
                requireFree(kafkaPort, "Kafka", "--kafka-port");
            }
            int rpc = freePort();

            Path confDir = clusterDir.resolve("conf");
            prepareDirectories(clusterDir);
            Map<String, Object> conf = writeConfig(clusterDir, confDir, rest, rpc);

            List<String> jmJvm = new ArrayList<>(javaOpts(conf, "jobmanager"));
            List<String> tmJvm = new ArrayList<>(javaOpts(conf, "taskmanager"));
            List<String> jmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));
            List<String> tmArgs = new ArrayList<>(List.of("--configDir", confDir.toString()));

            LocalCluster c = new LocalCluster(clusterDir, rest, rpc, null, flinkCp, List.of(), List.of());
            if (stopWithThisJvm) {
                c.shutdownHook = new Thread(c::stop, "local-cluster-stop");
                Runtime.getRuntime().addShutdownHook(c.shutdownHook);
            }
            try {
                // the broker first: it takes longest, and starts while BashJavaUtils runs
                Member broker = c.launch("kafka", List.of("-Xmx512m", "-Xms128m"), brokerCp,
                        ClusterBroker.class.getName(), List.of("--port", String.valueOf(kafkaPort),
                                "--log-dir", clusterDir.resolve("kafka").toString(),
                                "--ready-file", clusterDir.resolve("kafka.json").toString(),
                                "--topics", topics));
                c.writeState();
                List<List<String>> jm = memoryParams(clusterDir, flinkCp, "GET_JM_RESOURCE_PARAMS");
                List<List<String>> tm = memoryParams(clusterDir, flinkCp, "GET_TM_RESOURCE_PARAMS");
                jmJvm.addAll(jm.get(0));
                jmArgs.addAll(jm.get(1));
                tmJvm.addAll(tm.get(0));
                tmArgs.addAll(tm.get(1));
                c.taskManagerJvm = List.copyOf(tmJvm);
                c.taskManagerArgs = List.copyOf(tmArgs);
                c.launch("jobmanager", jmJvm, flinkCp, JOB_MANAGER_MAIN, jmArgs);
                c.writeState();
                c.startTaskManager();

                c.kafkaBootstrap = awaitBroker(clusterDir.resolve("kafka.json"), broker);
                c.writeState();
                c.awaitTaskManagers(1, timeout);
                return c;
            } catch (RuntimeException e) {
                c.stop();
                throw e;
            }
        }

        private String awaitBroker(Path readyFile, Member broker) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!Files.exists(readyFile)) {
                if (!broker.alive()) {
                    throw new ClusterException("the Kafka broker exited while starting; "
                            + broker.log().resolveSibling("kafka.out") + " ends with:\n"
                            + tail(broker.log().resolveSibling("kafka.out"), 20) + "\n" + tail(broker.log(), 20));
                }
                if (System.nanoTime() > deadline) {
                    throw new ClusterException("the Kafka broker is not ready after " + timeout + "; see "
                            + broker.log());
                }
                pause(Duration.ofMillis(200));
            }
            try {
                return JSON.readTree(readyFile.toFile()).path("bootstrapServers").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Path classpathFile() {
            return projectDir.resolve("target").resolve("cluster-classpath.txt");
        }

        private List<String> readClasspath() {
            Path file = classpathFile();
            if (!Files.exists(file)) {
                throw new ClusterException(file + " is missing: build first (mvn -B -DskipTests package)");
            }
            try {
                return Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).strip().split(File.pathSeparator))
                        .filter(s -> !s.isBlank()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Fresh conf/, log/, kafka/ and scratch directories; checkpoints and savepoints are kept. */
        private static void prepareDirectories(Path clusterDir) {
            try {
                for (String fresh : List.of("conf", "log", "kafka", "tmp", "web-upload")) {
                    deleteRecursively(clusterDir.resolve(fresh));
                }
                Files.deleteIfExists(clusterDir.resolve("kafka.json"));
                for (String d : List.of("conf", "log", "tmp", "web-upload", "checkpoints", "savepoints")) {
                    Files.createDirectories(clusterDir.resolve(d));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare " + clusterDir, e);
            }
        }

        /** Writes conf/config.yaml (template, ports, options) and conf/log4j.properties; returns the flat settings. */
        private Map<String, Object> writeConfig(Path clusterDir, Path confDir, int rest, int rpc) {
            Path template = projectDir.resolve("conf").resolve("local").resolve("config.yaml");
            try {
                String text = Files.readString(template, StandardCharsets.UTF_8)
                        .replace("${REST_PORT}", String.valueOf(rest))
                        .replace("${RPC_PORT}", String.valueOf(rpc))
                        .replace("${CLUSTER_DIR}", clusterDir.toString());
                Map<String, Object> flat = new LinkedHashMap<>();
                flatten("", YAML.readTree(text), flat);
                flat.putAll(flinkOptions);
                Files.writeString(confDir.resolve("config.yaml"), "# generated by ./vigil cluster start from "
                        + template + "\n" + YAML.writeValueAsString(flat), StandardCharsets.UTF_8);
                Files.copy(projectDir.resolve("conf").resolve("local").resolve("log4j.properties"),
                        confDir.resolve("log4j.properties"), StandardCopyOption.REPLACE_EXISTING);
                return flat;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the cluster configuration from " + template, e);
            }
        }

        private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
                }
            } else if (!node.isNull()) {
                out.put(prefix, node);
            }
        }

        /** JVM options as Flink's scripts take them: env.java.default-opts.all, env.java.opts.all, env.java.opts.<role>. */
        private static List<String> javaOpts(Map<String, Object> conf, String role) {
            List<String> opts = new ArrayList<>();
            for (String key : List.of("env.java.default-opts.all", "env.java.opts.all", "env.java.opts." + role)) {
                Object v = conf.get(key);
                if (v != null) {
                    String s = v instanceof JsonNode n ? n.asText() : v.toString();
                    Arrays.stream(s.trim().split("\\s+")).filter(o -> !o.isEmpty()).forEach(opts::add);
                }
            }
            return opts;
        }

        /**
         * Asks Flink's BashJavaUtils, as jobmanager.sh and taskmanager.sh do, for the JVM flags
         * (heap, direct memory, metaspace) and the dynamic memory settings that match the
         * configured process size: [0] JVM flags, [1] program arguments ({@code -D key=value ...}).
         */
        private static List<List<String>> memoryParams(Path clusterDir, String flinkCp, String command) {
            Path confDir = clusterDir.resolve("conf");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dlog.file=" + clusterDir.resolve("log").resolve("bash-java-utils.log"),
                    "-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri(),
                    "-cp", flinkCp, BASH_JAVA_UTILS, command, "--configDir", confDir.toString());
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new ClusterException("Flink's BashJavaUtils " + command + " failed:\n" + output);
                }
                String prefix = "BASH_JAVA_UTILS_EXEC_RESULT:";
                List<List<String>> results = output.lines().filter(l -> l.startsWith(prefix))
                        .map(l -> Arrays.stream(l.substring(prefix.length()).trim().split("\\s+"))
                                .filter(s -> !s.isEmpty()).toList())
                        .toList();
                if (results.size() != 2) {
                    throw new ClusterException("unexpected output of BashJavaUtils " + command + ":\n" + output);
                }
                return results;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterException("interrupted", e);
            }
        }

        private static int freePort() {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("localhost"))) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port", e);
            }
        }

        private static int requireFree(int port, String what, String option) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
                return port;
            } catch (IOException e) {
                throw new ClusterException("port " + port + " for " + what + " is in use on this machine; "
                        + "choose another with " + option + " N, or " + option + " 0 for a free one");
            }
        }

        private static void deleteRecursively(Path p) throws IOException {
            if (!Files.exists(p)) {
                return;
            }
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(q);
                }
            }
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
