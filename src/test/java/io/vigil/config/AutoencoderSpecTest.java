package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.autoencoder.AutoencoderConfig;
import io.vigil.detect.autoencoder.DenseAutoencoder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The {@code detectors.autoencoder} block of a job spec. */
class AutoencoderSpecTest {

    @Test
    void shippedDefaultsListEveryKeyWithItsDefault() {
        JobSpec spec = JobSpec.load(Path.of("jobs/default.yaml"));
        assertThat(spec.detectors().enabled()).doesNotContain("autoencoder");
        // the file's values are the builder's defaults, with the spec's seed
        assertThat(spec.detectors().config("autoencoder", AutoencoderConfig.class))
                .isEqualTo(AutoencoderConfig.builder().seed(spec.seed()).build());
        assertThat(JobSpec.parse("").detectors().config("autoencoder", AutoencoderConfig.class))
                .isEqualTo(spec.detectors().config("autoencoder", AutoencoderConfig.class));
    }

    @Test
    void readsEveryKeyAndTheSeed() {
        JobSpec spec = JobSpec.parse("""
                seed: 7
                detectors:
                  autoencoder:
                    enabled: true
                    hidden: [16, 3, 16]
                    activation: tanh
                    window: 24
                    sampleSize: 600
                    minSample: 100
                    retrainEvery: 250
                    retrainInterval: 1h
                    maxEpochs: 80
                    patience: 4
                    batchSize: 16
                    learningRate: 0.01
                    validationFraction: 0.25
                    warmStart: false
                    contamination: 0.02
                    calibrationWindow: 500
                    tailFraction: 0.2
                """);
        assertThat(spec.detectors().enabled()).contains("autoencoder");
        AutoencoderConfig c = spec.detectors().config("autoencoder", AutoencoderConfig.class);
        assertThat(c).isEqualTo(AutoencoderConfig.builder().seed(7).hidden(16, 3, 16)
                .activation(DenseAutoencoder.Activation.TANH).window(24).sampleSize(600).minSample(100)
                .retrainEvery(250).retrainIntervalMillis(3_600_000L).maxEpochs(80).patience(4).batchSize(16)
                .learningRate(0.01).validationFraction(0.25).warmStart(false).contamination(0.02)
                .calibrationWindow(500).tailFraction(0.2).build());
        assertThat(c.threshold()).isEqualTo(0.98);
    }

    @Test
    void badValuesNameTheirKeyAndValue() {
        assertThatThrownBy(() -> JobSpec.parse("detectors: {autoencoder: {contamination: 0.9}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("detectors.autoencoder.contamination")
                .hasMessageContaining("0.9");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {autoencoder: {hidden: [8, two, 8]}}"))
                .hasMessageContaining("detectors.autoencoder.hidden").hasMessageContaining("two");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {autoencoder: {activation: sigmoid}}"))
                .hasMessageContaining("detectors.autoencoder.activation").hasMessageContaining("sigmoid");
        assertThatThrownBy(() -> JobSpec.parse("overrides: [{match: 'a*', detectors: {autoencoder: {window: 1}}}]"))
                .hasMessageContaining("overrides[0].detectors.autoencoder.window").hasMessageContaining("1");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {autoencoder: {epochs: 5}}"))
                .hasMessageContaining("detectors.autoencoder.epochs").hasMessageContaining("unknown key");
    }
}
