package io.vigil.detect.range;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.config.JobSpec;
import io.vigil.detect.Verdict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RangeDetectorTest {

    private static final long MINUTE = 60_000L;

    /** A bounded stationary series: a daily-like sine plus uniform noise, never beyond [-1.2, 1.2]. */
    private static double bounded(SplittableRandom r, int t) {
        return Math.sin(2 * Math.PI * t / 96) + 0.2 * (2 * r.nextDouble() - 1);
    }

    @Test
    void coldUntilArmedThenFiresOnlyBeyondThePastRangeAndRarerTheFurther() {
        RangeDetector d = new RangeDetector(RangeConfig.DEFAULTS);
        RangeState s = d.newState();
        SplittableRandom r = new SplittableRandom(7);
        int t = 0;
        for (; t < RangeConfig.DEFAULTS.minPoints(); t++) {
            assertThat(d.update(s, t * MINUTE, bounded(r, t)).ready()).isFalse();
        }
        int fired = 0;
        for (; t < 3000; t++) {
            Verdict v = d.update(s, t * MINUTE, bounded(r, t) * 0.99); // inside the range the warm-up set
            assertThat(v.ready()).isTrue();
            fired += v.anomaly() ? 1 : 0;
            assertThat(v.upper()).isEqualTo(s.max());
        }
        assertThat(fired).isZero();
        double range = s.max() - s.min();
        Verdict small = d.update(s, t++ * MINUTE, s.max() + 0.05 * range);
        assertThat(small.anomaly()).isTrue();
        assertThat(-Math.log10(1 - small.score())).isCloseTo(6 + 30 * 0.05, org.assertj.core.data.Offset.offset(0.01));
        assertThat(d.explain(s, s.max(), small)).contains("above the highest value so far");
        // the next new extreme within quietPoints is not an anomaly: extremes are now frequent
        Verdict again = d.update(s, t++ * MINUTE, s.max() + 0.5 * range);
        assertThat(again.ready()).isTrue();
        assertThat(again.anomaly()).isFalse();
        for (int i = 0; i <= RangeConfig.DEFAULTS.quietPoints(); i++) {
            d.update(s, t++ * MINUTE, 0.0);
        }
        Verdict far = d.update(s, t++ * MINUTE, s.min() - 2 * (s.max() - s.min()));
        assertThat(far.anomaly()).isTrue();
        assertThat(far.score()).isGreaterThan(small.score());
        assertThat(-Math.log10(1 - far.score())).isCloseTo(RangeConfig.MAX_RARITY, org.assertj.core.data.Offset.offset(0.01));
        assertThat(d.explain(s, s.min(), far)).contains("below the lowest value so far");
    }

    @Test
    void aTrendingSeriesSetsNewExtremesAllTheTimeAndNeverFires() {
        RangeDetector d = new RangeDetector(RangeConfig.DEFAULTS);
        RangeState s = d.newState();
        SplittableRandom r = new SplittableRandom(11);
        int fired = 0;
        int extremes = 0;
        for (int t = 0; t < 5000; t++) {
            double v = 0.05 * t + r.nextGaussian(); // growth plus noise: a new high every few points
            extremes += v > s.max() && t > RangeConfig.DEFAULTS.minPoints() ? 1 : 0;
            fired += d.update(s, t * MINUTE, v).anomaly() ? 1 : 0;
        }
        assertThat(extremes).isGreaterThan(50);
        // only the first new high after the warm-up can fire; every later one follows another within quietPoints
        assertThat(fired).isLessThanOrEqualTo(1);
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() throws IOException {
        RangeDetector d = new RangeDetector(RangeConfig.DEFAULTS.withMinPoints(50).withQuietPoints(10));
        RangeState a = d.newState();
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < 400; t++) {
            d.update(a, t * MINUTE, bounded(r, t));
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        a.write(new DataOutputStream(bo));
        RangeState b = RangeState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(b).isEqualTo(a);
        assertThat(bo.size()).isEqualTo(33);
        for (int t = 400; t < 800; t++) {
            double v = t % 97 == 0 ? 5.0 * (t % 2 == 0 ? 1 : -1) : bounded(r, t);
            assertThat(d.update(b, t * MINUTE, v)).isEqualTo(d.update(a, t * MINUTE, v));
        }
        byte[] bad = bo.toByteArray();
        bad[0] = 9;
        assertThatThrownBy(() -> RangeState.read(new DataInputStream(new ByteArrayInputStream(bad))))
                .hasMessageContaining("RangeState version 9");
    }

    @Test
    void badSettingsNameTheKeyAndTheValue() {
        assertThatThrownBy(() -> JobSpec.parse("detectors: {range: {tolerance: -0.1}}"))
                .hasMessageContaining("detectors.range.tolerance").hasMessageContaining("-0.1");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {range: {minPoints: 1}}"))
                .hasMessageContaining("detectors.range.minPoints").hasMessageContaining("1");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {range: {rarity: 13}}"))
                .hasMessageContaining("detectors.range.rarity").hasMessageContaining("13");
        assertThatThrownBy(() -> JobSpec.parse("detectors: {range: {quiet: 5}}"))
                .hasMessageContaining("detectors.range").hasMessageContaining("quiet");
        assertThatThrownBy(() -> new RangeConfig(0, 100, 6, -1, 100, 0.999))
                .hasMessageContaining("detectors.range.rarityPerRange").hasMessageContaining("-1");
        RangeConfig read = JobSpec.parse("detectors: {range: {tolerance: 0.02, minPoints: 200, quietPoints: 0}}")
                .detectors().config("range", RangeConfig.class);
        assertThat(read).isEqualTo(new RangeConfig(0.02, 200, 6, 30, 0, 0.999));
        assertThat(JobSpec.parse("{}").detectors().enabled()).contains(RangeDetector.NAME);
    }
}
