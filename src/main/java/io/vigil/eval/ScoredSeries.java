package io.vigil.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One evaluated file: a detector's per-row scores over a time series, with its ground truth.
 *
 * <p>Holds, one entry per row, the timestamps (epoch millis, ascending), the scores (finite, in
 * {@code [0, 1]}) and the point labels, plus the labelled windows. Build it from windows ({@link
 * #ofWindows}), from point labels ({@link #ofPointLabels}) or from both ({@link #of}); the missing
 * form is derived with {@link WindowLabels}. Windows are kept in {@link WindowLabels#canonical
 * canonical} form (sorted, overlaps merged).
 *
 * <p>A window that contains no row (it lies between rows or outside the series) cannot be detected
 * or missed by any row-based scorer, so every metric in this package ignores it; {@link
 * #windows()} still returns it, {@link #scoredWindows()} does not.
 *
 * <p>Arrays are copied on the way in and out, so an instance is immutable.
 */
public final class ScoredSeries {

  private final String name;
  private final long[] ts;
  private final double[] score;
  private final boolean[] label;
  private final List<Window> windows;
  private final List<Window> scoredWindows;
  // row index range [windowFirstRow[k], windowLastRow[k]] of scoredWindows.get(k)
  private final int[] windowFirstRow;
  private final int[] windowLastRow;

  private ScoredSeries(
      String name, long[] ts, double[] score, boolean[] label, List<Window> windows) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(score, "score");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(windows, "windows");
    if (score.length != ts.length || label.length != ts.length) {
      throw new IllegalArgumentException(
          name
              + ": ts, score and label must have one entry per row, got "
              + ts.length
              + ", "
              + score.length
              + ", "
              + label.length);
    }
    for (int i = 1; i < ts.length; i++) {
      if (ts[i] < ts[i - 1]) {
        throw new IllegalArgumentException(
            name + ": ts must be ascending, but ts[" + i + "]=" + ts[i] + " < ts[" + (i - 1)
                + "]=" + ts[i - 1]);
      }
    }
    for (int i = 0; i < score.length; i++) {
      if (!(score[i] >= 0.0 && score[i] <= 1.0)) {
        throw new IllegalArgumentException(
            name + ": score must be finite and in [0,1], but score[" + i + "]=" + score[i]);
      }
    }
    this.ts = ts.clone();
    this.score = score.clone();
    for (int i = 0; i < this.score.length; i++) {
      this.score[i] += 0.0; // -0.0 becomes 0.0, so equal scores always sort and tie as equal
    }
    this.label = label.clone();
    this.windows = WindowLabels.canonical(windows);

    List<Window> withRows = new ArrayList<>();
    int[] first = new int[this.windows.size()];
    int[] last = new int[this.windows.size()];
    for (Window w : this.windows) {
      int lo = WindowLabels.lowerBound(this.ts, w.start());
      int hi = WindowLabels.upperBound(this.ts, w.end()) - 1;
      if (lo <= hi) {
        first[withRows.size()] = lo;
        last[withRows.size()] = hi;
        withRows.add(w);
      }
    }
    this.scoredWindows = List.copyOf(withRows);
    this.windowFirstRow = Arrays.copyOf(first, withRows.size());
    this.windowLastRow = Arrays.copyOf(last, withRows.size());
  }

  /** A file whose ground truth is given as windows; point labels are the rows inside them. */
  public static ScoredSeries ofWindows(String name, long[] ts, double[] score, List<Window> windows) {
    return new ScoredSeries(name, ts, score, WindowLabels.toPointLabels(ts, windows), windows);
  }

  /** A file whose ground truth is given as point labels; windows are the runs of labelled rows. */
  public static ScoredSeries ofPointLabels(
      String name, long[] ts, double[] score, boolean[] label) {
    return new ScoredSeries(name, ts, score, label, WindowLabels.toWindows(ts, label));
  }

  /**
   * A file with both forms of ground truth given independently: point metrics and the AUCs use
   * {@code label}, window metrics and NAB use {@code windows}.
   */
  public static ScoredSeries of(
      String name, long[] ts, double[] score, boolean[] label, List<Window> windows) {
    return new ScoredSeries(name, ts, score, label, windows);
  }

  /** File (or series) name, used to label result rows. */
  public String name() {
    return name;
  }

  /** Number of rows. */
  public int rows() {
    return ts.length;
  }

  /** Copy of the row timestamps. */
  public long[] timestamps() {
    return ts.clone();
  }

  /** Copy of the row scores. */
  public double[] scores() {
    return score.clone();
  }

  /** Copy of the point labels. */
  public boolean[] pointLabels() {
    return label.clone();
  }

  /** The labelled windows, canonical (sorted, overlaps merged), including those without rows. */
  public List<Window> windows() {
    return windows;
  }

  /** The canonical windows that contain at least one row: the ones every metric scores. */
  public List<Window> scoredWindows() {
    return scoredWindows;
  }

  // Package-private, copy-free access for the scorers in this package.

  long ts(int row) {
    return ts[row];
  }

  double score(int row) {
    return score[row];
  }

  boolean label(int row) {
    return label[row];
  }

  double[] scoresView() {
    return score;
  }

  boolean[] labelsView() {
    return label;
  }

  /** First row index of scored window {@code k}. */
  int windowFirstRow(int k) {
    return windowFirstRow[k];
  }

  /** Last row index of scored window {@code k}. */
  int windowLastRow(int k) {
    return windowLastRow[k];
  }
}
