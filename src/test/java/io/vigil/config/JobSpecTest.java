package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.forecast.ForecastConfig;
import io.vigil.detect.stl.StlConfig;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobSpecTest {

    @Test
    void shippedDefaultJobLoads() {
        JobSpec spec = JobSpec.load(Path.of("jobs/default.yaml"));
        assertThat(spec.kafka().inputTopics()).containsExactly("metrics");
        assertThat(spec.kafka().delivery()).isEqualTo(JobSpec.Delivery.EXACTLY_ONCE);
        assertThat(spec.detectors().config("stl", StlConfig.class).period()).isEqualTo(StlConfig.AUTO);
        assertThat(spec.detectorsFor("shop/monthly/sales").config("stl", StlConfig.class).period()).isEqualTo(12);
        assertThat(spec.detectorsFor("plant-7/boiler-3/temp").config("stl", StlConfig.class).period()).isEqualTo(StlConfig.AUTO);
    }

    @Test
    void everyShippedJobLoads() throws java.io.IOException {
        try (var jobs = java.nio.file.Files.list(Path.of("jobs"))) {
            List<Path> files = jobs.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(files).hasSizeGreaterThanOrEqualTo(2);
            for (Path f : files) {
                assertThat(JobSpec.load(f).name()).as(f.toString()).isNotBlank();
            }
        }
        assertThat(JobSpec.load(Path.of("jobs/docker.yaml")).kafka().hasCleanedTopic()).isTrue();
    }

    @Test
    void onlyDetectorsAppliesToDefaultsAndOverridesAndRefusesUnknownNames() {
        JobSpec spec = JobSpec.load(Path.of("jobs/default.yaml"));
        assertThat(spec.withOnlyDetectors(List.of("stl")).detectorsFor("shop/monthly/sales").enabled())
                .containsExactly("stl");
        JobSpec none = spec.withOnlyDetectors(List.of());
        assertThat(none.detectors().enabled()).isEmpty();
        assertThat(none.detectorsFor("shop/monthly/sales").enabled()).isEmpty();
        assertThatThrownBy(() -> spec.withOnlyDetectors(List.of("stl", "nosuch")))
                .hasMessageContaining("unknown detector 'nosuch'").hasMessageContaining("stl");
    }

    @Test
    void emptySpecMeansDefaults() {
        JobSpec spec = JobSpec.parse("");
        assertThat(spec.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(spec.time().maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.detectors().enabled()).contains("stl");
    }

    @Test
    void overridesMergeOverDefaultsAndFirstMatchWins() {
        JobSpec spec = JobSpec.parse("""
                detectors: {stl: {threshold: 0.99, windowPeriods: 5}}
                overrides:
                  - match: "plant-7/*"
                    detectors: {stl: {period: 288}}
                  - match: "plant-*"
                    detectors: {stl: {period: 24}}
                """);
        StlConfig c = spec.detectorsFor("plant-7/boiler/temp").config("stl", StlConfig.class);
        assertThat(c.period()).isEqualTo(288);
        assertThat(c.threshold()).isEqualTo(0.99);
        assertThat(c.windowPeriods()).isEqualTo(5);
        assertThat(spec.detectorsFor("plant-8/x").config("stl", StlConfig.class).period()).isEqualTo(24);
        assertThat(spec.detectorsFor("other").config("stl", StlConfig.class).period()).isEqualTo(StlConfig.AUTO);
    }

    @Test
    void kafkaPropertiesPassThrough() {
        JobSpec spec = JobSpec.parse("""
                kafka:
                  properties: {security.protocol: SASL_SSL, sasl.mechanism: PLAIN}
                """);
        assertThat(spec.kafka().properties()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    }

    @Test
    void badValuesFailNamingTheKeyAndTheValue() {
        assertThatThrownBy(() -> JobSpec.parse("detectors: {stl: {threshold: 1.5}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("detectors.stl.threshold").hasMessageContaining("1.5");
        assertThatThrownBy(() -> JobSpec.parse("kafka: {transactionTimeout: 1h}"))
                .hasMessageContaining("kafka.transactionTimeout").hasMessageContaining("PT1H");
        assertThatThrownBy(() -> JobSpec.parse("kafka: {transactionTimeout: soon}"))
                .hasMessageContaining("kafka.transactionTimeout").hasMessageContaining("soon");
        assertThatThrownBy(() -> JobSpec.parse("kafka: {deliveryGuarantee: maybe}"))
                .hasMessageContaining("kafka.deliveryGuarantee").hasMessageContaining("maybe");
        assertThatThrownBy(() -> JobSpec.parse("kafka: {bootstrapServers: 'no port here'}"))
                .hasMessageContaining("kafka.bootstrapServers").hasMessageContaining("no port here");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {stl: {period: twelve}}"))
                .hasMessageContaining("detectors.stl.period").hasMessageContaining("twelve");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {stl: {seasonalSpan: 8}}"))
                .hasMessageContaining("detectors.stl.seasonalSpan").hasMessageContaining("8");
        assertThatThrownBy(() -> JobSpec.parse("overrides: [{match: 'a*', detectors: {stl: {windowPeriods: 1}}}]"))
                .hasMessageContaining("overrides[0].detectors.stl.windowPeriods").hasMessageContaining("1");
        assertThatThrownBy(() -> JobSpec.parse("limits: {minValue: 5, maxValue: 1}"))
                .hasMessageContaining("limits.maxValue");
    }

    @Test
    void forecastKeysAreReadAndBadValuesNameTheKey() {
        JobSpec shipped = JobSpec.load(Path.of("jobs/default.yaml"));
        assertThat(shipped.detectors().enabled()).containsExactly("stl", "forecast", "range");
        assertThat(shipped.detectors().config("forecast", ForecastConfig.class)).isEqualTo(ForecastConfig.builder().build());
        assertThat(shipped.detectorsFor("shop/monthly/sales").config("forecast", ForecastConfig.class).period())
                .isEqualTo(12);
        ForecastConfig c = JobSpec.parse("""
                detectors: {forecast: {model: holt-winters, seasonality: multiplicative, extraPeriods: [168],
                  onAnomaly: expected, intervalWidth: 0.95, period: 24}}
                """).detectors().config("forecast", ForecastConfig.class);
        assertThat(c.model()).isEqualTo(ForecastConfig.Model.HOLT_WINTERS);
        assertThat(c.seasonality()).isEqualTo(ForecastConfig.Seasonality.MULTIPLICATIVE);
        assertThat(c.extraPeriods()).containsExactly(168);
        assertThat(c.onAnomaly()).isEqualTo(ForecastConfig.OnAnomaly.EXPECTED);
        assertThat(c.intervalWidth()).isEqualTo(0.95);
        assertThat(c.period()).isEqualTo(24);
        assertThatThrownBy(() -> JobSpec.parse("detectors: {forecast: {model: arima}}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("detectors.forecast.model")
                .hasMessageContaining("arima");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {forecast: {extraPeriods: [weekly]}}"))
                .hasMessageContaining("detectors.forecast.extraPeriods").hasMessageContaining("weekly");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {forecast: {intervalWidth: 0.9999}}"))
                .hasMessageContaining("detectors.forecast.threshold").hasMessageContaining("0.999");
        assertThatThrownBy(() -> JobSpec.parse("overrides: [{match: 'a*', detectors: {forecast: {arOrder: 99}}}]"))
                .hasMessageContaining("overrides[0].detectors.forecast.arOrder").hasMessageContaining("99");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {forecast: {aroder: 2}}"))
                .hasMessageContaining("detectors.forecast.aroder").hasMessageContaining("unknown key");
    }

    @Test
    void unknownKeysAreRefusedSoTyposDoNotFallBackToDefaults() {
        assertThatThrownBy(() -> JobSpec.parse("detectors: {stl: {treshold: 0.9}}"))
                .hasMessageContaining("detectors.stl.treshold").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> JobSpec.parse("kafak: {}")).hasMessageContaining("kafak");
    }

    @Test
    void missingFileIsNamed() {
        assertThatThrownBy(() -> JobSpec.load(Path.of("jobs/nope.yaml"))).hasMessageContaining("jobs/nope.yaml");
    }
}
