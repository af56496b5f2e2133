package io.vigil.job.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, in-process Apache Kafka broker for the {@code ./vigil demo} command and for integration
 * tests. <b>Not for production</b>: one node, replication factor 1, no security, data in a
 * throw-away directory.
 *
 * <p>It runs Kafka's own test kit ({@link KafkaClusterTestKit}) as a single KRaft node in
 * combined mode (broker and controller in one process, one node), so clients talk to the same
 * broker code as in a real cluster: transactions, {@code read_committed}, consumer groups and
 * compaction all behave as they do there. The node is bootstrapped at the latest
 * <em>production</em> metadata version with the production feature levels, and unstable APIs are
 * switched off, i.e. what {@code kafka-storage.sh format} followed by {@code kafka-server-start.sh}
 * would give.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics(2, "metrics", "anomalies");
 *     String bootstrap = kafka.bootstrapServers();   // e.g. "localhost:39321"
 *     ...
 * }
 * }</pre>
 *
 * <h2>Ports and directories</h2>
 * By default the node listens on ephemeral ports (client listener and controller listener). The
 * test kit binds those sockets <em>before</em> the broker starts and hands the bound sockets to
 * it, so there is no window in which another process (or another broker in a parallel test) can
 * take the port. {@link Builder#port(int)} adds a client listener on a fixed localhost port
 * instead, for the demo, so that outside tools can use a well-known address. Data goes to a fresh
 * temporary directory which {@link #close()} deletes; {@link Builder#logDir(Path)} picks the
 * directory (it must be empty or absent, because each start formats a new cluster) and keeps it
 * after close unless {@link Builder#deleteOnClose(boolean)} says otherwise.
 *
 * <h2>Broker settings</h2>
 * See {@link #DEFAULT_BROKER_CONFIG}. In short: every internal topic (consumer offsets,
 * transaction state, share-group state) has replication factor 1, min ISR 1 and a single
 * partition, so a one-node broker can serve transactions and groups and creates those topics
 * quickly; {@code group.initial.rebalance.delay.ms=0} so consumers start at once;
 * {@code transaction.max.timeout.ms} stays at Kafka's default (15 min), so a producer (such as
 * Flink's {@code KafkaSink}) must keep {@code transaction.timeout.ms} at or below that, as it must
 * against a real cluster.
 *
 * <p>{@code auto.create.topics.enable=false}: topics must be created with
 * {@link #createTopics(int, String...)} (or an Admin client). A misspelt topic name then fails
 * loudly instead of quietly creating a one-partition topic, and partition counts are always
 * deliberate. Pass {@code brokerProperty("auto.create.topics.enable", "true")} to change that.
 *
 * <p>Start-up: the first start in a fresh JVM took 2.3–3.9 s on a 2-core machine (up to ~11 s
 * has been seen there under load), mostly class loading; later starts in the same JVM take under
 * a second. The time is logged at INFO and returned by {@link #startupTime()}. A start that fails
 * throws and leaves nothing running. Several instances may run in one JVM at once (the tests do);
 * Kafka's server metrics are JVM-global, so they then share some metric names.
 *
 * <p>Thread-safety: {@link #createTopics(int, String...)} and {@link #close()} may be called from
 * any thread; {@code close()} is idempotent and also runs from a JVM shutdown hook if the caller
 * never calls it (for example after Ctrl-C in the demo), so the temporary directory does not
 * leak.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How long Admin operations made by this class may take. */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    /** The listener used with {@link Builder#port(int)}; the test kit's own one is "EXTERNAL". */
    private static final String FIXED_LISTENER = "FIXED";

    /**
     * Settings applied to every embedded broker (each may be overridden with
     * {@link Builder#brokerProperty(String, Object)}).
     */
    public static final Map<String, String> DEFAULT_BROKER_CONFIG = defaultBrokerConfig();

    private static Map<String, String> defaultBrokerConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        // one node: every internal topic must fit on it
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "1");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        c.put("share.coordinator.state.topic.num.partitions", "1");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        // consumers join at once instead of waiting 3 s for more members
        c.put("group.initial.rebalance.delay.ms", "0");
        // topics are created explicitly, see the class comment
        c.put("auto.create.topics.enable", "false");
        c.put("num.partitions", "1");
        // no time-based retention: Vigil's records carry their event time as the Kafka timestamp, so
        // replayed history older than the default 7 days would be deleted by a retention check while a
        // job (the demo, a test, the local cluster) still needs it; the data lives as long as the broker
        c.put("log.retention.ms", "-1");
        // transaction.max.timeout.ms deliberately left at Kafka's default (900000 = 15 min)
        // small files and few threads: fast start, little memory and disk on a laptop / CI box
        c.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        c.put("offsets.topic.segment.bytes", String.valueOf(16 * 1024 * 1024));
        c.put("transaction.state.log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        c.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        c.put("num.network.threads", "2");
        c.put("num.io.threads", "4");
        c.put("background.threads", "4");
        c.put("num.recovery.threads.per.data.dir", "1");
        c.put("log.cleaner.threads", "1");
        // behave like a released broker: no unstable protocol versions or features
        c.put("unstable.api.versions.enable", "false");
        c.put("unstable.feature.versions.enable", "false");
        return Collections.unmodifiableMap(c);
    }

    private final KafkaClusterTestKit cluster;
    private final Path logDir;
    private final boolean deleteOnClose;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private final Object lock = new Object();
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path logDir, boolean deleteOnClose,
                          String bootstrapServers, Duration startupTime) {
        this.cluster = cluster;
        this.logDir = logDir;
        this.deleteOnClose = deleteOnClose;
        this.bootstrapServers = bootstrapServers;
        this.startupTime = startupTime;
        this.shutdownHook = new Thread(this::closeFromShutdownHook, "embedded-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker with the defaults: fresh temporary directory, ephemeral ports. Blocks until
     * the broker is registered, unfenced and serving clients.
     *
     * @throws IllegalStateException if the broker cannot start (nothing is left running then)
     */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /** A builder for a broker with a chosen directory, port or broker settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code bootstrap.servers} string for clients, e.g. {@code localhost:40123}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The directory holding this broker's metadata and partition data. */
    public Path logDir() {
        return logDir;
    }

    /** How long {@code start()} took, from creating the directory to the broker being ready. */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Creates topics with {@code partitions} partitions and replication factor 1, and waits until
     * every partition has a leader, so clients can use them right away. Idempotent: a topic that
     * already exists is left as it is (a warning is logged if its partition count differs).
     *
     * @throws IllegalArgumentException for {@code partitions < 1} or a blank/invalid topic name
     * @throws IllegalStateException    if the broker is closed or does not answer in time
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        Objects.requireNonNull(names, "names");
        List<String> topics = Arrays.stream(names).distinct().collect(Collectors.toList());
        for (String t : topics) {
            if (t == null || t.isBlank()) {
                throw new IllegalArgumentException("topic names must not be blank: " + Arrays.toString(names));
            }
        }
        if (topics.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("EmbeddedKafka is closed");
            }
        }
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()))) {
            List<NewTopic> newTopics = topics.stream()
                    .map(t -> new NewTopic(t, partitions, (short) 1))
                    .collect(Collectors.toList());
            Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
            List<String> existing = new ArrayList<>();
            for (String t : topics) {
                try {
                    results.get(t).get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        existing.add(t);
                    } else if (e.getCause() instanceof InvalidTopicException) {
                        throw new IllegalArgumentException("invalid topic name '" + t + "': "
                                + e.getCause().getMessage(), e.getCause());
                    } else {
                        throw new IllegalStateException("creating topic " + t + " failed", e.getCause());
                    }
                }
            }
            Map<String, TopicDescription> described = awaitLeaders(admin, topics);
            for (String t : existing) {
                int actual = described.get(t).partitions().size();
                if (actual != partitions) {
                    LOG.warn("Topic {} already exists with {} partitions (asked for {}); left as it is",
                            t, actual, partitions);
                }
            }
            LOG.info("Topics ready: {} ({} partitions{})", topics, partitions,
                    existing.isEmpty() ? "" : "; already existed: " + existing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + topics, e);
        }
    }

    /** Polls until every partition of every topic has a leader (the broker's metadata caught up). */
    private static Map<String, TopicDescription> awaitLeaders(Admin admin, List<String> topics)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean ready = d.values().stream()
                        .flatMap(td -> td.partitions().stream())
                        .map(TopicPartitionInfo::leader)
                        .allMatch(leader -> leader != null && !leader.isEmpty());
                if (ready) {
                    return d;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("describing topics " + topics + " failed", e.getCause());
                }
                last = e.getCause();
            }
            Thread.sleep(50);
        }
        TimeoutException te = new TimeoutException("partitions of " + topics + " have no leader after " + ADMIN_TIMEOUT);
        if (last != null) {
            te.initCause(last);
        }
        throw te;
    }

    /**
     * Stops the broker and, for a temporary directory (or with {@code deleteOnClose(true)}),
     * deletes the log directory. Idempotent; never throws: shutdown problems are logged.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from (or during) JVM shutdown: nothing to remove
        }
        long t0 = System.nanoTime();
        try {
            cluster.close();
        } catch (Exception e) {
            // the test kit rethrows faults the broker recorded while running, after stopping it
            LOG.warn("Embedded Kafka reported a problem while running or stopping", e);
        } catch (Throwable t) {
            LOG.warn("Embedded Kafka failed to stop cleanly", t);
        } finally {
            if (deleteOnClose) {
                deleteQuietly(logDir);
            }
        }
        LOG.info("Embedded Kafka at {} stopped in {} ms{}", bootstrapServers, millisSince(t0),
                deleteOnClose ? "" : " (log dir kept: " + logDir + ")");
    }

    private void closeFromShutdownHook() {
        synchronized (lock) {
            if (closed) {
                return;
            }
        }
        LOG.info("JVM exiting: stopping embedded Kafka at {}", bootstrapServers);
        close();
    }

    @Override
    public String toString() {
        return "EmbeddedKafka{" + bootstrapServers + ", logDir=" + logDir + "}";
    }

    private static long millisSince(long nanoStart) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanoStart);
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not delete {}", dir, e);
        }
    }

    private static void deleteChildrenQuietly(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(EmbeddedKafka::deleteQuietly);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not clean {}", dir, e);
        }
    }

    /** Sends lines written by the test kit's threads to the log; passes all other bytes through. */
    private static final class KitOutputToLog extends OutputStream {
        private static final String KIT_THREAD_PREFIX = "kafka-cluster-test-kit-";
        private final PrintStream passThrough;
        private final ThreadLocal<ByteArrayOutputStream> line =
                ThreadLocal.withInitial(ByteArrayOutputStream::new);

        KitOutputToLog(PrintStream passThrough) {
            this.passThrough = passThrough;
        }

        private static boolean fromKit() {
            return Thread.currentThread().getName().startsWith(KIT_THREAD_PREFIX);
        }

        @Override
        public void write(int b) {
            if (!fromKit()) {
                passThrough.write(b);
            } else if (b == '\n') {
                ByteArrayOutputStream buf = line.get();
                LOG.debug("{}", buf.toString(StandardCharsets.UTF_8).stripTrailing());
                buf.reset();
            } else {
                line.get().write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (!fromKit()) {
                passThrough.write(b, off, len);
                return;
            }
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() {
            passThrough.flush();
        }
    }

    /** Options for {@link EmbeddedKafka}; {@link #start()} launches the broker. */
    public static final class Builder {
        private Path logDir;
        private Boolean deleteOnClose;
        private int port;
        private final Map<String, Object> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * The directory for the broker's data (created if absent; must be empty, since each start
         * formats a new single-node cluster). Default: a fresh temporary directory. A directory
         * given here is kept after {@link EmbeddedKafka#close()} unless
         * {@link #deleteOnClose(boolean)} is set.
         */
        public Builder logDir(Path dir) {
            this.logDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * Whether {@link EmbeddedKafka#close()} deletes the log directory. Default: {@code true} for
         * the temporary directory, {@code false} for a directory given to {@link #logDir(Path)}.
         */
        public Builder deleteOnClose(boolean delete) {
            this.deleteOnClose = delete;
            return this;
        }

        /**
         * A fixed client port on localhost (1–65535); 0 (the default) means an ephemeral port that
         * cannot clash with anything. With a fixed port, {@link EmbeddedKafka#bootstrapServers()}
         * is {@code localhost:<port>} and start fails if the port is taken.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Sets or overrides one broker setting (see {@link EmbeddedKafka#DEFAULT_BROKER_CONFIG}). */
        public Builder brokerProperty(String key, Object value) {
            overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Formats the directory, starts the node and waits until the broker is ready.
         *
         * @throws IllegalStateException if the broker cannot start (nothing is left running then)
         * @throws IllegalArgumentException if {@code logDir} is not empty or a fixed port is taken
         */
        public EmbeddedKafka start() {
            long t0 = System.nanoTime();
            if (port != 0) {
                checkPortFree(port); // before any directory exists, so a failure leaves nothing behind
            }
            boolean tempDir = logDir == null;
            boolean dirIsOurs = tempDir || !Files.exists(logDir);
            Path dir = tempDir ? createTempDir() : prepareGivenDir(logDir);
            boolean delete = deleteOnClose != null ? deleteOnClose : tempDir;
            KafkaClusterTestKit cluster = null;
            try {
                TestKitNodes nodes = new TestKitNodes.Builder(productionBootstrapMetadata())
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .setBaseDirectory(dir)
                        .build();
                KafkaClusterTestKit.Builder kit = new KafkaClusterTestKit.Builder(nodes)
                        // we delete (or keep) the directory ourselves, after the broker stopped
                        .setDeleteOnClose(false);
                DEFAULT_BROKER_CONFIG.forEach(kit::setConfigProp);
                if (port != 0) {
                    String external = nodes.brokerListenerName().value();
                    String controller = nodes.controllerListenerName().value();
                    kit.setConfigProp("listeners", external + "://localhost:0," + controller
                            + "://localhost:0," + FIXED_LISTENER + "://localhost:" + port);
                    kit.setConfigProp("listener.security.protocol.map", external + ":PLAINTEXT,"
                            + controller + ":PLAINTEXT," + FIXED_LISTENER + ":PLAINTEXT");
                }
                overrides.forEach(kit::setConfigProp);
                cluster = kit.build();
                formatQuietly(cluster);
                cluster.startup();
                cluster.waitForReadyBrokers();
                String bootstrap = port != 0 ? "localhost:" + port : cluster.bootstrapServers();
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                EmbeddedKafka kafka = new EmbeddedKafka(cluster, dir, delete, bootstrap, took);
                LOG.info("Embedded Kafka {} (KRaft, 1 combined node) ready at {} in {} ms; log dir {}",
                        AppInfoParser.getVersion(), bootstrap, took.toMillis(), dir);
                return kafka;
            } catch (Throwable e) {
                if (cluster != null) {
                    try {
                        cluster.close();
                    } catch (Throwable suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                if (dirIsOurs) {
                    deleteQuietly(dir);
                } else {
                    // it was empty before: leave it empty so a retry can use it
                    deleteChildrenQuietly(dir);
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (e instanceof Error) {
                    throw (Error) e;
                }
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                throw new IllegalStateException("Embedded Kafka failed to start (log dir " + dir + "): "
                        + cause, cause);
            }
        }

        /**
         * Runs {@link KafkaClusterTestKit#format()}, whose storage formatter prints two lines to
         * {@code System.out} from the test kit's threads. Those lines go to DEBUG instead, so
         * the demo's standard output stays clean; output of every other thread passes through.
         */
        private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
            PrintStream original = System.out;
            PrintStream filtered = new PrintStream(new KitOutputToLog(original), true, StandardCharsets.UTF_8);
            System.setOut(filtered);
            try {
                cluster.format();
            } finally {
                if (System.out == filtered) {
                    System.setOut(original);
                }
                filtered.flush();
            }
        }

        /** Latest production metadata version and feature levels, as {@code kafka-storage format}. */
        private static BootstrapMetadata productionBootstrapMetadata() {
            MetadataVersion mv = MetadataVersion.latestProduction();
            Map<String, Short> features = Feature.PRODUCTION_FEATURES.stream()
                    .collect(Collectors.toMap(Feature::featureName, f -> f.defaultLevel(mv)));
            return BootstrapMetadata.fromVersions(mv, features, "vigil-embedded-kafka");
        }

        private static Path createTempDir() {
            try {
                return Files.createTempDirectory("vigil-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a temporary directory for Kafka", e);
            }
        }

        private static Path prepareGivenDir(Path dir) {
            try {
                Files.createDirectories(dir);
                try (Stream<Path> entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new IllegalArgumentException("Kafka log dir " + dir + " is not empty; each "
                                + "start formats a new cluster, so give an empty or absent directory");
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare Kafka log dir " + dir, e);
            }
        }

        private static void checkPortFree(int port) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
            } catch (IOException e) {
                throw new IllegalArgumentException("port " + port + " on localhost is not free for Kafka: "
                        + e.getMessage(), e);
            }
        }
    }
}
