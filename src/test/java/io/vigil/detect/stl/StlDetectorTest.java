package io.vigil.detect.stl;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.Verdict;
import io.vigil.io.CsvSeriesReader;
import io.vigil.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StlDetectorTest {

    private static final long HOUR = 3_600_000L;

    /** Hourly, daily cycle, slow trend, Gaussian noise. */
    private static double[] signal(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            double u = 1.0 - r.nextDouble();
            double g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
            y[t] = 50 + 10 * Math.sin(2 * Math.PI * t / 24) + 0.02 * t + g;
        }
        return y;
    }

    @Test
    void aNewSeriesStartsWithSmallArraysThatGrowToTheWindow() {
        StlDetector d = new StlDetector(StlConfig.builder().build()); // period auto: a window of up to 1,501 values
        StlState s = d.newState();
        assertThat(s.ring.length).isLessThanOrEqualTo(StlState.INITIAL_RING);
        for (int i = 0; i < 3; i++) {
            d.update(s, i * 3_600_000L, 10 + i);
        }
        assertThat(s.ring.length).isLessThanOrEqualTo(StlState.INITIAL_RING);
        for (int i = 3; i < 2_000; i++) {
            d.update(s, i * 3_600_000L, 10 + Math.sin(2 * Math.PI * i / 24));
        }
        assertThat(s.period()).isEqualTo(24);
        assertThat(s.ring.length).isEqualTo(s.capacity);
        assertThat(s.windowSize()).isEqualTo(s.capacity);
    }

    @Test
    void flagsPlantedSpikesAndDipsAndLittleElse() {
        int n = 24 * 40;
        double[] y = signal(5, n);
        int[] planted = {300, 450, 601, 800};
        y[300] += 12;
        y[450] -= 10;
        y[601] += 9;
        y[800] -= 15;
        StlDetector d = new StlDetector(StlConfig.builder().period(24).build());
        StlState s = d.newState();
        List<Integer> flagged = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            Verdict v = d.update(s, t * HOUR, y[t]);
            // two periods to fit, then MIN_ERRORS forecasts to learn the error scale
            if (t < 48 + StlDetector.MIN_ERRORS) {
                assertThat(v.ready()).as("cold start at %d", t).isFalse();
            } else {
                assertThat(v.ready()).isTrue();
                assertThat(v.score()).isBetween(0.0, 1.0);
                assertThat(v.lower()).isLessThan(v.expected());
                assertThat(v.upper()).isGreaterThan(v.expected());
            }
            if (v.anomaly()) {
                flagged.add(t);
            }
        }
        for (int p : planted) {
            assertThat(flagged).as("planted at %d", p).contains(p);
        }
        // threshold 0.999 over ~900 scored points: a handful of false alarms at most
        assertThat(flagged.size() - planted.length).isLessThanOrEqualTo(4);
    }

    @Test
    void expectedValueTracksTheSignal() {
        int n = 24 * 20;
        double[] y = signal(9, n);
        StlDetector d = new StlDetector(StlConfig.builder().period(24).build());
        StlState s = d.newState();
        double sumSq = 0;
        int m = 0;
        for (int t = 0; t < n; t++) {
            Verdict v = d.update(s, t * HOUR, y[t]);
            if (v.ready()) {
                double truth = 50 + 10 * Math.sin(2 * Math.PI * t / 24) + 0.02 * t;
                sumSq += (v.expected() - truth) * (v.expected() - truth);
                m++;
            }
        }
        assertThat(Math.sqrt(sumSq / m)).isLessThan(0.8); // noise sd is 1
    }

    @Test
    void detectsThePeriodWhenNotConfigured() {
        int n = 24 * 12;
        double[] y = signal(2, n);
        StlDetector d = new StlDetector(StlConfig.builder().build());
        StlState s = d.newState();
        int firstReady = -1;
        int seasonalFrom = -1;
        for (int t = 0; t < n; t++) {
            if (d.update(s, t * HOUR, y[t]).ready() && firstReady < 0) {
                firstReady = t;
            }
            if (s.period() == 24 && seasonalFrom < 0) {
                seasonalFrom = t;
            }
        }
        assertThat(s.period()).isEqualTo(24);
        // found at the 128-point check, before any provisional verdict: a daily season at hourly
        // sampling is never judged by the trend-only model
        assertThat(seasonalFrom).isBetween(48, 128);
        assertThat(firstReady).isEqualTo(seasonalFrom);
    }

    @Test
    void aSeriesWithoutSeasonIsTreatedAsNonSeasonal() {
        SplittableRandom r = new SplittableRandom(4);
        StlDetector d = new StlDetector(StlConfig.builder().maxPeriod(50).build());
        StlState s = d.newState();
        boolean ready = false;
        for (int t = 0; t < 400; t++) {
            ready = d.update(s, t * HOUR, 10 + r.nextDouble()).ready();
        }
        assertThat(s.period()).isEqualTo(0);
        assertThat(ready).isTrue();
    }

    @Test
    void scoresAsNonSeasonalWhileThePeriodIsSearchedAndDropsThatStateOnceItIsKnown() throws IOException {
        StlDetector d = new StlDetector(StlConfig.builder().build()); // auto period: search up to 1,500 points
        StlState s = d.newState();
        SplittableRandom r = new SplittableRandom(21);
        int firstReady = -1;
        int alarms = 0;
        Verdict spike = null;
        for (int t = 0; t < 400; t++) {
            double v = 5 + 0.3 * r.nextGaussian() + (t == 300 ? 6 : 0);
            Verdict verdict = d.update(s, t * HOUR, v);
            if (verdict.ready() && firstReady < 0) {
                firstReady = t;
            }
            if (t == 300) {
                spike = verdict;
            } else if (verdict.anomaly()) {
                alarms++;
            }
        }
        assertThat(s.period()).isEqualTo(StlState.UNRESOLVED);
        assertThat(firstReady).isEqualTo(128); // provisional verdicts after twice the non-seasonal window
        assertThat(spike.anomaly()).isTrue();
        assertThat(d.explain(s, 11, spike)).contains("period still searched");
        assertThat(alarms).isLessThanOrEqualTo(1);
        // mid-search state, provisional part included, round-trips and continues identically
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bo));
        StlState b = StlState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(b).isEqualTo(s);
        assertThat(b.provisional).isNotNull();
        for (int t = 400; t < 1600; t++) {
            double v = 5 + 0.3 * r.nextGaussian();
            assertThat(d.update(b, t * HOUR, v)).isEqualTo(d.update(s, t * HOUR, v));
        }
        assertThat(s.period()).isZero(); // known non-seasonal after 3 x maxPeriod points
        assertThat(s.provisional).isNull();
    }

    @Test
    void fillsShortGapsAndBridgesLongOnes() {
        int n = 24 * 10;
        double[] y = signal(3, n + 200);
        StlDetector d = new StlDetector(StlConfig.builder().period(24).build());
        StlState s = d.newState();
        for (int t = 0; t < n; t++) {
            if (t >= 100 && t < 105) {
                continue; // 5 missing hours
            }
            d.update(s, t * HOUR, y[t]);
        }
        assertThat(s.gapsFilled()).isEqualTo(5);
        assertThat(s.restarts()).isZero();
        assertThat(s.windowSize()).isEqualTo(4 * 24 + 1); // four periods to fit plus the newest
        // 100 hours missing: 100 mod 24 = 4 are filled, which keeps the window on the daily grid,
        // and the series goes on scoring (a bursty series is never left cold)
        int alarms = 0;
        for (int t = n + 100; t < n + 200; t++) {
            Verdict v = d.update(s, t * HOUR, y[t]);
            assertThat(v.ready()).as("hour %d", t).isTrue();
            alarms += v.anomaly() ? 1 : 0;
        }
        assertThat(s.restarts()).isEqualTo(1);
        assertThat(s.gapsFilled()).isEqualTo(5 + 4);
        assertThat(alarms).isZero();
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() throws IOException {
        int n = 24 * 15;
        double[] y = signal(8, n);
        y[250] += 20;
        StlDetector d = new StlDetector(StlConfig.builder().build());
        StlState a = d.newState();
        for (int t = 0; t < 200; t++) {
            d.update(a, t * HOUR, y[t]);
        }
        StlState b = roundTrip(a);
        assertThat(b).isEqualTo(a);
        StlDetector other = new StlDetector(StlConfig.builder().build()); // a fresh instance, as after a restore
        for (int t = 200; t < n; t++) {
            Verdict va = d.update(a, t * HOUR, y[t]);
            Verdict vb = other.update(b, t * HOUR, y[t]);
            assertThat(vb).as("t=%d", t).isEqualTo(va);
        }
        assertThat(b).isEqualTo(a);
    }

    @Test
    void theFullRobustStlRunsEveryHalfWindowNotEveryPoint() {
        int n = 24 * 40;
        double[] y = signal(5, n);
        StlDetector d = new StlDetector(StlConfig.builder().period(24).windowPeriods(4).build());
        StlState s = d.newState();
        for (int t = 0; t < n; t++) {
            d.update(s, t * HOUR, y[t]);
        }
        // first fit when two periods are in (point 49), then every 48 points (half of 4 x 24)
        long scoredPoints = n - (2 * 24 + 1) + 1;
        assertThat(s.refits).isEqualTo(1 + (scoredPoints - 1) / 48);
        assertThat(s.season).hasSize(24);
    }

    @Test
    void aVersionOneStateIsReadAndRefitsAtTheNextPoint() throws IOException {
        int n = 24 * 12;
        double[] y = signal(6, n);
        StlDetector d = new StlDetector(StlConfig.builder().period(24).build());
        StlState a = d.newState();
        for (int t = 0; t < 200; t++) {
            d.update(a, t * HOUR, y[t]);
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        a.write(new DataOutputStream(bo));
        byte[] v2 = bo.toByteArray();
        // version 1 is version 2 without the online model at the end
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - (8 + 1 + 8 + 4 + 8 * a.season.length + 4));
        v1[0] = 1;
        StlState old = StlState.read(new DataInputStream(new ByteArrayInputStream(v1)));
        assertThat(old.fitted).isFalse();
        assertThat(old.windowSize()).isEqualTo(a.windowSize());
        for (int t = 200; t < n; t++) {
            Verdict va = d.update(a, t * HOUR, y[t]);
            Verdict vo = d.update(old, t * HOUR, y[t]);
            assertThat(vo.ready()).isTrue();
            assertThat(Math.abs(vo.expected() - va.expected())).as("t=%d", t).isLessThan(1.5);
        }
        assertThat(old.fitted).isTrue();
    }

    @Test
    void catfishPlantedAnomaliesAreAllFlagged() throws IOException {
        CsvSeriesReader.Series s = CsvSeriesReader.read(SharedData.require("catfish_planted.csv"), "catfish", null);
        for (StlConfig config : List.of(StlConfig.builder().period(12).build(), StlConfig.builder().build())) {
            StlDetector d = new StlDetector(config);
            StlState state = d.newState();
            List<String> planted = new ArrayList<>();
            List<String> others = new ArrayList<>();
            for (CsvSeriesReader.Row r : s.rows()) {
                Verdict v = d.update(state, r.ts(), r.values()[0]);
                if (r.label() == 1) {
                    assertThat(v.anomaly()).as("%s planted at %s (score %s)", config, r.rawTimestamp(), v.score()).isTrue();
                    planted.add(r.rawTimestamp());
                } else if (v.anomaly()) {
                    others.add(r.rawTimestamp() + String.format(" value %.0f expected %.0f score %.5f", r.values()[0],
                            v.expected(), v.score()));
                }
            }
            assertThat(state.period()).isEqualTo(12);
            assertThat(planted).hasSize(3);
            System.out.println("catfish " + config + ": planted found " + planted + "; other alerts " + others.size()
                    + ": " + others);
            assertThat(others.size()).isLessThanOrEqualTo(6);
        }
    }

    private static StlState roundTrip(StlState s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bytes));
        return StlState.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
