package io.vigil.detect.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.DetectorSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ForecastConfigTest {

    private static void refused(UnaryOperator<ForecastConfig.Builder> setting, String key, String value) {
        assertThatThrownBy(() -> setting.apply(ForecastConfig.builder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("detectors.forecast." + key)
                .hasMessageContaining(value);
    }

    @Test
    void badValuesAreRefusedNamingTheKeyAndTheValue() {
        refused(b -> b.period(1), "period", "1");
        refused(b -> b.extraPeriods(24, 1), "extraPeriods", "[24, 1]");
        refused(b -> b.minPeriod(1), "minPeriod", "1");
        refused(b -> b.minPeriod(10).maxPeriod(5), "maxPeriod", "5");
        refused(b -> b.windowPeriods(1), "windowPeriods", "1");
        refused(b -> b.nonSeasonalWindow(8), "nonSeasonalWindow", "8");
        refused(b -> b.refitEvery(0), "refitEvery", "0");
        refused(b -> b.arOrder(21), "arOrder", "21");
        refused(b -> b.seasonalArOrder(4), "seasonalArOrder", "4");
        refused(b -> b.differencing(3), "differencing", "3");
        refused(b -> b.seasonalDifferencing(2), "seasonalDifferencing", "2");
        refused(b -> b.fourierOrder(0), "fourierOrder", "0");
        refused(b -> b.changepoints(-1), "changepoints", "-1");
        refused(b -> b.intervalWidth(1.0), "intervalWidth", "1.0");
        refused(b -> b.threshold(0.0), "threshold", "0.0");
        refused(b -> b.intervalWidth(0.99).threshold(0.95), "threshold", "0.95");
        refused(b -> b.shiftAfter(0), "shiftAfter", "0");
        refused(b -> b.calibrationWindow(10), "calibrationWindow", "10");
        refused(b -> b.minCalibration(2000), "minCalibration", "2000");
        refused(b -> b.tailFraction(0.6), "tailFraction", "0.6");
        refused(b -> b.maxGapFill(-2), "maxGapFill", "-2");
        refused(b -> b.model(null), "model", "null");
    }

    @Test
    void defaultsAreTheShippedOnesAndTheDetectorIsOnByDefault() {
        ForecastConfig c = ForecastConfig.builder().build();
        assertThat(c.name()).isEqualTo("forecast");
        assertThat(c.model()).isEqualTo(ForecastConfig.Model.AR);
        assertThat(c.period()).isEqualTo(ForecastConfig.AUTO);
        assertThat(c.intervalWidth()).isEqualTo(0.99);
        assertThat(c.threshold()).isEqualTo(0.999);
        assertThat(c.newDetector()).isInstanceOf(ForecastDetector.class);
        assertThat(DetectorSettings.ALL).startsWith("stl", "forecast");
        assertThat(DetectorSettings.defaults().enabled()).containsExactly("stl", "forecast", "range");
        assertThat(DetectorSettings.defaults().config("forecast")).isEqualTo(c);
    }

    @Test
    void valueEqualityAndJavaSerialization() throws Exception {
        ForecastConfig a = ForecastConfig.builder().model(ForecastConfig.Model.FOURIER).extraPeriods(168).build();
        ForecastConfig b = ForecastConfig.builder().model(ForecastConfig.Model.FOURIER).extraPeriods(168).build();
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(ForecastConfig.builder().model(ForecastConfig.Model.FOURIER).build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(a);
        }
        int[] periods = a.extraPeriods();
        periods[0] = 5; // the config hands out copies
        assertThat(a.extraPeriods()).containsExactly(168);
    }
}
