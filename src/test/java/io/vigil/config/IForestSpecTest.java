package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.DetectorSettings;
import io.vigil.detect.iforest.IForestConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code detectors.iforest} section of the job spec and the config's own validation. */
class IForestSpecTest {

    @Test
    void defaultYamlListsEveryKeyWithItsDefaultAndKeepsTheDetectorOff() throws Exception {
        JobSpec spec = JobSpec.load(Path.of("jobs/default.yaml"));
        IForestConfig c = spec.detectors().config("iforest", IForestConfig.class);
        assertThat(c).isEqualTo(IForestConfig.builder().seed(spec.seed()).build());
        assertThat(spec.detectors().enabled()).doesNotContain("iforest");
        assertThat(DetectorSettings.defaults().enabled()).doesNotContain("iforest");
        assertThat(DetectorSettings.ALL).contains("iforest");
    }

    @Test
    void readsEveryKeyAndTakesTheSpecsSeed() {
        JobSpec spec = JobSpec.parse("""
                seed: 7
                detectors:
                  iforest: {enabled: true, trees: 50, subsample: 64, sampleSize: 1024, minSample: 128,
                            retrainEvery: 100, retrainInterval: 1h, contamination: 0.02, tailFraction: 0.2,
                            differences: false, seasonalPeriod: 24, rollingWindow: 0, timeOfDay: false,
                            dayOfWeek: true, modelCache: 10}
                """);
        IForestConfig c = spec.detectors().config("iforest", IForestConfig.class);
        assertThat(spec.detectors().enabled()).contains("iforest");
        assertThat(c).isEqualTo(IForestConfig.builder().seed(7).trees(50).subsample(64).sampleSize(1024).minSample(128)
                .retrainEvery(100).retrainIntervalMillis(3_600_000L).contamination(0.02).tailFraction(0.2)
                .differences(false).seasonalPeriod(24).rollingWindow(0).timeOfDay(false).dayOfWeek(true)
                .modelCache(10).build());
        assertThat(c.threshold()).isEqualTo(0.98);
        assertThat(c.seed()).isEqualTo(7);
    }

    @Test
    void contaminationAutoIsTheFixedRarityCut() {
        IForestConfig c = JobSpec.parse("detectors: {iforest: {contamination: auto}}").detectors()
                .config("iforest", IForestConfig.class);
        assertThat(c.autoContamination()).isTrue();
        assertThat(c.threshold()).isEqualTo(IForestConfig.AUTO_THRESHOLD);
    }

    @Test
    void badValuesNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {contamination: 0.7}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("detectors.iforest.contamination")
                .hasMessageContaining("0.7");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {contamination: 0}}"))
                .hasMessageContaining("detectors.iforest.contamination").hasMessageContaining("got 0");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {contamination: some}}"))
                .hasMessageContaining("detectors.iforest.contamination").hasMessageContaining("some");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {subsample: 4000}}"))
                .hasMessageContaining("detectors.iforest.subsample").hasMessageContaining("4000")
                .hasMessageContaining("sampleSize");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {minSample: 8}}"))
                .hasMessageContaining("detectors.iforest.minSample").hasMessageContaining("8");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {seasonalPeriod: 1}}"))
                .hasMessageContaining("detectors.iforest.seasonalPeriod").hasMessageContaining("1");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {retrainInterval: soon}}"))
                .hasMessageContaining("detectors.iforest.retrainInterval").hasMessageContaining("soon");
        assertThatThrownBy(() -> JobSpec.parse("overrides: [{match: 'a*', detectors: {iforest: {trees: 0}}}]"))
                .hasMessageContaining("overrides[0].detectors.iforest.trees").hasMessageContaining("0");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {iforest: {tress: 10}}"))
                .hasMessageContaining("detectors.iforest.tress").hasMessageContaining("unknown key");
    }

    @Test
    void theBuilderValidatesToo() {
        assertThatThrownBy(() -> IForestConfig.builder().rollingWindow(1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detectors.iforest.rollingWindow")
                .hasMessageContaining("1");
        assertThatThrownBy(() -> IForestConfig.builder().modelCache(0).build())
                .hasMessageContaining("detectors.iforest.modelCache");
        assertThatThrownBy(() -> IForestConfig.builder().contamination(-0.1).build())
                .hasMessageContaining("detectors.iforest.contamination").hasMessageContaining("-0.1");
        assertThat(IForestConfig.builder().build()).isEqualTo(IForestConfig.builder().build())
                .hasSameHashCodeAs(IForestConfig.builder().build())
                .isNotEqualTo(IForestConfig.builder().seed(1).build());
    }
}
