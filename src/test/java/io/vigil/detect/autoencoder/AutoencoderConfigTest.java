package io.vigil.detect.autoencoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.DetectorSettings;
import org.junit.jupiter.api.Test;

class AutoencoderConfigTest {

    @Test
    void defaultsAndThresholdModes() {
        AutoencoderConfig c = AutoencoderConfig.builder().build();
        assertThat(c.name()).isEqualTo("autoencoder");
        assertThat(c.hidden()).containsExactly(8, 2, 8);
        assertThat(c.contamination()).isEqualTo(AutoencoderConfig.AUTO);
        assertThat(c.threshold()).isEqualTo(0.999);
        assertThat(AutoencoderConfig.builder().contamination(0.05).build().threshold()).isEqualTo(0.95);
        assertThat(c.newDetector()).isInstanceOf(AutoencoderDetector.class);
    }

    @Test
    void valueEqualityIncludesTheSeed() {
        assertThat(AutoencoderConfig.builder().hidden(4, 1, 4).seed(3).build())
                .isEqualTo(AutoencoderConfig.builder().hidden(4, 1, 4).seed(3).build())
                .hasSameHashCodeAs(AutoencoderConfig.builder().hidden(4, 1, 4).seed(3).build())
                .isNotEqualTo(AutoencoderConfig.builder().hidden(4, 1, 4).seed(4).build())
                .isNotEqualTo(AutoencoderConfig.builder().hidden(4, 2, 4).seed(3).build());
        int[] widths = {4, 1, 4};
        AutoencoderConfig c = AutoencoderConfig.builder().hidden(widths).build();
        widths[1] = 3;
        assertThat(c.hidden()).containsExactly(4, 1, 4); // immutable
    }

    @Test
    void refusesBadValuesNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> AutoencoderConfig.builder().hidden().build())
                .hasMessageContaining("detectors.autoencoder.hidden").hasMessageContaining("[]");
        assertThatThrownBy(() -> AutoencoderConfig.builder().hidden(8, 0, 8).build())
                .hasMessageContaining("detectors.autoencoder.hidden").hasMessageContaining("[8, 0, 8]");
        assertThatThrownBy(() -> AutoencoderConfig.builder().window(1).build())
                .hasMessageContaining("detectors.autoencoder.window").hasMessageContaining("got 1");
        assertThatThrownBy(() -> AutoencoderConfig.builder().sampleSize(256).minSample(300).build())
                .hasMessageContaining("detectors.autoencoder.minSample").hasMessageContaining("300");
        assertThatThrownBy(() -> AutoencoderConfig.builder().contamination(0.7).build())
                .hasMessageContaining("detectors.autoencoder.contamination").hasMessageContaining("0.7")
                .hasMessageContaining("auto");
        assertThatThrownBy(() -> AutoencoderConfig.builder().learningRate(0).build())
                .hasMessageContaining("detectors.autoencoder.learningRate");
        assertThatThrownBy(() -> AutoencoderConfig.builder().maxEpochs(10).patience(20).build())
                .hasMessageContaining("detectors.autoencoder.patience").hasMessageContaining("20");
        assertThatThrownBy(() -> AutoencoderConfig.builder().validationFraction(0.9).build())
                .hasMessageContaining("detectors.autoencoder.validationFraction").hasMessageContaining("0.9");
        assertThatThrownBy(() -> AutoencoderConfig.builder().retrainIntervalMillis(-1).build())
                .hasMessageContaining("detectors.autoencoder.retrainInterval");
    }

    @Test
    void registeredOffByDefault() {
        assertThat(DetectorSettings.ALL).contains("autoencoder");
        assertThat(DetectorSettings.defaults().config("autoencoder", AutoencoderConfig.class))
                .isEqualTo(AutoencoderConfig.builder().build());
        assertThat(DetectorSettings.defaults().enabled()).doesNotContain("autoencoder");
        assertThat(io.vigil.detect.DetectorStates.reader("autoencoder")).isNotNull();
    }
}
