package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

  @Test
  void rocAucEqualsPairwiseMannWhitneyCountOnRandomDataWithTies() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int n = 2 + random.nextInt(80);
      double[] score = new double[n];
      boolean[] label = new boolean[n];
      for (int i = 0; i < n; i++) {
        label[i] = random.nextDouble() < 0.3;
        // few distinct values so that ties, also across classes, are common
        score[i] = Math.round((random.nextDouble() + (label[i] ? 0.3 : 0)) * 8) / 8.0;
      }
      double expected = bruteForceAuc(score, label);
      double actual = RankingMetrics.rocAuc(score, label);
      if (Double.isNaN(expected)) {
        assertThat(actual).isNaN();
      } else {
        assertThat(actual).as("trial %d", trial).isCloseTo(expected, within(1e-12));
      }
    }
  }

  private static double bruteForceAuc(double[] score, boolean[] label) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < score.length; i++) {
      for (int j = 0; j < score.length; j++) {
        if (label[i] && !label[j]) {
          pairs++;
          wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
        }
      }
    }
    return pairs == 0 ? Double.NaN : wins / pairs;
  }

  @Test
  void averagePrecisionByHand() {
    // ranking: 0.9 pos, 0.8 neg, 0.7 pos, 0.6 neg
    // steps: R .5 at P 1; R .5 at P .5 (no gain); R 1 at P 2/3  ->  .5 * 1 + .5 * 2/3 = 5/6
    double[] score = {0.6, 0.7, 0.8, 0.9};
    boolean[] label = {false, true, false, true};
    assertThat(RankingMetrics.averagePrecision(score, label)).isCloseTo(5.0 / 6, within(1e-12));
    // ROC: pairs (0.9>0.8, 0.9>0.6, 0.7<0.8, 0.7>0.6) = 3/4
    assertThat(RankingMetrics.rocAuc(score, label)).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void tiedScoresFormOneStep() {
    // 0.9: one pos and one neg switch on together -> R .5 at P .5; then 0.5 pos -> R 1 at P 2/3
    // AP = .5 * .5 + .5 * 2/3 = 7/12 (ranking the tied positive first would give 5/6)
    double[] score = {0.9, 0.9, 0.5};
    boolean[] label = {false, true, true};
    assertThat(RankingMetrics.averagePrecision(score, label)).isCloseTo(7.0 / 12, within(1e-12));
    // pairs: (0.9 vs 0.9) = 0.5, (0.5 vs 0.9) = 0  -> 0.25
    assertThat(RankingMetrics.rocAuc(score, label)).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void allScoresTiedGivesChanceLevel() {
    double[] score = {0.3, 0.3, 0.3, 0.3};
    boolean[] label = {true, false, false, false};
    assertThat(RankingMetrics.rocAuc(score, label)).isEqualTo(0.5);
    assertThat(RankingMetrics.averagePrecision(score, label)).isEqualTo(0.25); // base rate
  }

  @Test
  void perfectRankingScoresOne() {
    double[] score = {0.1, 0.2, 0.8, 0.9};
    boolean[] label = {false, false, true, true};
    assertThat(RankingMetrics.rocAuc(score, label)).isEqualTo(1.0);
    assertThat(RankingMetrics.averagePrecision(score, label)).isEqualTo(1.0);
  }

  @Test
  void singleClassIsNaN() {
    double[] score = {0.1, 0.5};
    assertThat(RankingMetrics.rocAuc(score, new boolean[] {false, false})).isNaN();
    assertThat(RankingMetrics.averagePrecision(score, new boolean[] {false, false})).isNaN();
    assertThat(RankingMetrics.rocAuc(score, new boolean[] {true, true})).isNaN();
    assertThat(RankingMetrics.averagePrecision(score, new boolean[] {true, true})).isNaN();
  }

  @Test
  void corpusAucsPoolRowsAcrossFiles() {
    // file a alone: perfect; file b alone: perfect; pooled: b's positive (0.4) ranks below
    // a's negative (0.5): 3 of 4 pairs won
    ScoredSeries a = ScoredSeries.ofPointLabels(
        "a", new long[] {0, 1}, new double[] {0.5, 0.9}, new boolean[] {false, true});
    ScoredSeries b = ScoredSeries.ofPointLabels(
        "b", new long[] {0, 1}, new double[] {0.1, 0.4}, new boolean[] {false, true});
    assertThat(RankingMetrics.rocAuc(a)).isEqualTo(1.0);
    assertThat(RankingMetrics.rocAuc(b)).isEqualTo(1.0);
    List<ScoredSeries> both = new ArrayList<>(List.of(a, b));
    assertThat(RankingMetrics.rocAuc(both)).isCloseTo(0.75, within(1e-12));
    // pooled ranking 0.9 pos, 0.5 neg, 0.4 pos, 0.1 neg -> AP = .5 * 1 + .5 * 2/3
    assertThat(RankingMetrics.averagePrecision(both)).isCloseTo(5.0 / 6, within(1e-12));
  }
}
