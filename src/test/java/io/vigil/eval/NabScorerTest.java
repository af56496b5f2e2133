package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NAB scores worked by hand.
 *
 * <p>The file: 40 rows one minute apart; probation = min(floor(0.15 * 40), 750) = 6 rows (0..5);
 * one window over rows 20..23 (width 4). Scores are 0.9 on alerting rows, 0.1 elsewhere, threshold
 * 0.5. With S(y) = 2 / (1 + exp(5y)) - 1 and S(-1) = 0.98661429815:
 *
 * <pre>
 * alert at row 20: y = -(23-20+1)/4 = -1     credit S(-1)/S(-1)    = 1
 * alert at row 21: y = -3/4                  credit S(-.75)/S(-1)  = 0.96698908780
 * FP at row 10 (before any window)           -fpWeight * 1         = -0.11
 * FP at row 24: y = |23-24| / (4-1) = 1/3    0.11 * S(1/3)         = 0.11 * -0.68226179024
 * FP at row 30: y = 7/3                      0.11 * S(7/3)         = 0.11 * -0.99998285027
 * FP at row 35: y = 12/3 = 4 > 3             0.11 * -1
 * </pre>
 */
class NabScorerTest {

  private static final double EPS = 1e-9;
  private static final double MAX_TP = 0.9866142981514305; // S(-1)
  private static final double CREDIT_ROW_21 = 0.9669890878000605; // S(-0.75) / S(-1)
  private static final double S_ONE_THIRD = -0.6822617902381697; // S(1/3)
  private static final double S_SEVEN_THIRDS = -0.9999828502688526; // S(7/3)

  private static ScoredSeries file(int rows, int windowFirst, int windowLast, int... alerts) {
    long[] ts = new long[rows];
    double[] score = new double[rows];
    for (int i = 0; i < rows; i++) {
      ts[i] = 1_700_000_000_000L + 60_000L * i;
      score[i] = 0.1;
    }
    for (int a : alerts) {
      score[a] = 0.9;
    }
    return ScoredSeries.ofWindows("f", ts, score, List.of(new Window(ts[windowFirst], ts[windowLast])));
  }

  private static NabScore standard(ScoredSeries f) {
    return NabScorer.score(f, NabProfile.STANDARD, 0.5);
  }

  @Test
  void scaledSigmoidMatchesNabsDocumentedValues() {
    assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.98661, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(0.0)).isEqualTo(0.0);
    assertThat(NabScorer.scaledSigmoid(1.0)).isCloseTo(-0.98661, within(1e-5));
    assertThat(NabScorer.scaledSigmoid(3.0)).isCloseTo(-0.99999939, within(1e-8)); // not clipped
    assertThat(NabScorer.scaledSigmoid(3.0000001)).isEqualTo(-1.0); // clipped beyond 3
  }

  @Test
  void probationaryLengthIsFifteenPercentCappedAt750() {
    assertThat(NabScorer.probationaryLength(40)).isEqualTo(6);
    assertThat(NabScorer.probationaryLength(39)).isEqualTo(5); // floor(5.85)
    assertThat(NabScorer.probationaryLength(4032)).isEqualTo(604); // floor(604.8)
    assertThat(NabScorer.probationaryLength(5000)).isEqualTo(750);
    assertThat(NabScorer.probationaryLength(22695)).isEqualTo(750);
  }

  @Test
  void handWorkedMixOfProbationTruePositiveAndFalsePositives() {
    // row 3 probationary (ignored), row 10 FP before the window, row 21 first TP, row 22 a
    // second alert in the same window (adds nothing), row 24 FP just after the window
    ScoredSeries f = file(40, 20, 23, 3, 10, 21, 22, 24);
    double raw = -0.11 + CREDIT_ROW_21 + 0.11 * S_ONE_THIRD; // = 0.78194029087
    NabScore s = standard(f);
    assertThat(s.raw()).isCloseTo(raw, within(EPS));
    assertThat(s.nullScore()).isEqualTo(-1.0);
    assertThat(s.perfect()).isCloseTo(1.0, within(EPS));
    assertThat(s.normalized()).isCloseTo(100 * (raw + 1) / 2, within(EPS)); // 89.0970145
    assertThat(s.normalized()).isCloseTo(89.0970145, within(1e-6));

    // reward_low_FP_rate doubles the FP weight: -0.22 + 0.96699 + 0.22 * S(1/3)
    NabScore lowFp = NabScorer.score(f, NabProfile.REWARD_LOW_FP_RATE, 0.5);
    assertThat(lowFp.raw()).isCloseTo(-0.22 + CREDIT_ROW_21 + 0.22 * S_ONE_THIRD, within(EPS));
    assertThat(lowFp.normalized()).isCloseTo(79.8445747, within(1e-6));
  }

  @Test
  void falsePositivePenaltyGrowsWithDistanceAfterTheWindowAndSaturates() {
    assertThat(standard(file(40, 20, 23, 20, 30)).raw())
        .isCloseTo(1.0 + 0.11 * S_SEVEN_THIRDS, within(EPS)); // -0.10999811 for the FP
    assertThat(standard(file(40, 20, 23, 20, 35)).raw())
        .isCloseTo(1.0 - 0.11, within(EPS)); // beyond 3 widths: full -0.11
  }

  @Test
  void nullDetectorScoresZeroAndPerfectDetectorScoresHundred() {
    NabScore none = standard(file(40, 20, 23));
    assertThat(none.raw()).isEqualTo(-1.0);
    assertThat(none.normalized()).isEqualTo(0.0);
    NabScore perfect = standard(file(40, 20, 23, 20));
    assertThat(perfect.raw()).isCloseTo(1.0, within(EPS)); // S(-1) / S(-1) * tpWeight
    assertThat(perfect.normalized()).isCloseTo(100.0, within(EPS));
    // a late detection in the last row of the window: y = -1/4, credit S(-.25)/S(-1) = 0.56212
    NabScore late = standard(file(40, 20, 23, 23));
    assertThat(late.raw()).isCloseTo(0.5621241486044827, within(EPS));
  }

  @Test
  void falseNegativeProfileDoublesTheMissPenalty() {
    // window missed, one FP far after it (row 35, y = 4 > 3)
    ScoredSeries f = file(40, 20, 23, 35);
    NabScore standard = standard(f);
    assertThat(standard.raw()).isCloseTo(-1.11, within(EPS));
    assertThat(standard.normalized()).isCloseTo(100 * (-1.11 + 1) / (1 + 1), within(EPS)); // -5.5
    NabScore lowFn = NabScorer.score(f, NabProfile.REWARD_LOW_FN_RATE, 0.5);
    assertThat(lowFn.nullScore()).isEqualTo(-2.0);
    assertThat(lowFn.perfect()).isCloseTo(1.0, within(EPS));
    assertThat(lowFn.raw()).isCloseTo(-2.11, within(EPS));
    assertThat(lowFn.normalized()).isCloseTo(100 * (-2.11 + 2) / (1 + 2), within(EPS)); // -3.667
  }

  @Test
  void probationaryAlertsAreIgnored() {
    // alerts on every probationary row 0..5: same as never alerting
    NabScore s = standard(file(40, 20, 23, 0, 1, 2, 3, 4, 5));
    assertThat(s.raw()).isEqualTo(-1.0);
    assertThat(s.normalized()).isEqualTo(0.0);
    // row 6 is the first scored row: an FP there costs the full -0.11
    assertThat(standard(file(40, 20, 23, 6)).raw()).isCloseTo(-1.11, within(EPS));
  }

  @Test
  void windowStartingInProbationIsScoredFromItsFirstNonProbationaryRow() {
    // window rows 3..8 (width 6), probation rows 0..5. An alert at row 3 is ignored; the best
    // possible alert is at row 6: y = -(8-6+1)/6 = -0.5, credit S(-0.5)/S(-1) = 0.85979
    double creditRow6 = 0.8597925669097837;
    NabScore ignored = standard(file(40, 3, 8, 3));
    assertThat(ignored.raw()).isEqualTo(-1.0);
    assertThat(ignored.perfect()).isCloseTo(creditRow6, within(EPS));
    NabScore best = standard(file(40, 3, 8, 3, 6));
    assertThat(best.raw()).isCloseTo(creditRow6, within(EPS));
    assertThat(best.normalized()).isCloseTo(100.0, within(EPS));
  }

  @Test
  void windowInsideProbationIsNeitherCreditedNorPenalized() {
    NabScore s = standard(file(40, 1, 4, 2, 30));
    assertThat(s.nullScore()).isEqualTo(0.0);
    assertThat(s.perfect()).isEqualTo(0.0);
    assertThat(s.normalized()).isNaN(); // nothing to normalize against
    // the FP at row 30 is scored relative to that window: y = |4-30| / 3 > 3 -> -0.11
    assertThat(s.raw()).isCloseTo(-0.11, within(EPS));
  }

  @Test
  void oneRowWindowFollowsThePreSweeperRuleForLaterFalsePositives() {
    // window = row 20 only: a TP there earns the full credit (y = -1); an FP after it is scored
    // at position 2.0 (sweeper.py would divide by zero): 0.11 * S(2) = 0.11 * -0.99990920
    NabScore s = standard(file(40, 20, 20, 20, 21));
    assertThat(s.raw()).isCloseTo(1.0 + 0.11 * NabScorer.scaledSigmoid(2.0), within(EPS));
    assertThat(NabScorer.scaledSigmoid(2.0)).isCloseTo(-0.9999092042625951, within(1e-12));
  }

  @Test
  void corpusScoreIsTheSumOfFileScores() {
    ScoredSeries a = file(40, 20, 23, 10, 21);
    ScoredSeries b = file(40, 5, 12, 9, 30);
    NabScore sa = standard(a);
    NabScore sb = standard(b);
    NabScore corpus = NabScorer.scoreCorpus(List.of(a, b), NabProfile.STANDARD, 0.5);
    assertThat(corpus.raw()).isCloseTo(sa.raw() + sb.raw(), within(EPS));
    assertThat(corpus.nullScore()).isEqualTo(-2.0);
    assertThat(corpus.perfect()).isCloseTo(sa.perfect() + sb.perfect(), within(EPS));
    assertThat(corpus.normalized()).isCloseTo(
        100 * (corpus.raw() + 2) / (corpus.perfect() + 2), within(EPS));
    assertThat(MAX_TP).isCloseTo(NabScorer.scaledSigmoid(-1), within(1e-15));
  }
}
