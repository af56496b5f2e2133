package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NabSweeperTest {

  private static final double EPS = 1e-9;

  /**
   * A random file: 20..160 rows one minute apart, 0..3 windows of 2..12 rows whose limits are row
   * timestamps, scores on a 0.05 grid (many ties), higher inside windows on average.
   */
  private static ScoredSeries randomFile(Random random, String name) {
    int n = 20 + random.nextInt(141);
    long[] ts = new long[n];
    for (int i = 0; i < n; i++) {
      ts[i] = 1_600_000_000_000L + 60_000L * i;
    }
    List<Window> windows = new ArrayList<>();
    boolean[] inWindow = new boolean[n];
    int at = random.nextInt(n / 3 + 1);
    int count = random.nextInt(4);
    for (int w = 0; w < count && at < n - 2; w++) {
      int width = 2 + random.nextInt(11);
      int last = Math.min(n - 1, at + width - 1);
      windows.add(new Window(ts[at], ts[last]));
      for (int i = at; i <= last; i++) {
        inWindow[i] = true;
      }
      at = last + 2 + random.nextInt(n / 2 + 1);
    }
    double[] score = new double[n];
    for (int i = 0; i < n; i++) {
      double base = random.nextDouble() * (inWindow[i] ? 1.3 : 1.0);
      score[i] = Math.min(1.0, Math.round(base * 20) / 20.0);
    }
    return ScoredSeries.ofWindows(name, ts, score, windows);
  }

  private static List<ScoredSeries> randomCorpus(Random random) {
    List<ScoredSeries> files = new ArrayList<>();
    int count = 1 + random.nextInt(4);
    for (int f = 0; f < count; f++) {
      files.add(randomFile(random, "file" + f));
    }
    return files;
  }

  @Test
  void sweepFindsTheBestThresholdOfABruteForceSearch() {
    Random random = new Random(7);
    for (int trial = 0; trial < 150; trial++) {
      List<ScoredSeries> files = randomCorpus(random);
      for (NabProfile profile : NabProfile.ALL) {
        // brute force: score the corpus at every candidate, from the highest down
        TreeSet<Double> candidates = new TreeSet<>();
        candidates.add(NabScorer.NO_ALERT_THRESHOLD);
        for (ScoredSeries f : files) {
          for (double s : f.scores()) {
            candidates.add(s);
          }
        }
        double bestScore = Double.NEGATIVE_INFINITY;
        for (double t : candidates.descendingSet()) {
          bestScore = Math.max(bestScore, NabScorer.scoreCorpus(files, profile, t).normalized());
        }
        NabScore swept = NabSweeper.sweep(files, profile);
        assertThat(swept.swept()).isTrue();
        if (Double.isNaN(swept.normalized())) {
          assertThat(bestScore).isNaN(); // no scorable window anywhere
          continue;
        }
        assertThat(swept.normalized()).as("trial %d %s", trial, profile.name())
            .isCloseTo(bestScore, within(EPS));
        // and it is the highest threshold reaching that score, as NAB's stable sort picks
        for (double t : candidates.tailSet(swept.threshold(), false)) {
          assertThat(NabScorer.scoreCorpus(files, profile, t).normalized())
              .isLessThan(bestScore - 1e-10);
        }
      }
    }
  }

  @Test
  void sweepAgreesWithATransliterationOfNabsOptimizer() {
    Random random = new Random(11);
    for (int trial = 0; trial < 150; trial++) {
      List<ScoredSeries> files = randomCorpus(random);
      for (NabProfile profile : NabProfile.ALL) {
        NabReferencePort.ThresholdScore nab =
            new NabReferencePort(profile).optimizeThreshold(files);
        NabScore swept = NabSweeper.sweep(files, profile);
        assertThat(swept.threshold()).as("trial %d %s", trial, profile.name())
            .isEqualTo(nab.threshold());
        assertThat(swept.raw()).isCloseTo(nab.score(), within(EPS));
      }
    }
  }

  @Test
  void fileScoreAgreesWithATransliterationOfNabsScoreDataSet() {
    Random random = new Random(13);
    int compared = 0;
    for (int trial = 0; trial < 300; trial++) {
      ScoredSeries f = randomFile(random, "f");
      NabProfile profile = NabProfile.ALL.get(trial % 3);
      double threshold = random.nextBoolean()
          ? f.scores()[random.nextInt(f.rows())] // a candidate value
          : 0.5 + 0.5 * random.nextDouble(); // between candidates
      Double nab = new NabReferencePort(profile).scoreDataSet(
          f.timestamps(), f.scores(), NabReferencePort.limits(f), "f", threshold);
      if (nab == null) {
        continue; // NAB finds no matching row (threshold below every score)
      }
      compared++;
      assertThat(NabScorer.score(f, profile, threshold).raw())
          .as("trial %d", trial).isCloseTo(nab, within(EPS));
    }
    assertThat(compared).isGreaterThan(200);
  }

  @Test
  void neverAlertingWinsWhenEveryAlertCostsMoreThanItEarns() {
    // the only high scores are far from the window: any threshold that alerts loses
    long[] ts = new long[100];
    double[] score = new double[100];
    for (int i = 0; i < 100; i++) {
      ts[i] = i;
      score[i] = i >= 80 ? 0.9 : 0.2;
    }
    ScoredSeries f = ScoredSeries.ofWindows("f", ts, score, List.of(new Window(30, 33)));
    NabScore s = NabSweeper.sweep(List.of(f), NabProfile.STANDARD);
    assertThat(s.threshold()).isEqualTo(NabScorer.NO_ALERT_THRESHOLD);
    assertThat(s.normalized()).isEqualTo(0.0);
  }

  @Test
  void sweepIsOneThresholdForTheWholeCorpusAndPerProfile() {
    // file a: its window's first row scores 0.9. file b: an FP at 0.9 before its window (full
    // -fpWeight), four FP rows at 0.7, and its window's first row at only 0.6.
    long[] ts = new long[60];
    double[] a = new double[60];
    double[] b = new double[60];
    for (int i = 0; i < 60; i++) {
      ts[i] = i;
      a[i] = 0.1;
      b[i] = 0.1;
    }
    a[30] = 0.9;
    b[20] = 0.9;
    for (int i = 40; i < 44; i++) {
      b[i] = 0.7;
    }
    b[50] = 0.6;
    List<ScoredSeries> files = List.of(
        ScoredSeries.ofWindows("a", ts, a, List.of(new Window(30, 33))),
        ScoredSeries.ofWindows("b", ts, b, List.of(new Window(50, 53))));
    Map<String, NabScore> best = NabSweeper.sweep(files, NabProfile.ALL);
    // standard: at 0.9: 1 - 0.11 - 1 = -0.11; at 0.6: 1 - 0.11 - 4*0.11 + 1 = 1.45 -> 0.6 wins
    assertThat(best.get("standard").threshold()).isEqualTo(0.6);
    assertThat(best.get("standard").raw()).isCloseTo(1.45, within(EPS));
    // the per-file scores at the corpus threshold add up to the corpus score
    double sum = 0;
    for (ScoredSeries f : files) {
      sum += NabScorer.score(f, NabProfile.STANDARD, 0.6).raw();
    }
    assertThat(sum).isCloseTo(best.get("standard").raw(), within(EPS));
    assertThat(best.keySet()).containsExactly(
        "standard", "reward_low_FP_rate", "reward_low_FN_rate");
  }
}
