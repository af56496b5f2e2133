package io.vigil.detect.stl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeriodDetectorTest {

  /**
   * Trend plus a seasonal pattern with a main bump and a smaller one per cycle (like a daily
   * profile) plus seeded Gaussian noise of 10% of the amplitude.
   */
  private static double[] seasonalSeries(int period, int n, long seed) {
    Random random = new Random(seed);
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      double phase = 2 * Math.PI * t / period;
      double pattern = Math.sin(phase) + 0.5 * Math.sin(2 * phase + 1.0);
      y[t] = 100 + 0.01 * t + 10 * pattern + 1.0 * random.nextGaussian();
    }
    return y;
  }

  @ParameterizedTest(name = "period {0}, {1} cycles")
  @CsvSource({
      "12, 10", // monthly, ten years
      "12, 4",
      "24, 7", // hourly, one week
      "7, 12", // daily, weekly cycle
      "288, 4", // 5-minute data, four days
      "288, 3"})
  void findsThePeriodOfSeasonalData(int period, int cycles) {
    int n = period * cycles;
    for (long seed = 1; seed <= 3; seed++) {
      double[] y = seasonalSeries(period, n, seed);
      assertThat(PeriodDetector.detect(y, n, 2, n / 2)).as("seed %d", seed).isEqualTo(period);
    }
  }

  @Test
  void findsTheExactPeriodOfANoiseFreeSmoothCycle() {
    // The ACF of a smooth cycle is flat at its peak and the biased estimator leans it to a
    // shorter lag; the refinement must still land on the period itself.
    int n = 864;
    double[] y = new double[n];
    for (int t = 0; t < n; t++) {
      y[t] = Math.sin(2 * Math.PI * t / 288);
    }
    assertThat(PeriodDetector.detect(y, n, 2, n / 2)).isEqualTo(288);
  }

  @Test
  void prefersTheFundamentalOverItsMultiples() {
    int n = 360;
    double[] y = seasonalSeries(12, n, 9);
    assertThat(PeriodDetector.detect(y, n, 2, 180)).isEqualTo(12);
    // With the fundamental out of range, the first multiple in range is the answer.
    assertThat(PeriodDetector.detect(y, n, 13, 180)).isEqualTo(24);
  }

  @Test
  void returnsZeroForWhiteNoise() {
    for (long seed = 1; seed <= 10; seed++) {
      Random random = new Random(seed);
      double[] y = IntStream.range(0, 500).mapToDouble(i -> random.nextGaussian()).toArray();
      assertThat(PeriodDetector.detect(y, y.length, 2, 250)).as("seed %d", seed).isZero();
    }
  }

  @Test
  void returnsZeroForARandomWalk() {
    double[] walk = randomWalk(1000, 1);
    assertThat(PeriodDetector.detect(walk, walk.length, 2, 500)).isZero();
  }

  @Test
  void rarelyMistakesRandomWalksForSeasonality() {
    // A few cycles of a random walk can genuinely look seasonal, so this is a rate, not a
    // certainty; the class documents about 3% on such data.
    int detected = 0;
    for (long seed = 100; seed < 140; seed++) {
      double[] walk = randomWalk(600, seed);
      if (PeriodDetector.detect(walk, walk.length, 2, 300) != 0) {
        detected++;
      }
    }
    assertThat(detected).isLessThanOrEqualTo(3);
  }

  private static double[] randomWalk(int n, long seed) {
    Random random = new Random(seed);
    double[] y = new double[n];
    for (int t = 1; t < n; t++) {
      y[t] = y[t - 1] + random.nextGaussian();
    }
    return y;
  }

  @Test
  void returnsZeroForTrendsWithoutSeasonality() {
    int n = 400;
    Random random = new Random(5);
    double[] noisyLine = new double[n];
    double[] exactLine = new double[n];
    double[] parabola = new double[n];
    double[] constant = new double[n];
    for (int t = 0; t < n; t++) {
      exactLine[t] = 3 + 0.7 * t;
      noisyLine[t] = exactLine[t] + random.nextGaussian();
      parabola[t] = 1e-3 * t * t + 0.1 * random.nextGaussian();
      constant[t] = 42;
    }
    assertThat(PeriodDetector.detect(noisyLine, n, 2, 200)).isZero();
    assertThat(PeriodDetector.detect(exactLine, n, 2, 200)).isZero();
    assertThat(PeriodDetector.detect(parabola, n, 2, 200)).isZero();
    assertThat(PeriodDetector.detect(constant, n, 2, 200)).isZero();
  }

  @Test
  void returnsZeroWhenTheSeriesIsTooShortForTheRange() {
    double[] y = seasonalSeries(12, 120, 1);
    assertThat(PeriodDetector.detect(y, 23, 12, 24)).isZero(); // n/2 = 11 < minPeriod
    assertThat(PeriodDetector.detect(y, 0, 2, 24)).isZero();
  }

  @Test
  void findsTheYearInCatfishSales() throws IOException {
    double[] y = StlTest.readCatfish();
    assertThat(PeriodDetector.detect(y, y.length, 2, y.length / 2)).isEqualTo(12);
    // Also in any ten-year window.
    for (int start = 0; start + 120 <= y.length; start += 24) {
      double[] window = java.util.Arrays.copyOfRange(y, start, start + 120);
      assertThat(PeriodDetector.detect(window, 120, 2, 60)).as("from %d", start).isEqualTo(12);
    }
  }

  @Test
  void rejectsInvalidArgumentsNamingThem() {
    double[] y = new double[100];
    assertThatThrownBy(() -> PeriodDetector.detect(y, 101, 2, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n=101");
    assertThatThrownBy(() -> PeriodDetector.detect(y, 100, 1, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minPeriod=1");
    assertThatThrownBy(() -> PeriodDetector.detect(y, 100, 10, 9))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPeriod=9");
    double[] withInfinity = new double[100];
    withInfinity[3] = Double.POSITIVE_INFINITY;
    assertThatThrownBy(() -> PeriodDetector.detect(withInfinity, 100, 2, 50))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y[3]=Infinity");
  }
}
