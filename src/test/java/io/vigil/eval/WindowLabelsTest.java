package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowLabelsTest {

  private static final long[] TS = {0, 10, 20, 30, 40, 50, 60, 70};

  @Test
  void windowsBecomePointLabelsInclusiveOfBothEnds() {
    boolean[] label = WindowLabels.toPointLabels(TS, List.of(new Window(10, 30), new Window(65, 70)));
    assertThat(label).containsExactly(false, true, true, true, false, false, false, true);
  }

  @Test
  void windowBetweenRowsLabelsNothing() {
    assertThat(WindowLabels.toPointLabels(TS, List.of(new Window(11, 19)))).doesNotContain(true);
  }

  @Test
  void runsOfLabelledRowsBecomeWindowsFromFirstToLastTimestamp() {
    boolean[] label = {true, true, false, false, true, false, true, true};
    assertThat(WindowLabels.toWindows(TS, label))
        .containsExactly(new Window(0, 10), new Window(40, 40), new Window(60, 70));
  }

  @Test
  void roundTripFromLabelsIsIdentity() {
    boolean[] label = {false, true, true, false, true, false, false, true};
    assertThat(WindowLabels.toPointLabels(TS, WindowLabels.toWindows(TS, label))).isEqualTo(label);
  }

  @Test
  void canonicalSortsAndMergesOverlapsButKeepsTouchingWindowsApart() {
    List<Window> canonical = WindowLabels.canonical(List.of(
        new Window(50, 60), new Window(0, 20), new Window(15, 30), new Window(31, 40),
        new Window(55, 58)));
    assertThat(canonical)
        .containsExactly(new Window(0, 30), new Window(31, 40), new Window(50, 60));
  }

  @Test
  void scoredSeriesKeepsOnlyWindowsWithRowsForScoring() {
    ScoredSeries s = ScoredSeries.ofWindows(
        "f", TS, new double[8], List.of(new Window(100, 200), new Window(11, 19), new Window(20, 30)));
    assertThat(s.windows()).hasSize(3);
    assertThat(s.scoredWindows()).containsExactly(new Window(20, 30));
    assertThat(s.pointLabels()).containsExactly(false, false, true, true, false, false, false, false);
  }

  @Test
  void scoredSeriesFromPointLabelsDerivesWindows() {
    boolean[] label = {false, false, true, true, false, false, true, false};
    ScoredSeries s = ScoredSeries.ofPointLabels("f", TS, new double[8], label);
    assertThat(s.windows()).containsExactly(new Window(20, 30), new Window(60, 60));
  }

  @Test
  void invalidInputIsRejectedWithTheOffendingValue() {
    assertThatThrownBy(() -> ScoredSeries.ofWindows("f", new long[] {0, 5, 3}, new double[3], List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ts[2]=3");
    assertThatThrownBy(() -> ScoredSeries.ofWindows("f", new long[] {0, 1}, new double[] {0.5, 1.5}, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score[1]=1.5");
    assertThatThrownBy(() -> ScoredSeries.ofWindows("f", new long[] {0, 1}, new double[] {Double.NaN, 0}, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("score[0]=NaN");
    assertThatThrownBy(() -> ScoredSeries.ofWindows("f", new long[] {0, 1}, new double[1], List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one entry per row");
    assertThatThrownBy(() -> new Window(5, 4)).isInstanceOf(IllegalArgumentException.class);
  }
}
