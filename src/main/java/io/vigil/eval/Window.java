package io.vigil.eval;

/**
 * A labelled anomaly window: the closed interval {@code [start, end]} of epoch milliseconds.
 *
 * <p>A row belongs to the window when {@code start <= ts <= end}. Windows are the ground truth of
 * the window-wise metrics and of the NAB score; {@link WindowLabels} converts them to and from
 * per-row point labels.
 *
 * @param start first instant inside the window, epoch millis (inclusive)
 * @param end last instant inside the window, epoch millis (inclusive)
 */
public record Window(long start, long end) {

  /** Validates that the window is not empty. */
  public Window {
    if (end < start) {
      throw new IllegalArgumentException(
          "window end must not precede its start: start=" + start + ", end=" + end);
    }
  }

  /** True when {@code ts} lies inside the window (both ends inclusive). */
  public boolean contains(long ts) {
    return ts >= start && ts <= end;
  }
}
