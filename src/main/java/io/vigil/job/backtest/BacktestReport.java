package io.vigil.job.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vigil.eval.CorpusMetrics;
import io.vigil.eval.Evaluator;
import io.vigil.eval.MetricsTable;
import io.vigil.eval.NabProfile;
import io.vigil.eval.ScoredSeries;
import io.vigil.eval.Window;
import io.vigil.eval.WindowLabels;
import io.vigil.io.EventJson;
import io.vigil.job.backtest.BacktestInput.InputFile;
import io.vigil.job.backtest.BacktestInput.Row;
import io.vigil.job.backtest.BacktestRun.FileResult;
import io.vigil.model.FieldScore;
import io.vigil.model.ScoredPoint;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Everything a backtest writes under its output folder: per input file a CSV of one line per row
 * and a PNG chart (both at the file's relative path), {@code summary.json} and {@code summary.md}
 * with the metrics of the combined output and of each detector, and {@code index.html} that shows
 * the summary and every chart on one page.
 *
 * <p>Alert thresholds of the metrics: a detector's view uses its own configured threshold (so its
 * alerts are exactly its {@code fired} flags); the combined view uses the lowest threshold among
 * the enabled detectors, which under the max-score combination reproduces "any detector fired".
 * Both come from the job's default detector settings; per-series overrides still shape the
 * scores, and the per-row {@code is_anomaly} column is always the job's own verdict.
 */
public final class BacktestReport {

    /** Name of the combined output in tables. */
    public static final String COMBINED = "combined";

    /** What the summary says about the run besides the metrics. */
    public record RunFacts(String input, String job, String labels, List<String> detectors,
            Map<String, Double> alertThresholds, String nabThreshold, int files, long rows, long labelledFiles,
            Map<String, Long> rejectedRows, double wallSeconds, double rowsPerSecond, int parallelism) {}

    /** The summary file's content. */
    public record Summary(RunFacts run, List<CorpusMetrics> metrics) {}

    private final Path outDir;
    private final List<String> detectors;

    public BacktestReport(Path outDir, List<String> detectors) {
        this.outDir = outDir;
        this.detectors = List.copyOf(detectors);
    }

    /** The CSV path of an input file under the output folder. */
    public Path csvOf(InputFile f) {
        return outDir.resolve(f.relativePath());
    }

    /** The chart path of an input file under the output folder. */
    public Path chartOf(InputFile f) {
        return outDir.resolve(f.relativePath().replaceFirst("\\.csv$", "") + ".png");
    }

    /** Writes the per-row CSV of one file. */
    public void writeRows(FileResult r) throws IOException {
        InputFile f = r.file();
        Path csv = csvOf(f);
        Files.createDirectories(csv.toAbsolutePath().getParent());
        boolean multi = f.multivariate();
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            StringBuilder h = new StringBuilder("timestamp,");
            if (multi) {
                h.append("field,");
            }
            h.append("value,anomaly_score,point_score,is_anomaly,expected,lower,upper,detectors");
            if (f.labelled()) {
                h.append(",label");
            }
            for (String d : detectors) {
                h.append(",score_").append(d);
            }
            h.append(",rejected\n");
            w.write(h.toString());
            boolean[] labels = pointLabels(f);
            StringBuilder line = new StringBuilder(128);
            List<Row> rows = f.rows();
            for (int i = 0; i < rows.size(); i++) {
                line.setLength(0);
                Row row = rows.get(i);
                ScoredPoint p = r.scored()[i];
                FieldScore lead = p == null ? null : RowView.lead(p);
                line.append(row.readable() ? EventJson.iso(row.ts()) : "").append(',');
                if (multi) {
                    line.append(lead == null ? "" : lead.field()).append(',');
                }
                if (lead != null) {
                    line.append(num(lead.value())).append(',').append(num(lead.ready() ? maxOnset(p) : 0.0))
                            .append(',').append(num(lead.ready() ? maxScore(p) : 0.0))
                            .append(',').append(p.anomalous() ? 1 : 0).append(',')
                            .append(num(lead.expected())).append(',').append(num(lead.lower())).append(',')
                            .append(num(lead.upper())).append(',').append(String.join("+", firedOf(p)));
                } else {
                    double v = row.readable() ? row.values()[0] : Double.NaN;
                    line.append(num(v)).append(",0,0,0,,,,");
                }
                if (f.labelled()) {
                    line.append(',').append(labels[i] ? 1 : 0);
                }
                for (String d : detectors) {
                    line.append(',').append(p == null ? "0" : num(RowView.detectorScore(p, d)));
                }
                line.append(',');
                if (r.rejected()[i] != null) {
                    line.append(quote(r.rejected()[i]));
                }
                line.append('\n');
                w.write(line.toString());
            }
        }
    }

    /** The chart of one file. */
    public void writeChart(FileResult r) throws IOException {
        SeriesChart.write(r, chartOf(r.file()));
    }

    /**
     * The metrics of the combined output and of each detector over the labelled files; empty when
     * no file has labels.
     */
    public List<CorpusMetrics> evaluate(List<FileResult> results, Map<String, Double> thresholds,
            OptionalDouble nabThreshold) {
        List<FileResult> labelled = results.stream().filter(r -> r.file().labelled()).toList();
        if (labelled.isEmpty()) {
            return List.of();
        }
        List<CorpusMetrics> out = new ArrayList<>();
        out.add(Evaluator.evaluate(COMBINED, series(labelled, BacktestReport::maxOnset), thresholds.get(COMBINED),
                nabThreshold, NabProfile.ALL));
        if (detectors.size() > 1) {
            for (String d : detectors) {
                out.add(Evaluator.evaluate(d, series(labelled, p -> RowView.detectorScore(p, d)), thresholds.get(d),
                        nabThreshold, NabProfile.ALL));
            }
        }
        return out;
    }

    /** The evaluated form of each file: its scored rows in time order (rejected rows score 0). */
    private static List<ScoredSeries> series(List<FileResult> results, ToDoubleFunction<ScoredPoint> score) {
        List<ScoredSeries> out = new ArrayList<>(results.size());
        for (FileResult r : results) {
            InputFile f = r.file();
            List<Row> rows = f.rows();
            boolean[] labels = pointLabels(f);
            Integer[] order = new Integer[rows.size()];
            int n = 0;
            for (int i = 0; i < rows.size(); i++) {
                if (rows.get(i).readable()) {
                    order[n++] = i;
                }
            }
            Integer[] readable = Arrays.copyOf(order, n);
            Arrays.sort(readable, Comparator.comparingLong((Integer i) -> rows.get(i).ts()).thenComparing(i -> i));
            long[] ts = new long[n];
            double[] s = new double[n];
            boolean[] l = new boolean[n];
            for (int k = 0; k < n; k++) {
                int i = readable[k];
                ts[k] = rows.get(i).ts();
                ScoredPoint p = r.scored()[i];
                s[k] = p == null ? 0.0 : Math.min(1.0, Math.max(0.0, score.applyAsDouble(p)));
                l[k] = labels[i];
            }
            List<Window> windows = f.windows() != null ? f.windows() : WindowLabels.toWindows(ts, l);
            out.add(ScoredSeries.of(f.relativePath(), ts, s, l, windows));
        }
        return out;
    }

    /** Point labels per row: the label column, else the rows inside a labelled window. */
    static boolean[] pointLabels(InputFile f) {
        List<Row> rows = f.rows();
        boolean[] out = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (!r.readable()) {
                continue;
            }
            if (f.hasLabelColumn()) {
                out[i] = r.label() == 1;
            } else if (f.windows() != null) {
                for (Window w : f.windows()) {
                    if (w.contains(r.ts())) {
                        out[i] = true;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Counts of rejected rows by reason code. */
    public static Map<String, Long> rejectedCounts(List<FileResult> results) {
        Map<String, Long> out = new TreeMap<>();
        for (FileResult r : results) {
            for (String s : r.rejected()) {
                if (s != null) {
                    int colon = s.indexOf(':');
                    out.merge(colon > 0 ? s.substring(0, colon) : s, 1L, Long::sum);
                }
            }
        }
        return out;
    }

    /** Writes summary.json and summary.md; returns the Markdown. */
    public String writeSummary(RunFacts facts, List<CorpusMetrics> metrics) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.createDirectories(outDir);
        json.writeValue(outDir.resolve("summary.json").toFile(), new Summary(facts, metrics));
        String md = markdown(facts, metrics);
        Files.writeString(outDir.resolve("summary.md"), md, StandardCharsets.UTF_8);
        return md;
    }

    /** The Markdown summary: run facts, one row per detector, then one row per file of the combined output. */
    static String markdown(RunFacts facts, List<CorpusMetrics> metrics) {
        StringBuilder md = new StringBuilder("# Vigil backtest\n\n");
        md.append(String.format(Locale.ROOT,
                "- input: `%s` (%d files, %d rows, %d labelled files)%n- job: `%s`%n- labels: %s%n"
                        + "- detectors: %s%n- alert thresholds: %s%n- NAB threshold: %s%n- rejected rows: %s%n"
                        + "- wall time: %.1f s (%.0f rows/s, parallelism %d)%n%n",
                facts.input(), facts.files(), facts.rows(), facts.labelledFiles(), facts.job(),
                facts.labels() == null ? "label column only, or none" : "`" + facts.labels() + "`",
                String.join(", ", facts.detectors()), facts.alertThresholds(), facts.nabThreshold(),
                facts.rejectedRows().isEmpty() ? "none" : facts.rejectedRows(), facts.wallSeconds(),
                facts.rowsPerSecond(), facts.parallelism()));
        if (metrics.isEmpty()) {
            md.append("No file has labels (a `label` column or a windows file), so there are no metrics.\n");
            return md.toString();
        }
        md.append("## Detectors\n\n").append(MetricsTable.detectors(metrics)).append('\n');
        md.append("## Files (").append(metrics.get(0).detector()).append(")\n\n")
                .append(MetricsTable.files(metrics.get(0).perFile()));
        return md.toString();
    }

    /** Writes index.html: the summary tables and every chart, linked to its CSV. */
    public void writeIndex(String markdown, List<FileResult> results) throws IOException {
        StringBuilder h = new StringBuilder(4096);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vigil backtest</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}")
                .append("table{border-collapse:collapse;margin:8px 0 24px;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}")
                .append("img{max-width:100%;border:1px solid #ddd;margin:4px 0 24px}</style></head><body>\n");
        boolean inList = false;
        List<String> table = new ArrayList<>();
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("|")) {
                table.add(line);
                continue;
            }
            if (!table.isEmpty()) {
                htmlTable(h, table);
                table.clear();
            }
            if (line.startsWith("- ")) {
                if (!inList) {
                    h.append("<ul>\n");
                    inList = true;
                }
                h.append("<li>").append(inline(line.substring(2))).append("</li>\n");
                continue;
            }
            if (inList) {
                h.append("</ul>\n");
                inList = false;
            }
            if (line.startsWith("## ")) {
                h.append("<h2>").append(inline(line.substring(3))).append("</h2>\n");
            } else if (line.startsWith("# ")) {
                h.append("<h1>").append(inline(line.substring(2))).append("</h1>\n");
            } else if (!line.isBlank()) {
                h.append("<p>").append(inline(line)).append("</p>\n");
            }
        }
        if (!table.isEmpty()) {
            htmlTable(h, table);
        }
        h.append("<h2>Charts</h2>\n<p>values (blue), expected value and band (orange), anomalies (red), "
                + "labelled windows (green)</p>\n");
        for (FileResult r : results) {
            String rel = outDir.relativize(chartOf(r.file())).toString().replace('\\', '/');
            String csv = outDir.relativize(csvOf(r.file())).toString().replace('\\', '/');
            h.append("<h3>").append(escape(r.file().relativePath())).append(" <small><a href=\"")
                    .append(escape(csv)).append("\">rows</a></small></h3>\n<img src=\"").append(escape(rel))
                    .append("\" alt=\"").append(escape(r.file().relativePath())).append("\">\n");
        }
        h.append("</body></html>\n");
        Files.writeString(outDir.resolve("index.html"), h, StandardCharsets.UTF_8);
    }

    private static void htmlTable(StringBuilder h, List<String> lines) {
        h.append("<table>\n");
        for (int i = 0; i < lines.size(); i++) {
            if (i == 1) {
                continue; // the |---| rule
            }
            String[] cells = lines.get(i).substring(1, lines.get(i).length() - 1).split("(?<!\\\\)\\|", -1);
            String tag = i == 0 ? "th" : "td";
            h.append("<tr>");
            for (String c : cells) {
                h.append('<').append(tag).append('>').append(escape(c.trim().replace("\\|", "|")))
                        .append("</").append(tag).append('>');
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static String inline(String s) {
        return escape(s).replaceAll("`([^`]*)`", "<code>$1</code>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The row's onset score (its fields' highest): what the combined row of the summary is judged on. */
    static double maxOnset(ScoredPoint p) {
        return highest(p, FieldScore::onset);
    }

    /** The row's point score (its fields' highest). */
    static double maxScore(ScoredPoint p) {
        return highest(p, FieldScore::score);
    }

    private static double highest(ScoredPoint p, java.util.function.ToDoubleFunction<FieldScore> of) {
        double s = 0;
        for (FieldScore f : p.fields()) {
            if (f.ready()) {
                s = Math.max(s, of.applyAsDouble(f));
            }
        }
        return s;
    }

    private static List<String> firedOf(ScoredPoint p) {
        List<String> out = new ArrayList<>(2);
        for (FieldScore f : p.fields()) {
            for (String d : f.fired()) {
                if (!out.contains(d)) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }

    /** Thresholds per view: each detector's own, and the lowest of them for the combined output. */
    public static Map<String, Double> thresholds(io.vigil.detect.DetectorSettings d) {
        Map<String, Double> out = new LinkedHashMap<>();
        double min = 1.0;
        for (String name : d.enabled()) {
            double t = d.threshold(name);
            out.put(name, t);
            min = Math.min(min, t);
        }
        out.put(COMBINED, min);
        return out;
    }
}
