package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.kmeans.KMeansConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KMeansJobSpecTest {

    @Test
    void shippedDefaultListsEveryKeyAtItsDefaultAndOff() {
        JobSpec spec = JobSpec.load(Path.of("jobs/default.yaml"));
        assertThat(spec.detectors().enabled()).doesNotContain("kmeans");
        KMeansConfig c = spec.detectors().config("kmeans", KMeansConfig.class);
        assertThat(c).isEqualTo(KMeansConfig.builder().seed(42).build());
        assertThat(JobSpec.parse("").detectors().config("kmeans", KMeansConfig.class)).isEqualTo(c);
    }

    @Test
    void readsEveryKeyAndTheSpecsSeed() {
        JobSpec spec = JobSpec.parse("""
                seed: 7
                detectors:
                  kmeans: {enabled: true, window: 12, k: 4, minK: 2, maxK: 10, pca: false, pcaVariance: 0.9,
                           sampleSize: 500, minSample: 50, retrainEvery: 100, retrainInterval: 1h,
                           minClusterShare: 0.05, outliersFraction: 0.01, tailFraction: 0.2}
                """);
        assertThat(spec.detectors().enabled()).contains("kmeans");
        assertThat(spec.detectors().config("kmeans", KMeansConfig.class)).isEqualTo(KMeansConfig.builder()
                .seed(7).window(12).k(4).minK(2).maxK(10).pca(false).pcaVariance(0.9).sampleSize(500).minSample(50)
                .retrainEvery(100).retrainIntervalMs(3_600_000L).minClusterShare(0.05).outliersFraction(0.01)
                .tailFraction(0.2).build());
        assertThat(spec.detectors().threshold("kmeans")).isEqualTo(0.99);
    }

    @Test
    void overridesSwitchItOnPerSeries() {
        JobSpec spec = JobSpec.parse("""
                overrides:
                  - match: "hotels/*"
                    detectors: {kmeans: {enabled: true, outliersFraction: 0.02}}
                """);
        assertThat(spec.detectorsFor("hotels/42").enabled()).contains("kmeans");
        assertThat(spec.detectorsFor("hotels/42").threshold("kmeans")).isEqualTo(0.98);
        assertThat(spec.detectorsFor("plant/1").enabled()).doesNotContain("kmeans");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> JobSpec.parse("detectors: {kmeans: {windw: 8}}"))
                .hasMessageContaining("detectors.kmeans.windw").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {kmeans: {outliersFraction: 0}}"))
                .hasMessageContaining("detectors.kmeans.outliersFraction").hasMessageContaining("got 0");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {kmeans: {k: many}}"))
                .hasMessageContaining("detectors.kmeans.k").hasMessageContaining("many");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {kmeans: {pcaVariance: 0}}"))
                .hasMessageContaining("detectors.kmeans.pcaVariance").hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> JobSpec.parse("overrides: [{match: 'a*', detectors: {kmeans: {minClusterShare: 0.3}}}]"))
                .hasMessageContaining("overrides[0].detectors.kmeans.minClusterShare").hasMessageContaining("0.3");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {kmeans: {retrainInterval: soon}}"))
                .hasMessageContaining("detectors.kmeans.retrainInterval").hasMessageContaining("soon");
    }
}
