package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Point and window metrics on one hand-worked file.
 *
 * <pre>
 * rows 0..19, ts = 1000 * row
 * windows [5000, 8000] = rows 5..8, [12000, 13000] = rows 12..13, [30000, 40000] = no rows
 * alerts at rows 0 1 3 7 8 9 10 14 19
 * </pre>
 */
class PointAndWindowMetricsTest {

  private static final double T = 0.5;

  private static ScoredSeries file() {
    long[] ts = new long[20];
    double[] score = new double[20];
    for (int i = 0; i < 20; i++) {
      ts[i] = 1000L * i;
      score[i] = 0.2;
    }
    for (int i : new int[] {0, 1, 3, 7, 8, 9, 10, 14, 19}) {
      score[i] = 0.8;
    }
    return ScoredSeries.ofWindows("f", ts, score,
        List.of(new Window(5000, 8000), new Window(12000, 13000), new Window(30000, 40000)));
  }

  @Test
  void pointMetricsCountRowsAgainstRowLabels() {
    // labelled rows 5-8, 12-13 (6); alerts 9; TP = rows 7, 8
    PointMetrics p = PointMetrics.at(file(), T);
    assertThat(p.tp()).isEqualTo(2);
    assertThat(p.fp()).isEqualTo(7);
    assertThat(p.fn()).isEqualTo(4);
    assertThat(p.tn()).isEqualTo(7);
    assertThat(p.precision()).isCloseTo(2.0 / 9, within(1e-12));
    assertThat(p.recall()).isCloseTo(2.0 / 6, within(1e-12));
    assertThat(p.f1()).isCloseTo(4.0 / 15, within(1e-12)); // 2tp / (2tp + fp + fn)
  }

  @Test
  void undefinedRatiosAreNaNAndSumsRecomputeRatios() {
    PointMetrics none = PointMetrics.fromCounts(0, 0, 0, 10);
    assertThat(none.precision()).isNaN();
    assertThat(none.recall()).isNaN();
    assertThat(none.f1()).isNaN();
    PointMetrics sum = PointMetrics.sum(List.of(PointMetrics.fromCounts(1, 1, 0, 3),
        PointMetrics.fromCounts(1, 0, 2, 5)));
    assertThat(sum).isEqualTo(PointMetrics.fromCounts(2, 1, 2, 8));
    assertThat(sum.precision()).isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void windowMetricsCountDetectionsFalsePositiveRunsAndDelay() {
    WindowMetrics w = WindowMetrics.at(file(), T);
    assertThat(w.windows()).isEqualTo(2); // the window without rows is not scored
    assertThat(w.detected()).isEqualTo(1);
    assertThat(w.recall()).isEqualTo(0.5);
    assertThat(w.fpAlertRows()).isEqualTo(7); // rows 0 1 3 9 10 14 19
    assertThat(w.fpEvents()).isEqualTo(5); // {0,1} {3} {9,10} {14} {19}: row 8 is in a window
    assertThat(w.meanDelayMillis()).isEqualTo(2000.0); // first alert row 7 at 7000, start 5000
    assertThat(w.meanDelayRows()).isEqualTo(2.0);
  }

  @Test
  void windowOutcomesReportEachWindow() {
    assertThat(WindowOutcome.of(file(), T)).containsExactly(
        new WindowOutcome(5000, 8000, true, 7000L, 2000L, 2),
        new WindowOutcome(12000, 13000, false, null, null, null));
  }

  @Test
  void windowSumsAverageDelaysOverDetectedWindows() {
    WindowMetrics a = new WindowMetrics(2, 1, 0.5, 3, 2, 1000.0, 1.0);
    WindowMetrics b = new WindowMetrics(3, 3, 1.0, 0, 0, 3000.0, 3.0);
    WindowMetrics none = new WindowMetrics(1, 0, 0.0, 4, 1, Double.NaN, Double.NaN);
    WindowMetrics sum = WindowMetrics.sum(List.of(a, b, none));
    assertThat(sum).isEqualTo(new WindowMetrics(6, 4, 4.0 / 6, 7, 3, 2500.0, 2.5));
  }

  @Test
  void noAlertsGivesZeroRecallAndUndefinedDelay() {
    WindowMetrics w = WindowMetrics.at(file(), 0.9);
    assertThat(w.detected()).isZero();
    assertThat(w.recall()).isZero();
    assertThat(w.fpEvents()).isZero();
    assertThat(w.meanDelayMillis()).isNaN();
  }
}
