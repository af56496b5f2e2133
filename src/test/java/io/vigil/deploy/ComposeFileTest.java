package io.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.deploy.ComposeCheck.Inputs;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml agrees with the project (no Docker engine needed): {@link ComposeCheck} finds
 * nothing wrong with the checked-in files, and finds each kind of mistake once it is made in a copy
 * of them, so every rule can fail.
 */
class ComposeFileTest {

    private static Inputs project;

    @BeforeAll
    static void read() throws Exception {
        project = Inputs.read(Path.of("").toAbsolutePath().normalize());
    }

    @Test
    void composeFileAgreesWithTheProject() {
        assertThat(ComposeCheck.problems(project)).isEmpty();
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                // images: .env against pom.xml, services against .env
                env("FLINK_IMAGE=flink:2.2.1-java17", "FLINK_IMAGE=flink:2.1.0-java17", "FLINK_IMAGE in .env"),
                env("FLINK_IMAGE=flink:2.2.1-java17", "FLINK_IMAGE=flink:2.2.1-java11", "FLINK_IMAGE in .env"),
                env("KAFKA_IMAGE=apache/kafka:4.2.0", "KAFKA_IMAGE=apache/kafka:4.1.1", "KAFKA_IMAGE in .env"),
                pom("<kafka.version>4.2.0</kafka.version>", "<kafka.version>4.2.1</kafka.version>", "KAFKA_IMAGE in .env"),
                env("PROMETHEUS_IMAGE=prom/prometheus:v3.5.0", "PROMETHEUS_IMAGE=prom/prometheus:latest", "PROMETHEUS_IMAGE"),
                compose("image: ${PROMETHEUS_IMAGE}", "image: prom/prometheus", "prometheus: image"),
                compose("image: ${FLINK_IMAGE}\n    hostname: jobmanager", "image: flink:latest\n    hostname: jobmanager",
                        "jobmanager: image"),
                compose("image: ${FLINK_IMAGE}", "image: ${FLINK_VERSION}", "${FLINK_VERSION} is not defined"),
                // the job jar and its main class
                env("VIGIL_JAR=vigil-0.1.0-SNAPSHOT.jar", "VIGIL_JAR=vigil-0.1.0.jar", "VIGIL_JAR in .env"),
                pom("<version>0.1.0-SNAPSHOT</version>", "<version>0.2.0</version>", "VIGIL_JAR in .env"),
                compose("- ./target:/opt/vigil/target:ro\n      - ./jobs", "- ./out:/opt/vigil/target:ro\n      - ./jobs",
                        "submit: job jar on the host"),
                pom("<mainClass>io.vigil.job.VigilCli</mainClass>", "<mainClass>io.vigil.job.VigilJob</mainClass>",
                        "main class of the shaded jar"),
                compose("\"io.vigil.job.VigilCli\"]", "\"io.vigil.job.Main\"]", "generator: not `java -cp"),
                // the submitted job and its topics
                compose("/opt/vigil/jobs/docker.yaml", "/opt/vigil/jobs/missing.yaml", "submit: job file"),
                compose("\"run\", \"--job\"", "\"start\", \"--job\"", "do not start with `run`"),
                compose("\"run\", \"--job\"", "\"run\", \"--jobs\"", "submit: the CLI rejects"),
                compose("vigil-dead-letters:1 ", "", "does not create vigil-dead-letters"),
                compose("TOPICS: metrics:4", "TOPICS: metric:4", "does not create metrics"),
                // the generator
                compose("\"--topic\", \"metrics\"", "\"--topic\", \"sensors\"", "generator: publishes to sensors"),
                compose("\"--days\"", "\"--day\"", "generator: the CLI rejects"),
                compose("[\"publish\", \"--synthetic\", ", "[\"publish\", \"--file\", \"x.csv\", ",
                        "generator: publishes no synthetic fleet"),
                compose("\"--bootstrap\", \"kafka:9092\"", "\"--bootstrap\", \"localhost:9092\"", "generator: --bootstrap"),
                compose("INTERNAL://kafka:9092,", "INTERNAL://broker:9092,", "not an advertised listener of kafka"),
                // ports
                compose("\"9090:9090\"", "\"8081:9090\"", "host port 8081 is published by both"),
                compose("\"29092:29092\"", "\"29093:29092\"", "EXTERNAL listener's port 29092"),
                compose("\"8081:8081\"", "\"8082:8082\"", "does not publish rest.port 8081"),
                // mounts and volumes
                compose("./conf/prometheus.yml:", "./conf/prom.yml:", "host path ./conf/prom.yml does not exist"),
                compose("- ./jobs:/opt/vigil/jobs:ro", "- ./job:/opt/vigil/jobs:ro", "host path ./job does not exist"),
                compose("  prometheus-data:\n", "", "volume prometheus-data is not declared"),
                flink("dir: file:///flink-data/checkpoints", "dir: file:///tmp/checkpoints", "execution.checkpointing.dir"),
                compose("JOB_MANAGER_RPC_ADDRESS: jobmanager\n    volumes", "JOB_MANAGER_RPC_ADDRESS: taskmanager\n    volumes",
                        "taskmanager: JOB_MANAGER_RPC_ADDRESS"),
                compose("cp /opt/vigil/conf/config.yaml", "cp /opt/vigil/conf/flink.yaml", "does not start with conf/config.yaml"),
                // Prometheus against Flink's reporter
                flink("port: 9249", "port: 9250", "target jobmanager:9249 is not on the reporter's port 9250"),
                flink("port: 9249", "port: 9250", "are scraped on port 9249, not the reporter's port 9250"),
                flink("factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory", "port2: 1",
                        "metrics.reporter.prom.factory.class"),
                prometheus("targets: [\"jobmanager:9249\"]", "targets: [\"flink:9249\"]", "jobmanager is not scraped"),
                prometheus("names: [\"taskmanager\"]", "names: [\"tm\"]", "scrapes tm, which is no service"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeIsFound(String mistake, UnaryOperator<Inputs> make, String expected) {
        Inputs broken = make.apply(project);
        assertThat(broken).as("the mistake applies to the current files: " + mistake).isNotEqualTo(project);
        List<String> problems = ComposeCheck.problems(broken);
        assertThat(problems).as(mistake).anyMatch(p -> p.contains(expected));
    }

    private static Arguments compose(String from, String to, String expected) {
        return Arguments.of("docker-compose.yml: " + from + " -> " + to, (UnaryOperator<Inputs>) in -> new Inputs(in.root(),
                in.compose().replace(from, to), in.env(), in.pom(), in.flinkConfig(), in.prometheus()), expected);
    }

    private static Arguments env(String from, String to, String expected) {
        return Arguments.of(".env: " + from + " -> " + to, (UnaryOperator<Inputs>) in -> new Inputs(in.root(),
                in.compose(), in.env().replace(from, to), in.pom(), in.flinkConfig(), in.prometheus()), expected);
    }

    private static Arguments pom(String from, String to, String expected) {
        return Arguments.of("pom.xml: " + from + " -> " + to, (UnaryOperator<Inputs>) in -> new Inputs(in.root(),
                in.compose(), in.env(), in.pom().replaceFirst(java.util.regex.Pattern.quote(from), to), in.flinkConfig(),
                in.prometheus()), expected);
    }

    private static Arguments flink(String from, String to, String expected) {
        return Arguments.of("conf/config.yaml: " + from + " -> " + to, (UnaryOperator<Inputs>) in -> new Inputs(in.root(),
                in.compose(), in.env(), in.pom(), in.flinkConfig().replace(from, to), in.prometheus()), expected);
    }

    private static Arguments prometheus(String from, String to, String expected) {
        return Arguments.of("conf/prometheus.yml: " + from + " -> " + to, (UnaryOperator<Inputs>) in -> new Inputs(in.root(),
                in.compose(), in.env(), in.pom(), in.flinkConfig(), in.prometheus().replace(from, to)), expected);
    }
}
