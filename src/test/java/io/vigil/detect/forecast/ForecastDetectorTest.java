package io.vigil.detect.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.Verdict;
import io.vigil.detect.forecast.ForecastConfig.Model;
import io.vigil.detect.forecast.ForecastConfig.OnAnomaly;
import io.vigil.io.CsvSeriesReader;
import io.vigil.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ForecastDetectorTest {

    private static final long HOUR = 3_600_000L;

    /** The noise-free signal: daily cycle on hourly data, slow trend. */
    private static double truth(int t) {
        return 50 + 10 * Math.sin(2 * Math.PI * t / 24) + 0.02 * t;
    }

    /** Hourly, daily cycle, slow trend, Gaussian noise of sd 1. */
    private static double[] signal(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = truth(t) + r.nextGaussian();
        }
        return y;
    }

    private static ForecastDetector detector(Model m, int period) {
        return new ForecastDetector(ForecastConfig.builder().model(m).period(period).build());
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void eachModelFlagsPlantedSpikesAndDipsAndLittleElse(Model model) {
        int n = 24 * 60;
        double[] y = signal(5, n);
        int[] planted = {400, 650, 901, 1200};
        y[400] += 9;
        y[650] -= 8;
        y[901] += 8;
        y[1200] -= 12;
        ForecastDetector d = detector(model, 24);
        ForecastState s = d.newState();
        List<Integer> flagged = new ArrayList<>();
        int scored = 0;
        for (int t = 0; t < n; t++) {
            Verdict v = d.update(s, t * HOUR, y[t]);
            if (v.ready()) {
                scored++;
                assertThat(v.score()).isBetween(0.0, 1.0);
                assertThat(v.lower()).isLessThan(v.expected());
                assertThat(v.upper()).isGreaterThan(v.expected());
                if (v.anomaly()) {
                    flagged.add(t);
                    // the threshold is at least the interval width: an anomaly lies outside the interval
                    assertThat(y[t] < v.lower() || y[t] > v.upper()).as("t=%d", t).isTrue();
                    assertThat(d.explain(s, y[t], v)).startsWith("forecast: ").contains("error scales")
                            .contains(y[t] > v.expected() ? "above" : "below").contains("99% interval")
                            .contains("period 24");
                }
            }
        }
        assertThat(scored).isGreaterThan(n - 24 * 5);
        for (int p : planted) {
            assertThat(flagged).as("%s planted at %d", model, p).contains(p);
        }
        // threshold 0.999 over ~1400 scored points: about 1.4 false alarms expected
        assertThat(flagged.size() - planted.length).as("%s false alarms %s", model, flagged).isLessThanOrEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void predictionIntervalCoversItsWidthOverALongRun(Model model) {
        // calibration: on clean data about 1% of the values fall outside a 0.99 interval and about
        // 5% outside a 0.95 one; 30,000 points put the binomial sd at 0.06% for 1%
        int n = 30_000;
        double[] y = signal(11, n);
        for (double width : new double[] {0.99, 0.95}) {
            ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(model).period(24)
                    .intervalWidth(width).threshold(Math.max(width, 0.999)).build());
            ForecastState s = d.newState();
            int ready = 0;
            int outside = 0;
            for (int t = 0; t < n; t++) {
                Verdict v = d.update(s, t * HOUR, y[t]);
                if (v.ready() && t >= 2000) { // once the calibration sample is full
                    ready++;
                    if (y[t] < v.lower() || y[t] > v.upper()) {
                        outside++;
                    }
                }
            }
            double miss = 1 - width;
            assertThat((double) outside / ready).as("%s width %s", model, width)
                    .isBetween(0.6 * miss, 1.4 * miss);
        }
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void eachModelFindsALevelShiftAndThenAdoptsIt(Model model) {
        int n = 24 * 50;
        double[] y = signal(3, n);
        int shift = 700;
        for (int t = shift; t < n; t++) {
            y[t] += 10;
        }
        ForecastDetector d = detector(model, 24);
        ForecastState s = d.newState();
        List<Integer> flagged = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            if (d.update(s, t * HOUR, y[t]).anomaly()) {
                flagged.add(t);
            }
        }
        assertThat(flagged).as("%s %s", model, flagged).contains(shift);
        // shiftAfter (5) consecutive values beyond the bound are learnt as they are: the new level is
        // normal after a while, not an alarm per point forever
        long late = flagged.stream().filter(t -> t >= shift + 24 * 4).count();
        assertThat(late).as("%s alarms well after the shift: %s", model, flagged).isLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void forecastsTrackTheSignal(Model model) {
        int n = 24 * 40;
        double[] y = signal(9, n);
        // AR: without the default first difference (d = 1, right for wandering levels such as
        // catfish's), since differencing a stationary series adds noise an AR cannot undo
        ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(model).period(24)
                .differencing(model == Model.AR ? 0 : 1).build());
        ForecastState s = d.newState();
        double sumSq = 0;
        int m = 0;
        for (int t = 0; t < n; t++) {
            Verdict v = d.update(s, t * HOUR, y[t]);
            if (v.ready() && t >= 24 * 10) {
                sumSq += (v.expected() - truth(t)) * (v.expected() - truth(t));
                m++;
            }
        }
        // noise sd is 1: a forecast worse than the noise itself would be useless
        assertThat(Math.sqrt(sumSq / m)).as("%s", model).isLessThan(0.9);
    }

    @Test
    void anAnomalyDoesNotPoisonTheModelUnlessConfiguredTo() {
        int n = 24 * 20;
        int spike = 24 * 15 + 5;
        double[] y = signal(4, n);
        y[spike] += 60;
        double[] error = new double[OnAnomaly.values().length];
        for (OnAnomaly policy : OnAnomaly.values()) {
            ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(Model.HOLT_WINTERS).period(24)
                    .onAnomaly(policy).build());
            ForecastState s = d.newState();
            for (int t = 0; t <= spike + 24; t++) {
                Verdict v = d.update(s, t * HOUR, y[t]);
                if (t > spike) { // the day after the spike, its own phase included
                    error[policy.ordinal()] += Math.abs(v.expected() - truth(t));
                }
            }
        }
        assertThat(error[OnAnomaly.CLIP.ordinal()]).isLessThan(0.5 * error[OnAnomaly.OBSERVED.ordinal()]);
        assertThat(error[OnAnomaly.EXPECTED.ordinal()]).isLessThan(0.5 * error[OnAnomaly.OBSERVED.ordinal()]);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void coldStartWithAConfiguredPeriodLastsTheMinimumFitPlusEightErrors(Model model) {
        ForecastDetector d = detector(model, 24);
        ForecastState s = d.newState();
        double[] y = signal(1, 24 * 10);
        int firstReady = -1;
        for (int t = 0; t < y.length && firstReady < 0; t++) {
            if (d.update(s, t * HOUR, y[t]).ready()) {
                firstReady = t;
            }
        }
        int minFit = switch (model) {
            case HOLT_WINTERS, FOURIER -> 48;
            // lag span (1 + 24 differences, 24 seasonal lag) plus 24 regression rows
            case AR -> 1 + 24 + 24 + 24;
        };
        assertThat(firstReady).isEqualTo(minFit + ForecastDetector.MIN_ERRORS);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void detectsThePeriodWhenNotConfiguredAndReplaysTheWarmUp(Model model) {
        double[] y = signal(2, 24 * 12);
        ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(model).build());
        ForecastState s = d.newState();
        int firstReady = -1;
        Verdict first = null;
        for (int t = 0; t < y.length; t++) {
            Verdict v = d.update(s, t * HOUR, y[t]);
            if (v.ready() && firstReady < 0) {
                firstReady = t;
                first = v;
            }
        }
        assertThat(s.period()).isEqualTo(24);
        // detection at 128 points (64 hold fewer than three cycles of a confirmed 24), then the
        // warm-up is replayed: the first verdict comes at once, with a warm calibration
        assertThat(firstReady).isEqualTo(127);
        assertThat(s.calibrator.size()).isGreaterThan(24 * 12 - 128);
        assertThat(Math.abs(first.expected() - truth(127))).isLessThan(4.0);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void aSeriesWithoutSeasonIsTreatedAsNonSeasonal(Model model) {
        SplittableRandom r = new SplittableRandom(4);
        ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(model).maxPeriod(50).build());
        ForecastState s = d.newState();
        int flagged = 0;
        boolean ready = false;
        for (int t = 0; t < 2000; t++) {
            Verdict v = d.update(s, t * HOUR, 10 + r.nextGaussian() + (t == 1500 ? 8 : 0));
            ready = v.ready();
            if (v.anomaly()) {
                flagged++;
                assertThat(t == 1500 || flagged <= 4).as("t=%d", t).isTrue();
            }
        }
        assertThat(s.period()).isEqualTo(0);
        assertThat(ready).isTrue();
        assertThat(flagged).isBetween(1, 5);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void fillsShortGapsWithForecastsAndBridgesLongOnes(Model model) {
        int n = 24 * 20;
        double[] y = signal(3, n);
        ForecastDetector d = detector(model, 24);
        ForecastState s = d.newState();
        int alarmsAfterGap = 0;
        for (int t = 0; t < n; t++) {
            if (t >= 300 && t < 305) {
                continue; // 5 missing hours
            }
            Verdict v = d.update(s, t * HOUR + (t % 3) * 60_000L, y[t]); // with a minute of jitter
            if (t >= 305 && t < 330 && v.anomaly()) {
                alarmsAfterGap++;
            }
        }
        assertThat(s.gapsFilled()).isEqualTo(5);
        assertThat(s.restarts()).isZero();
        // the filled points kept the seasonal grid: no alarms after the gap
        assertThat(alarmsAfterGap).isZero();
        // about 100 hours missing: (missing mod 24) are filled with forecasts (the daily grid is kept) and the
        // model goes on where it left off, still fitted
        double[] later = signal(3, n + 200);
        int alarms = 0;
        for (int t = n + 100; t < n + 200; t++) {
            Verdict v = d.update(s, t * HOUR, later[t]);
            assertThat(v.ready()).as("hour %d", t).isTrue();
            alarms += v.anomaly() ? 1 : 0;
        }
        assertThat(s.restarts()).isEqualTo(1);
        // (the jittered sampling interval makes it 98 or 99 intervals: fewer than a period are filled)
        assertThat(s.gapsFilled() - 5).isBetween(1L, 23L);
        assertThat(s.fitted()).isTrue();
        // the minute of jitter makes the estimated interval 61 minutes, so the bridge lands a point or
        // two off the daily grid: a few alarms while the model re-locks, not a cold restart
        assertThat(alarms).isLessThanOrEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void stateRoundTripsAndContinuesIdentically(Model model) throws IOException {
        int n = 24 * 30;
        double[] y = signal(8, n);
        y[500] += 20;
        ForecastConfig config = ForecastConfig.builder().model(model).build(); // auto period: replay included
        ForecastDetector d = new ForecastDetector(config);
        ForecastState a = d.newState();
        for (int t = 0; t < 300; t++) {
            d.update(a, t * HOUR, y[t]);
        }
        assertThat(a.fitted()).isTrue();
        ForecastState b = roundTrip(a);
        assertThat(b).isEqualTo(a);
        ForecastDetector other = new ForecastDetector(config); // a fresh instance, as after a restore
        for (int t = 300; t < n; t++) {
            Verdict va = d.update(a, t * HOUR, y[t]);
            Verdict vb = other.update(b, t * HOUR, y[t]);
            assertThat(vb).as("t=%d", t).isEqualTo(va);
        }
        assertThat(b).isEqualTo(a);
        assertThat(a.refits()).isGreaterThan(2);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void oneInstanceServesInterleavedSeriesOfDifferentPeriods(Model model) {
        // the operator keeps one detector per task for all its series: nothing per series may leak
        // into the instance (its per-period caches included)
        ForecastConfig config = ForecastConfig.builder().model(model).build();
        ForecastDetector shared = new ForecastDetector(config);
        ForecastDetector alone12 = new ForecastDetector(config);
        ForecastDetector alone24 = new ForecastDetector(config);
        ForecastState a = shared.newState();
        ForecastState b = shared.newState();
        ForecastState a1 = alone12.newState();
        ForecastState b1 = alone24.newState();
        SplittableRandom r = new SplittableRandom(21);
        for (int t = 0; t < 1500; t++) {
            double ya = 20 + 5 * Math.sin(2 * Math.PI * t / 12) + r.nextGaussian();
            double yb = truth(t) + r.nextGaussian();
            assertThat(shared.update(a, t * HOUR, ya)).isEqualTo(alone12.update(a1, t * HOUR, ya));
            assertThat(shared.update(b, t * HOUR, yb)).isEqualTo(alone24.update(b1, t * HOUR, yb));
        }
        assertThat(a.period()).isEqualTo(12);
        assertThat(b.period()).isEqualTo(24);
    }

    @Test
    void aStateFromAnotherModelIsRefittedFromItsWindow() throws IOException {
        double[] y = signal(6, 24 * 20);
        ForecastDetector hw = detector(Model.HOLT_WINTERS, 24);
        ForecastState s = hw.newState();
        for (int t = 0; t < 24 * 10; t++) {
            hw.update(s, t * HOUR, y[t]);
        }
        ForecastState restored = roundTrip(s);
        ForecastDetector ar = detector(Model.AR, 24); // the job spec changed the model between runs
        for (int t = 24 * 10; t < y.length; t++) {
            Verdict v = ar.update(restored, t * HOUR, y[t]);
            assertThat(v.ready()).isTrue();
            assertThat(Math.abs(v.expected() - truth(t))).as("t=%d", t).isLessThan(5);
        }
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void refitsArePeriodicNotPerPoint(Model model) {
        int n = 24 * 40;
        double[] y = signal(5, n);
        ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(model).period(24).windowPeriods(4)
                .build());
        ForecastState s = d.newState();
        int firstFit = -1;
        for (int t = 0; t < n; t++) {
            d.update(s, t * HOUR, y[t]);
            if (firstFit < 0 && s.fitted()) {
                firstFit = t;
            }
        }
        // one fit when the window first holds enough, then one every half window (48 points)
        assertThat(s.refits()).isEqualTo(1 + (n - firstFit - 1) / 48);
    }

    @Test
    void multiplicativeHoltWintersFollowsASeasonThatGrowsWithTheLevel() {
        int n = 24 * 40;
        SplittableRandom r = new SplittableRandom(12);
        double[] y = new double[n];
        double[] clean = new double[n];
        for (int t = 0; t < n; t++) {
            clean[t] = (100 + 0.5 * t) * (1 + 0.4 * Math.sin(2 * Math.PI * t / 24));
            y[t] = clean[t] * (1 + 0.01 * r.nextGaussian());
        }
        double[] rmse = new double[2];
        for (ForecastConfig.Seasonality kind : ForecastConfig.Seasonality.values()) {
            ForecastDetector d = new ForecastDetector(ForecastConfig.builder().model(Model.HOLT_WINTERS).period(24)
                    .seasonality(kind).build());
            ForecastState s = d.newState();
            double sumSq = 0;
            int m = 0;
            for (int t = 0; t < n; t++) {
                Verdict v = d.update(s, t * HOUR, y[t]);
                if (v.ready() && t >= 24 * 10) {
                    sumSq += (v.expected() - clean[t]) * (v.expected() - clean[t]);
                    m++;
                }
            }
            rmse[kind.ordinal()] = Math.sqrt(sumSq / m);
        }
        assertThat(rmse[ForecastConfig.Seasonality.MULTIPLICATIVE.ordinal()])
                .isLessThan(0.7 * rmse[ForecastConfig.Seasonality.ADDITIVE.ordinal()]);
    }

    @ParameterizedTest
    @EnumSource(value = Model.class, names = {"AR", "FOURIER"})
    void aFurtherSeasonalityImprovesTheForecastOfDailyAndWeeklyData(Model model) {
        int n = 24 * 7 * 12;
        SplittableRandom r = new SplittableRandom(13);
        double[] y = new double[n];
        double[] clean = new double[n];
        for (int t = 0; t < n; t++) {
            boolean weekend = (t / 24) % 7 >= 5;
            clean[t] = 50 + 10 * Math.sin(2 * Math.PI * t / 24) + (weekend ? -8 : 2);
            y[t] = clean[t] + r.nextGaussian();
        }
        double[] rmse = new double[2];
        for (int withWeekly = 0; withWeekly < 2; withWeekly++) {
            ForecastConfig.Builder b = ForecastConfig.builder().model(model).period(24).windowPeriods(3);
            if (withWeekly == 1) {
                b.extraPeriods(24 * 7).fourierOrder(12);
            }
            ForecastDetector d = new ForecastDetector(b.build());
            ForecastState s = d.newState();
            double sumSq = 0;
            int m = 0;
            for (int t = 0; t < n; t++) {
                Verdict v = d.update(s, t * HOUR, y[t]);
                if (v.ready() && t >= 24 * 7 * 6) {
                    sumSq += (v.expected() - clean[t]) * (v.expected() - clean[t]);
                    m++;
                }
            }
            rmse[withWeekly] = Math.sqrt(sumSq / m);
        }
        assertThat(rmse[1]).as("%s daily only %s, with weekly %s", model, rmse[0], rmse[1])
                .isLessThan(0.8 * rmse[0]);
    }

    @ParameterizedTest
    @EnumSource(Model.class)
    void catfishPlantedAnomaliesRankOnTop(Model model) throws IOException {
        CsvSeriesReader.Series series = CsvSeriesReader.read(SharedData.require("catfish_planted.csv"), "catfish",
                null);
        for (ForecastConfig config : List.of(ForecastConfig.builder().model(model).period(12).build(),
                ForecastConfig.builder().model(model).build())) {
            ForecastDetector d = new ForecastDetector(config);
            ForecastState state = d.newState();
            List<String> planted = new ArrayList<>();
            List<String> flagged = new ArrayList<>();
            List<double[]> scores = new ArrayList<>(); // {score, label}
            for (CsvSeriesReader.Row r : series.rows()) {
                Verdict v = d.update(state, r.ts(), r.values()[0]);
                if (r.label() == 1) {
                    assertThat(v.ready()).as("%s ready at planted %s", config, r.rawTimestamp()).isTrue();
                    planted.add(String.format("%s score %.5f", r.rawTimestamp().substring(0, 7), v.score()));
                }
                if (v.anomaly()) {
                    flagged.add(r.rawTimestamp().substring(0, 7) + (r.label() == 1 ? " (planted)" : ""));
                }
                scores.add(new double[] {v.score(), r.label()});
            }
            assertThat(state.period()).isEqualTo(12);
            System.out.println("catfish " + config + ": planted " + planted + "; flagged " + flagged);
            scores.sort(Comparator.comparingDouble((double[] x) -> -x[0]));
            // the three planted points are among the four highest scores of the 324 months
            long plantedOnTop = scores.subList(0, 4).stream().filter(x -> x[1] == 1).count();
            assertThat(plantedOnTop).as("%s: planted %s", config, planted).isEqualTo(3);
            assertThat(flagged.stream().filter(f -> !f.endsWith("(planted)")).count()).isLessThanOrEqualTo(2);
        }
    }

    private static ForecastState roundTrip(ForecastState s) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bytes));
        return ForecastState.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
