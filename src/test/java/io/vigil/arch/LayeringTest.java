package io.vigil.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The detectors are plain Java: no Flink or Kafka type may appear under {@code io.vigil.detect}
 * (or the evaluation code), so they run the same in the operator, the backtest and a unit test.
 */
class LayeringTest {

    private static final Path MAIN = Path.of("src/main/java/io/vigil");

    private static List<String> offenders(String pkg, String... forbidden) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(f -> f.toString().endsWith(".java")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream()
                            .filter(l -> l.startsWith("import "))
                            .filter(l -> Stream.of(forbidden).anyMatch(l::contains))
                            .map(l -> MAIN.relativize(f) + ": " + l);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void detectorsDoNotDependOnFlinkOrKafka() throws IOException {
        assertThat(Files.isDirectory(MAIN.resolve("detect"))).isTrue();
        assertThat(offenders("detect", "org.apache.flink", "org.apache.kafka", "io.vigil.operator", "io.vigil.job"))
                .isEmpty();
    }

    @Test
    void evaluationDoesNotDependOnFlinkOrKafka() throws IOException {
        assertThat(offenders("eval", "org.apache.flink", "org.apache.kafka")).isEmpty();
    }
}
