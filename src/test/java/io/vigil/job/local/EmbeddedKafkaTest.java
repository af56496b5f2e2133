package io.vigil.job.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs a real single-node KRaft broker and checks what clients see. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
        System.out.println("EmbeddedKafka first start took " + kafka.startupTime().toMillis() + " ms");
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void readCommittedConsumerSeesCommittedTransactionOnlyNotAbortedOne() throws Exception {
        String topic = "tx-events";
        kafka.createTopics(2, topic);

        try (KafkaProducer<String, String> producer = transactionalProducer("vigil-test-tx")) {
            producer.initTransactions();

            producer.beginTransaction();
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            List<java.util.concurrent.Future<RecordMetadata>> aborted = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                aborted.add(producer.send(new ProducerRecord<>(topic, i % 2, "a" + i, "aborted-" + i)));
            }
            producer.flush();
            for (var f : aborted) {
                f.get(30, TimeUnit.SECONDS); // really written to the log before the abort
            }
            producer.abortTransaction();
        }

        List<ConsumerRecord<String, String>> committed = readAll(topic, 2, "read_committed");
        assertThat(committed).hasSize(100);
        assertThat(committed).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.range(0, 100).mapToObj(i -> "committed-" + i).collect(Collectors.toList()));
        assertThat(committed).extracting(ConsumerRecord::partition).containsOnly(0, 1);
        assertThat(committed.stream().filter(r -> r.partition() == 0)).hasSize(50);

        // the aborted records are physically in the log: read_uncommitted sees all 110
        List<ConsumerRecord<String, String>> everything = readAll(topic, 2, "read_uncommitted");
        assertThat(everything).hasSize(110);
        assertThat(everything).extracting(ConsumerRecord::value)
                .filteredOn(v -> v.startsWith("aborted-")).hasSize(10);
    }

    @Test
    void createTopicsIsIdempotent() throws Exception {
        kafka.createTopics(3, "idem-a");
        kafka.createTopics(3, "idem-a", "idem-b");   // existing + new in one call
        kafka.createTopics(1, "idem-a");             // different count: left as it is

        try (Admin admin = admin()) {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of("idem-a", "idem-b"))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.get("idem-a").partitions()).hasSize(3);
            assertThat(topics.get("idem-b").partitions()).hasSize(3);
            assertThat(topics.get("idem-b").partitions())
                    .allSatisfy(p -> assertThat(p.leader()).isNotNull());
        }
        assertThatThrownBy(() -> kafka.createTopics(0, "bad")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void brokerRunsWithSingleNodeSettingsAndDefaultTransactionMaxTimeout() throws Exception {
        try (Admin admin = admin()) {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
            assertThat(nodes).hasSize(1);
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, nodes.get(0).idString());
            Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            assertThat(config.get("transaction.max.timeout.ms").value()).isEqualTo("900000");
            assertThat(config.get("offsets.topic.replication.factor").value()).isEqualTo("1");
            assertThat(config.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
            assertThat(config.get("transaction.state.log.min.isr").value()).isEqualTo("1");
            assertThat(config.get("group.initial.rebalance.delay.ms").value()).isEqualTo("0");
            assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        }
        // auto-creation is off: producing to an unknown topic fails instead of creating it
        Properties p = producerProps();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no-such-topic", "x")).get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("not present in metadata");
        }
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("no-such-topic");
        }
    }

    @Test
    void closeStopsBrokerAndDeletesTemporaryLogDir() throws Exception {
        EmbeddedKafka own = EmbeddedKafka.start();
        Path dir = own.logDir();
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).contains("meta.properties");
        }
        own.createTopics(1, "own");
        String bootstrap = own.bootstrapServers();

        own.close();
        assertThat(dir).doesNotExist();
        own.close(); // idempotent
        assertThatThrownBy(() -> own.createTopics(1, "after-close")).isInstanceOf(IllegalStateException.class);

        // nothing listens there any more: the port can be bound again
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // server-side TIME_WAIT connections may remain
            s.bind(new InetSocketAddress(InetAddress.getByName("localhost"), port));
        }
    }

    @Test
    void fixedPortAndGivenLogDirAreUsedAndDirIsKept(@TempDir Path tmp) throws Exception {
        int port = freePort();
        Path dir = tmp.resolve("kafka-data");
        try (EmbeddedKafka own = EmbeddedKafka.builder().logDir(dir).port(port).start()) {
            assertThat(own.bootstrapServers()).isEqualTo("localhost:" + port);
            assertThat(own.logDir()).isEqualTo(dir);
            own.createTopics(1, "fixed");
            Properties p = producerProps();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, own.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                RecordMetadata md = producer.send(new ProducerRecord<>("fixed", "k", "v")).get(30, TimeUnit.SECONDS);
                assertThat(md.offset()).isZero();
            }
        }
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isNotEmpty();
        }
        // a used directory is refused rather than silently mixed with a new cluster
        assertThatThrownBy(() -> EmbeddedKafka.builder().logDir(dir).start())
                .isInstanceOf(IllegalArgumentException.class);
        // a taken fixed port is reported before anything starts, and leaves nothing behind
        Path unused = tmp.resolve("never-used");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
            assertThatThrownBy(() -> EmbeddedKafka.builder().logDir(unused).port(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
        assertThat(unused).doesNotExist();
    }

    // ---------------------------------------------------------------------------------------

    private static List<ConsumerRecord<String, String>> readAll(String topic, int partitions, String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            List<TopicPartition> tps = IntStream.range(0, partitions)
                    .mapToObj(i -> new TopicPartition(topic, i)).collect(Collectors.toList());
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            // for read_committed this is the last stable offset: past the abort marker
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s up to %s", topic, end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // nothing beyond the end either
            consumer.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }

    private static KafkaProducer<String, String> transactionalProducer(String txId) {
        Properties p = producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
        return new KafkaProducer<>(p);
    }

    private static Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
