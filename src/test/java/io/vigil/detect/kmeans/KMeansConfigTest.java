package io.vigil.detect.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.DetectorSettings;
import org.junit.jupiter.api.Test;

class KMeansConfigTest {

    @Test
    void defaultsAreValidAndOffInTheDefaultSettings() {
        KMeansConfig c = KMeansConfig.builder().build();
        assertThat(c.name()).isEqualTo("kmeans");
        assertThat(c.k()).isEqualTo(KMeansConfig.AUTO_K);
        assertThat(c.threshold()).isEqualTo(KMeansConfig.AUTO_THRESHOLD);
        assertThat(c.newDetector()).isInstanceOf(KMeansDetector.class);
        assertThat(DetectorSettings.ALL).contains("kmeans");
        assertThat(DetectorSettings.defaults().on()).doesNotContain("kmeans");
        assertThat(DetectorSettings.defaults().config("kmeans", KMeansConfig.class)).isEqualTo(c);
        assertThat(DetectorSettings.of(c).enabled()).containsExactly("kmeans");
    }

    @Test
    void outliersFractionSetsTheThreshold() {
        assertThat(KMeansConfig.builder().outliersFraction(0.01).build().threshold()).isEqualTo(0.99);
        assertThat(KMeansConfig.builder().outliersFraction(0.5).build().threshold()).isEqualTo(0.5);
    }

    @Test
    void valueEquality() {
        assertThat(KMeansConfig.builder().window(4).seed(7).build())
                .isEqualTo(KMeansConfig.builder().window(4).seed(7).build())
                .hasSameHashCodeAs(KMeansConfig.builder().window(4).seed(7).build())
                .isNotEqualTo(KMeansConfig.builder().window(4).seed(8).build());
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertBad(b -> b.window(0), "detectors.kmeans.window", "got 0");
        assertBad(b -> b.k(-1), "detectors.kmeans.k", "got -1");
        assertBad(b -> b.minK(3).maxK(4), "detectors.kmeans.maxK", "got 4");
        assertBad(b -> b.pcaVariance(0), "detectors.kmeans.pcaVariance", "got 0.0");
        assertBad(b -> b.pcaVariance(1.5), "detectors.kmeans.pcaVariance", "got 1.5");
        assertBad(b -> b.sampleSize(10), "detectors.kmeans.sampleSize", "got 10");
        assertBad(b -> b.minSample(2000), "detectors.kmeans.minSample", "got 2000");
        assertBad(b -> b.k(40).minSample(60), "detectors.kmeans.minSample", "largest k (40)");
        assertBad(b -> b.retrainEvery(0), "detectors.kmeans.retrainEvery", "got 0");
        assertBad(b -> b.retrainIntervalMs(-1), "detectors.kmeans.retrainInterval", "got -1ms");
        assertBad(b -> b.minClusterShare(0.2), "detectors.kmeans.minClusterShare", "got 0.2");
        assertBad(b -> b.outliersFraction(0.7), "detectors.kmeans.outliersFraction", "got 0.7");
        assertBad(b -> b.outliersFraction(-0.1), "detectors.kmeans.outliersFraction", "got -0.1");
        assertBad(b -> b.tailFraction(0.9), "detectors.kmeans.tailFraction", "got 0.9");
    }

    private static void assertBad(java.util.function.UnaryOperator<KMeansConfig.Builder> set, String key, String value) {
        assertThatThrownBy(() -> set.apply(KMeansConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + ": ")
                .hasMessageContaining(value);
    }
}
