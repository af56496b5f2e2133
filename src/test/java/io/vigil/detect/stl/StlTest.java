package io.vigil.detect.stl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StlTest {

  /** Seasonal amplitude of the synthetic series; tolerances below are fractions of it. */
  private static final double AMPLITUDE = 10.0;

  /** A synthetic series and its true components. */
  private record Synthetic(double[] y, double[] seasonal, double[] trend) {}

  /**
   * Curved trend plus a two-harmonic seasonal pattern that sums to exactly zero over a period,
   * plus seeded Gaussian noise of 5% of the amplitude.
   */
  private static Synthetic synthetic(int period, int n, long seed) {
    Random random = new Random(seed);
    double[] y = new double[n];
    double[] seasonal = new double[n];
    double[] trend = new double[n];
    for (int t = 0; t < n; t++) {
      double phase = 2 * Math.PI * t / period;
      seasonal[t] = AMPLITUDE * (Math.sin(phase) + 0.4 * Math.cos(2 * phase + 0.3));
      trend[t] = 50 + 0.08 * t + 6 * Math.sin(2 * Math.PI * t / n);
      y[t] = seasonal[t] + trend[t] + 0.05 * AMPLITUDE * random.nextGaussian();
    }
    return new Synthetic(y, seasonal, trend);
  }

  private static double rmse(double[] a, double[] b, int n) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum / n);
  }

  private static double maxAbsDiff(double[] a, double[] b, int n) {
    double max = 0;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  @ParameterizedTest(name = "period {0}")
  @ValueSource(ints = {12, 24})
  void recoversSeasonalAndTrendOfSyntheticSeries(int period) {
    int n = 10 * period;
    Synthetic s = synthetic(period, n, 42);
    Stl stl = Stl.builder().period(period).maxLength(n).build();

    stl.decompose(s.y(), n);

    assertThat(stl.length()).isEqualTo(n);
    assertThat(rmse(stl.seasonal(), s.seasonal(), n)).isLessThan(0.05 * AMPLITUDE);
    assertThat(rmse(stl.trend(), s.trend(), n)).isLessThan(0.05 * AMPLITUDE);
    for (int i = 0; i < n; i++) {
      assertThat(stl.residual()[i])
          .isCloseTo(s.y()[i] - stl.seasonal()[i] - stl.trend()[i], within(1e-12));
    }
    // The low-pass step removes the level from the cycle, so every full period of the
    // seasonal component sums to about zero.
    for (int start = 0; start + period <= n; start++) {
      double sum = 0;
      for (int i = start; i < start + period; i++) {
        sum += stl.seasonal()[i];
      }
      assertThat(Math.abs(sum / period)).as("mean over [%d, %d)", start, start + period)
          .isLessThan(0.01 * AMPLITUDE);
    }
  }

  @Test
  void robustFitLeavesSpikesInTheResidualWhileNonRobustFitSpreadsThem() {
    int period = 12;
    int n = 144;
    Synthetic s = synthetic(period, n, 7);
    int[] spikeAt = {30, 67, 101, 102};
    double[] spike = {60, -50, 80, 70};
    double[] y = s.y().clone();
    for (int j = 0; j < spikeAt.length; j++) {
      y[spikeAt[j]] += spike[j];
    }
    double[] truth = new double[n];
    for (int i = 0; i < n; i++) {
      truth[i] = s.seasonal()[i] + s.trend()[i];
    }

    Stl robust = Stl.builder().period(period).maxLength(n).build();
    robust.decompose(y, n);
    Stl nonRobust = Stl.builder().period(period).maxLength(n).robust(false).build();
    nonRobust.decompose(y, n);

    for (int j = 0; j < spikeAt.length; j++) {
      int i = spikeAt[j];
      assertThat(robust.residual()[i]).as("robust residual at %d", i)
          .isCloseTo(spike[j], within(0.05 * Math.abs(spike[j])));
      assertThat(robust.weights()[i]).as("robust weight at %d", i).isLessThan(0.01);
      assertThat(nonRobust.weights()[i]).isEqualTo(1.0);
    }
    boolean[] isSpike = new boolean[n];
    for (int i : spikeAt) {
      isSpike[i] = true;
    }
    double robustError = 0;
    double nonRobustError = 0;
    for (int i = 0; i < n; i++) {
      if (isSpike[i]) {
        continue;
      }
      robustError = Math.max(robustError,
          Math.abs(robust.seasonal()[i] + robust.trend()[i] - truth[i]));
      nonRobustError = Math.max(nonRobustError,
          Math.abs(nonRobust.seasonal()[i] + nonRobust.trend()[i] - truth[i]));
    }
    assertThat(robustError).isLessThan(0.15 * AMPLITUDE);
    // Without robustness weights the spikes leak into the neighbouring fit.
    assertThat(nonRobustError).isGreaterThan(4 * robustError);
    assertThat(Math.abs(nonRobust.residual()[101])).isLessThan(0.9 * spike[2]);
  }

  @Test
  void defaultJumpsAgreeWithEvaluatingLoessAtEveryPoint() {
    int period = 24;
    int n = 240;
    Synthetic s = synthetic(period, n, 3);
    // seasonalSpan 15 makes the seasonal jump 2 as well (trend 5, low-pass 3).
    Stl jumping = Stl.builder().period(period).maxLength(n).seasonalSpan(15).build();
    Stl everyPoint = Stl.builder().period(period).maxLength(n).seasonalSpan(15).jumps(1).build();
    assertThat(new int[] {jumping.seasonalJump(), jumping.trendJump(), jumping.lowPassJump()})
        .containsExactly(2, 5, 3);

    jumping.decompose(s.y(), n);
    everyPoint.decompose(s.y(), n);

    assertThat(maxAbsDiff(jumping.seasonal(), everyPoint.seasonal(), n))
        .isLessThan(0.005 * AMPLITUDE);
    assertThat(maxAbsDiff(jumping.trend(), everyPoint.trend(), n))
        .isLessThan(0.005 * AMPLITUDE);
  }

  @Test
  void nonSeasonalModeFitsARobustTrend() {
    int n = 300;
    Random random = new Random(11);
    double[] trend = new double[n];
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      trend[t] = 20 + 0.05 * t + 5 * Math.sin(2 * Math.PI * t / n);
      y[t] = trend[t] + 0.5 * random.nextGaussian();
    }
    y[120] += 40;
    y[250] -= 30;
    Stl stl = Stl.builder().period(0).maxLength(n).build();
    assertThat(stl.isSeasonal()).isFalse();
    assertThat(stl.trendSpan()).isEqualTo(75); // smallest odd >= max(7, 300 / 4)

    stl.decompose(y, n);

    assertThat(Arrays.copyOf(stl.seasonal(), n)).containsOnly(0.0);
    assertThat(rmse(stl.trend(), trend, n)).isLessThan(0.25);
    assertThat(stl.residual()[120]).isCloseTo(40, within(2.0));
    assertThat(stl.residual()[250]).isCloseTo(-30, within(2.0));
    assertThat(stl.weights()[120]).isLessThan(0.01);
    assertThat(stl.weights()[250]).isLessThan(0.01);
  }

  @Test
  void nonSeasonalBuilderShortcutEqualsPeriodZero() {
    Stl viaFlag = Stl.builder().nonSeasonal().maxLength(100).build();
    Stl viaPeriod = Stl.builder().period(1).maxLength(100).build();
    assertThat(viaFlag.isSeasonal()).isFalse();
    assertThat(viaFlag.toString()).isEqualTo(viaPeriod.toString());
  }

  static Stream<Arguments> configurations() {
    return Stream.of(
        Arguments.of("seasonal", (Consumer<Stl.Builder>) b -> b.period(12)),
        Arguments.of("non-seasonal", (Consumer<Stl.Builder>) b -> b.period(0)),
        Arguments.of("non-robust", (Consumer<Stl.Builder>) b -> b.period(12).robust(false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void reusedInstanceGivesTheSameResultAsAFreshOne(String name, Consumer<Stl.Builder> config) {
    Synthetic first = synthetic(12, 200, 1);
    first.y()[50] += 100; // drives some weights to zero in the first call
    Synthetic second = synthetic(12, 150, 2);
    Stl.Builder builder = Stl.builder().maxLength(200);
    config.accept(builder);
    Stl reused = builder.build();
    Stl fresh = builder.build();

    reused.decompose(first.y(), 200);
    reused.decompose(second.y(), 150);
    fresh.decompose(second.y(), 150);

    assertThat(reused.length()).isEqualTo(150);
    assertThat(Arrays.copyOf(reused.seasonal(), 150))
        .containsExactly(Arrays.copyOf(fresh.seasonal(), 150));
    assertThat(Arrays.copyOf(reused.trend(), 150))
        .containsExactly(Arrays.copyOf(fresh.trend(), 150));
    assertThat(Arrays.copyOf(reused.residual(), 150))
        .containsExactly(Arrays.copyOf(fresh.residual(), 150));
    assertThat(Arrays.copyOf(reused.weights(), 150))
        .containsExactly(Arrays.copyOf(fresh.weights(), 150));
  }

  /**
   * Golden values from R 4.2.2's {@code stats::stl} (the netlib Fortran) on a deterministic
   * series, at indices covering both ends and the planted spikes (0-based 30 and 71). n is odd
   * because R's partial sort ({@code psort}) sometimes returns a wrong middle order statistic
   * for even n, which changes its robustness weights; with one middle value it is exact.
   */
  @Test
  void matchesRStlOnADeterministicSeries() {
    int n = 101;
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      y[t] = 10 + 0.05 * t + 3 * Math.sin(2 * Math.PI * t / 12) + 0.8 * Math.sin(1.7 * t * t);
    }
    y[30] += 15;
    y[71] -= 12;
    int[] at = {0, 1, 2, 5, 11, 29, 30, 31, 50, 70, 71, 72, 98, 99, 100};

    // stl(x, s.window = 7, s.degree = 1, robust = FALSE, inner = 2)
    Stl a = Stl.builder().period(12).maxLength(n).robust(false).innerIterations(2).build();
    a.decompose(y, n);
    assertAt(a.seasonal(), at, -0.529598694875, 1.507340972571, 2.485497252056, 0.945160782366,
        -1.511192762901, 1.134854266790, 3.003652591970, -1.545894736776, 2.536489247605,
        -2.343283838149, -4.479943332410, 0.358212280438, 3.014375902375, 2.700388822779,
        2.789088376452);
    assertAt(a.trend(), at, 10.365036003410, 10.372580495261, 10.380124987113, 10.409835666389,
        10.492300005830, 12.630778385248, 12.684404092363, 12.681155651792, 12.367938853698,
        12.385167577107, 12.417022470167, 12.448877363227, 14.535800209141, 14.542980709487,
        14.550090849779);

    // stl(x, s.window = 7, s.degree = 1, robust = TRUE): inner 1, outer 15
    Stl b = Stl.builder().period(12).maxLength(n).build();
    b.decompose(y, n);
    assertAt(b.seasonal(), at, -0.476193733784, 2.067953155695, 2.535045321218, 0.477521120488,
        -0.353086076093, 1.127939192228, -0.550371643015, -1.028203954319, 2.699564917793,
        -2.993016346436, -1.880840515606, 0.195731101360, 2.926387012294, 2.574081855517,
        2.211686060613);
    assertAt(b.trend(), at, 10.378642062222, 10.412711457094, 10.446780851966, 10.549481703864,
        10.761323981072, 11.288320190620, 11.320350662948, 11.356304870318, 12.239466035498,
        13.260559459893, 13.307686618977, 13.354813778060, 14.631154764139, 14.665825811252,
        14.700907751329);
    assertAt(b.weights(), at, 0.987275222907, 0.974132850975, 0.982727536424, 0.992509036562,
        0.000000000000, 0.866470326476, 0.000000000000, 0.934867806751, 0.561074281603,
        0.962862805990, 0.000000000000, 0.769209042531, 0.999711720983, 0.994687222500,
        0.988993436450);

    // stl(x, s.window = 9, s.degree = 0, t.window = 15, l.window = 13, inner = 2,
    //     s.jump = 1, t.jump = 1, l.jump = 1)
    Stl c = Stl.builder().period(12).maxLength(n).seasonalSpan(9).seasonalDegree(0)
        .trendSpan(15).lowPassSpan(13).jumps(1).robust(false).innerIterations(2).build();
    c.decompose(y, n);
    assertAt(c.seasonal(), at, -0.431734756480, 1.277163557621, 2.342791350302, 1.175607079537,
        -2.520518028996, 1.276406856882, 2.606455516412, -1.451252303030, 2.509348082371,
        -2.490316665043, -4.090842200184, 0.134873477537, 2.851952019566, 2.753267797757,
        2.813843940103);
    assertAt(c.trend(), at, 10.610043069777, 10.522449121742, 10.447698285799, 10.310556187868,
        10.624145241528, 13.138609461542, 13.166741330793, 13.184420704318, 12.412428837126,
        11.920333150865, 11.966954306808, 12.033886841268, 14.622611406748, 14.621528870689,
        14.610803557907);

    // stl(x, s.window = 7, s.degree = 1, t.window = 31, t.jump = 4, inner = 1): the trend
    // jump leaves the last point to a separate end fit.
    Stl d = Stl.builder().period(12).maxLength(n).trendSpan(31).trendJump(4).robust(false)
        .innerIterations(1).build();
    d.decompose(y, n);
    assertAt(d.seasonal(), at, -0.523628747717, 1.516761724065, 2.498368807887, 0.944248931316,
        -1.469209309693, 1.128566129355, 2.993005939422, -1.562085360687, 2.534166005647,
        -2.328610381886, -4.472813896207, 0.357797696582, 2.985091612063, 2.657371258334,
        2.739217997122);
    assertAt(d.trend(), at, 10.234238080353, 10.262370029579, 10.290501978805, 10.378386146373,
        10.577480954187, 12.330386124705, 12.358337671686, 12.386289218666, 12.376719803900,
        12.687164861022, 12.715696764787, 12.744228668552, 14.629949396297, 14.651418439740,
        14.672887483183);
  }

  private static void assertAt(double[] actual, int[] at, double... expected) {
    for (int j = 0; j < at.length; j++) {
      assertThat(actual[at[j]]).as("index %d", at[j]).isCloseTo(expected[j], within(1e-9));
    }
  }

  @Test
  void decomposesCatfishSalesIntoAStrongYearlyPattern() throws IOException {
    double[] y = readCatfish();
    int n = y.length;
    Stl stl = Stl.builder().period(12).maxLength(n).build();

    stl.decompose(y, n);

    double[] seasonal = stl.seasonal();
    double mean = Arrays.stream(y).average().orElseThrow();
    double seasonalRms = Math.sqrt(Arrays.stream(seasonal, 0, n).map(v -> v * v).sum() / n);
    double residualRms =
        Math.sqrt(Arrays.stream(stl.residual(), 0, n).map(v -> v * v).sum() / n);
    assertThat(seasonalRms).as("seasonal RMS vs mean %s", mean).isGreaterThan(0.05 * mean);
    assertThat(residualRms).as("residual RMS vs mean %s", mean).isLessThan(0.05 * mean);
    assertThat(residualRms).isLessThan(0.6 * seasonalRms);
    // A yearly shape: the seasonal repeats after 12 months and peaks in the same month
    // (March) in nearly every year.
    double lag12 = 0;
    double energy = 0;
    for (int i = 0; i + 12 < n; i++) {
      lag12 += seasonal[i] * seasonal[i + 12];
      energy += seasonal[i] * seasonal[i];
    }
    assertThat(lag12 / energy).isGreaterThan(0.95);
    int[] peakMonthCount = new int[12];
    for (int year = 0; year < n / 12; year++) {
      int peak = 0;
      for (int m = 1; m < 12; m++) {
        if (seasonal[year * 12 + m] > seasonal[year * 12 + peak]) {
          peak = m;
        }
      }
      peakMonthCount[peak]++;
    }
    assertThat(peakMonthCount[2]).isGreaterThanOrEqualTo(9 * (n / 12) / 10);
  }

  /** The catfish sales series from the shared data folder; skips the test when it is absent. */
  static double[] readCatfish() throws IOException {
    Path path = Path.of(System.getProperty("vigil.shared.data", "../shared/data"), "catfish.csv");
    Assumptions.assumeTrue(Files.exists(path), "no " + path);
    List<String> lines = Files.readAllLines(path);
    assertThat(lines.get(0)).isEqualTo("timestamp,value");
    return lines.stream().skip(1).filter(l -> !l.isBlank())
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(',') + 1))).toArray();
  }

  @Test
  void resolvesDefaultsLikeRAndStatsmodels() {
    Stl monthly = Stl.builder().period(12).maxLength(120).build();
    assertThat(monthly.seasonalSpan()).isEqualTo(7);
    assertThat(monthly.trendSpan()).isEqualTo(23); // ceil(18 / (1 - 1.5 / 7)) = 23
    assertThat(monthly.lowPassSpan()).isEqualTo(13);
    assertThat(new int[] {monthly.seasonalDegree(), monthly.trendDegree(),
        monthly.lowPassDegree()}).containsExactly(1, 1, 1);
    assertThat(new int[] {monthly.seasonalJump(), monthly.trendJump(), monthly.lowPassJump()})
        .containsExactly(1, 3, 2);
    assertThat(monthly.isRobust()).isTrue();
    assertThat(monthly.innerIterations()).isEqualTo(1);
    assertThat(monthly.outerIterations()).isEqualTo(15);

    Stl daily = Stl.builder().period(288).maxLength(1152).build();
    assertThat(daily.trendSpan()).isEqualTo(551); // ceil(432 / (1 - 1.5 / 7)) = 550 -> odd
    assertThat(daily.lowPassSpan()).isEqualTo(289);
    assertThat(new int[] {daily.seasonalJump(), daily.trendJump(), daily.lowPassJump()})
        .containsExactly(1, 56, 29);

    Stl plain = Stl.builder().period(12).maxLength(120).robust(false).build();
    assertThat(plain.isRobust()).isFalse();
    assertThat(plain.innerIterations()).isEqualTo(5);
    assertThat(plain.outerIterations()).isZero();

    assertThat(Stl.builder().period(0).maxLength(20).build().trendSpan()).isEqualTo(7);
    assertThat(monthly.toString()).contains("period=12", "trendSpan=23", "outerIterations=15");
  }

  static Stream<Arguments> invalidBuilders() {
    return Stream.of(
        Arguments.of((Consumer<Stl.Builder>) b -> b.period(-1), "period=-1"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.maxLength(23), "maxLength=23"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.seasonalSpan(8), "seasonalSpan=8"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.seasonalSpan(1), "seasonalSpan=1"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.trendSpan(22), "trendSpan=22"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.lowPassSpan(0), "lowPassSpan=0"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.seasonalDegree(2), "seasonalDegree=2"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.trendDegree(-1), "trendDegree=-1"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.lowPassDegree(3), "lowPassDegree=3"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.seasonalJump(0), "seasonalJump=0"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.trendJump(-2), "trendJump=-2"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.lowPassJump(0), "lowPassJump=0"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.innerIterations(0), "innerIterations=0"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.outerIterations(0), "outerIterations=0"),
        Arguments.of((Consumer<Stl.Builder>) b -> b.robust(false).outerIterations(3),
            "outerIterations=3"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidBuilders")
  void builderRejectsInvalidParametersNamingThem(Consumer<Stl.Builder> change, String message) {
    Stl.Builder builder = Stl.builder().period(12).maxLength(120);
    change.accept(builder);
    assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void builderRequiresPeriodAndMaxLength() {
    assertThatThrownBy(() -> Stl.builder().maxLength(10).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
    assertThatThrownBy(() -> Stl.builder().period(12).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength");
  }

  @Test
  void decomposeRejectsBadInput() {
    Stl stl = Stl.builder().period(12).maxLength(48).build();
    double[] y = synthetic(12, 60, 5).y();
    assertThatThrownBy(() -> stl.decompose(y, 23)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n=23");
    assertThatThrownBy(() -> stl.decompose(y, 49)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n=49");
    assertThatThrownBy(() -> stl.decompose(new double[30], 40))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n=40");
    double[] withNaN = Arrays.copyOf(y, 48);
    withNaN[17] = Double.NaN;
    assertThatThrownBy(() -> stl.decompose(withNaN, 48))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y[17]=NaN");

    stl.decompose(y, 24); // exactly two periods is the shortest accepted series
    assertThat(stl.length()).isEqualTo(24);
  }
}
