package io.vigil.io;

import io.vigil.model.InputPoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a time-series CSV: a header row, then one row per point. The first column named
 * {@code timestamp}, {@code ts}, {@code time} or {@code date} (else the first column) holds the
 * time (epoch millis or ISO-8601, see {@link PointParser#parseTimestamp}); a {@code label} column
 * (0/1) is read as the ground truth; every other column is a numeric field. One field named
 * {@code value} gives univariate points. Empty lines are skipped; a row that cannot be read is
 * reported with its line number rather than dropped.
 */
public final class CsvSeriesReader {

    private CsvSeriesReader() {}

    /** One row of a series CSV; {@code label} is -1 when the file has no label column. */
    public record Row(long lineNumber, long ts, double[] values, int label, String rawTimestamp) {}

    /** A whole series file. */
    public record Series(String series, String[] fields, List<Row> rows, boolean hasLabels) {

        /** The rows as points of this series. */
        public InputPoint point(Row r) {
            return new InputPoint(series, r.ts(), fields, r.values(), Map.of());
        }
    }

    /** A row that could not be read. */
    public record BadRow(long lineNumber, String line, String reason) {}

    /** Reads a CSV file as series {@code series}; rows that fail go to {@code bad} (may be null to fail fast). */
    public static Series read(Path file, String series, List<BadRow> bad) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException(file + ": empty file, expected a header like timestamp,value");
            }
            String[] cols = split(stripBom(header));
            int tsCol = -1;
            int labelCol = -1;
            for (int i = 0; i < cols.length; i++) {
                String c = cols[i].trim().toLowerCase(Locale.ROOT);
                if (tsCol < 0 && (c.equals("timestamp") || c.equals("ts") || c.equals("time") || c.equals("date"))) {
                    tsCol = i;
                } else if (c.equals("label") || c.equals("is_anomaly_label")) {
                    labelCol = i;
                }
            }
            if (tsCol < 0) {
                tsCol = 0;
            }
            List<Integer> valueCols = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < cols.length; i++) {
                if (i != tsCol && i != labelCol) {
                    valueCols.add(i);
                    names.add(cols[i].trim());
                }
            }
            if (valueCols.isEmpty()) {
                throw new IOException(file + ": no value column in header \"" + header + "\"");
            }
            String[] fields = names.size() == 1 ? new String[] {InputPoint.VALUE} : names.toArray(new String[0]);
            List<Row> rows = new ArrayList<>();
            String line;
            long lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = split(line);
                String reason = null;
                Long ts = null;
                double[] values = new double[valueCols.size()];
                int label = -1;
                if (parts.length < cols.length) {
                    reason = "expected " + cols.length + " columns, got " + parts.length;
                } else {
                    ts = PointParser.parseTimestamp(parts[tsCol]);
                    if (ts == null) {
                        reason = "bad timestamp \"" + parts[tsCol] + "\"";
                    }
                    for (int j = 0; j < values.length && reason == null; j++) {
                        try {
                            values[j] = Double.parseDouble(parts[valueCols.get(j)].trim());
                        } catch (NumberFormatException e) {
                            reason = "bad number \"" + parts[valueCols.get(j)] + "\" in column " + names.get(j);
                        }
                    }
                    if (labelCol >= 0 && reason == null) {
                        String l = parts[labelCol].trim();
                        label = l.equals("1") || l.equalsIgnoreCase("true") || l.equals("1.0") ? 1 : 0;
                    }
                }
                if (reason != null) {
                    if (bad == null) {
                        throw new IOException(file + ":" + lineNo + ": " + reason);
                    }
                    bad.add(new BadRow(lineNo, line, reason));
                    continue;
                }
                rows.add(new Row(lineNo, ts, values, label, parts[tsCol].trim()));
            }
            return new Series(series, fields, rows, labelCol >= 0);
        }
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Splits a CSV line on commas, honouring double quotes. */
    static String[] split(String line) {
        if (line.indexOf('"') < 0) {
            return line.split(",", -1);
        }
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }
}
