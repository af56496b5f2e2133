package io.vigil.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Conversions between the two forms of ground truth: per-row point labels and labelled windows.
 *
 * <ul>
 *   <li>windows → point labels: a row is labelled when its timestamp lies inside any window;
 *   <li>point labels → windows: each run of consecutive labelled rows becomes one window from the
 *       first to the last timestamp of the run.
 * </ul>
 *
 * <p>{@link #canonical(List)} sorts windows and merges overlapping ones. Every metric in this
 * package works on canonical windows, so a row never belongs to two windows and a detection is
 * never credited twice.
 */
public final class WindowLabels {

  private WindowLabels() {}

  /**
   * Point labels from windows: {@code label[i]} is true when {@code ts[i]} lies inside any window.
   *
   * @param ts ascending row timestamps, epoch millis
   * @param windows labelled windows, in any order, possibly overlapping
   */
  public static boolean[] toPointLabels(long[] ts, List<Window> windows) {
    boolean[] label = new boolean[ts.length];
    for (Window w : windows) {
      // ts is ascending, so the rows inside a window are one contiguous index range
      int first = lowerBound(ts, w.start());
      for (int i = first; i < ts.length && ts[i] <= w.end(); i++) {
        label[i] = true;
      }
    }
    return label;
  }

  /**
   * Windows from point labels: each maximal run of consecutive labelled rows becomes {@code
   * Window(ts[first], ts[last])}.
   *
   * @param ts row timestamps, epoch millis
   * @param label one label per row
   */
  public static List<Window> toWindows(long[] ts, boolean[] label) {
    if (ts.length != label.length) {
      throw new IllegalArgumentException(
          "ts and label differ in length: " + ts.length + " vs " + label.length);
    }
    List<Window> windows = new ArrayList<>();
    int runStart = -1;
    for (int i = 0; i <= label.length; i++) {
      boolean on = i < label.length && label[i];
      if (on && runStart < 0) {
        runStart = i;
      } else if (!on && runStart >= 0) {
        windows.add(new Window(ts[runStart], ts[i - 1]));
        runStart = -1;
      }
    }
    return windows;
  }

  /**
   * Windows sorted by start, with overlapping windows (sharing at least one instant) merged into
   * one. Windows that merely follow each other stay separate.
   */
  public static List<Window> canonical(List<Window> windows) {
    List<Window> sorted = new ArrayList<>(windows);
    sorted.sort(Comparator.comparingLong(Window::start).thenComparingLong(Window::end));
    List<Window> merged = new ArrayList<>(sorted.size());
    for (Window w : sorted) {
      if (!merged.isEmpty() && w.start() <= merged.get(merged.size() - 1).end()) {
        Window last = merged.remove(merged.size() - 1);
        merged.add(new Window(last.start(), Math.max(last.end(), w.end())));
      } else {
        merged.add(w);
      }
    }
    return List.copyOf(merged);
  }

  /** Index of the first element {@code >= key} in an ascending array ({@code a.length} if none). */
  static int lowerBound(long[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Index of the first element {@code > key} in an ascending array ({@code a.length} if none). */
  static int upperBound(long[] a, long key) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] <= key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
