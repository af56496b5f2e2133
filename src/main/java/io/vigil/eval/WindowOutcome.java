package io.vigil.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether one labelled window was detected at a threshold, and how late.
 *
 * <p>The delay runs from the window's labelled start to the first alert inside the window: in
 * milliseconds from {@link Window#start()}, and in rows from the window's first row. The three
 * detection fields are {@code null} for a missed window.
 *
 * @param start window start, epoch millis
 * @param end window end, epoch millis
 * @param detected true when at least one row inside the window alerted
 * @param firstAlertTs timestamp of the first alert inside the window, or null if missed
 * @param delayMillis {@code firstAlertTs - start}, or null if missed
 * @param delayRows rows between the window's first row and its first alert, or null if missed
 */
public record WindowOutcome(
    long start, long end, boolean detected, Long firstAlertTs, Long delayMillis,
    Integer delayRows) {

  /** One outcome per {@linkplain ScoredSeries#scoredWindows() scored window}, in time order. */
  public static List<WindowOutcome> of(ScoredSeries file, double threshold) {
    List<Window> windows = file.scoredWindows();
    List<WindowOutcome> outcomes = new ArrayList<>(windows.size());
    for (int k = 0; k < windows.size(); k++) {
      Window w = windows.get(k);
      int first = file.windowFirstRow(k);
      int last = file.windowLastRow(k);
      int alert = -1;
      for (int i = first; i <= last; i++) {
        if (file.score(i) >= threshold) {
          alert = i;
          break;
        }
      }
      if (alert < 0) {
        outcomes.add(new WindowOutcome(w.start(), w.end(), false, null, null, null));
      } else {
        long at = file.ts(alert);
        outcomes.add(
            new WindowOutcome(w.start(), w.end(), true, at, at - w.start(), alert - first));
      }
    }
    return outcomes;
  }
}
