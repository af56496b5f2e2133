package io.vigil.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders metrics as a GitHub-flavoured Markdown table: one row per detector ({@link #detectors})
 * or per file ({@link #files}).
 *
 * <p>Columns: name, rows, windows, alert threshold, point precision / recall / F1, window recall,
 * FP events, mean detection delay in rows, ROC-AUC, PR-AUC, then one normalized NAB score per
 * profile (in order of first appearance). Ratios have three decimals, NAB scores one; undefined
 * values show as {@code n/a}. The full detail (counts, NAB thresholds, per-window delays) is in the
 * JSON form of the records.
 */
public final class MetricsTable {

  private static final String NOT_AVAILABLE = "n/a";

  private MetricsTable() {}

  /** One row per detector. */
  public static String detectors(List<CorpusMetrics> detectors) {
    List<Map<String, NabScore>> nab = new ArrayList<>();
    detectors.forEach(d -> nab.add(d.nab()));
    List<String> profiles = profiles(nab);
    StringBuilder out = header("detector", profiles);
    for (CorpusMetrics d : detectors) {
      row(out, d.detector(), d.rows(), d.windows(), d.threshold(), d.point(), d.window(),
          d.rocAuc(), d.prAuc(), d.nab(), profiles);
    }
    return out.toString();
  }

  /** One row per file. */
  public static String files(List<FileMetrics> files) {
    List<Map<String, NabScore>> nab = new ArrayList<>();
    files.forEach(f -> nab.add(f.nab()));
    List<String> profiles = profiles(nab);
    StringBuilder out = header("file", profiles);
    for (FileMetrics f : files) {
      row(out, f.file(), f.rows(), f.windows(), f.threshold(), f.point(), f.window(),
          f.rocAuc(), f.prAuc(), f.nab(), profiles);
    }
    return out.toString();
  }

  private static List<String> profiles(List<Map<String, NabScore>> maps) {
    Set<String> names = new LinkedHashSet<>();
    maps.forEach(m -> names.addAll(m.keySet()));
    return List.copyOf(names);
  }

  private static StringBuilder header(String nameColumn, List<String> profiles) {
    List<String> columns = new ArrayList<>(List.of(nameColumn, "rows", "windows", "threshold",
        "precision", "recall", "F1", "window recall", "FP events", "mean delay (rows)",
        "ROC-AUC", "PR-AUC"));
    profiles.forEach(p -> columns.add("NAB " + p));
    StringBuilder out = new StringBuilder();
    line(out, columns);
    List<String> rule = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      rule.add(c == 0 ? "---" : "---:");
    }
    line(out, rule);
    return out;
  }

  private static void row(StringBuilder out, String name, long rows, long windows,
      double threshold, PointMetrics point, WindowMetrics window, double rocAuc, double prAuc,
      Map<String, NabScore> nab, List<String> profiles) {
    List<String> cells = new ArrayList<>(List.of(
        name.replace("|", "\\|"),
        Long.toString(rows),
        Long.toString(windows),
        fixed(threshold, 3),
        fixed(point.precision(), 3),
        fixed(point.recall(), 3),
        fixed(point.f1(), 3),
        fixed(window.recall(), 3),
        Long.toString(window.fpEvents()),
        fixed(window.meanDelayRows(), 1),
        fixed(rocAuc, 3),
        fixed(prAuc, 3)));
    for (String p : profiles) {
      NabScore s = nab.get(p);
      cells.add(s == null ? NOT_AVAILABLE : fixed(s.normalized(), 1));
    }
    line(out, cells);
  }

  private static void line(StringBuilder out, List<String> cells) {
    out.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static String fixed(double value, int decimals) {
    return Double.isNaN(value) ? NOT_AVAILABLE
        : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
