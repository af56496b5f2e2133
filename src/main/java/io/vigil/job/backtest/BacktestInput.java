package io.vigil.job.backtest;

import io.vigil.eval.LabelFile;
import io.vigil.eval.Window;
import io.vigil.io.CsvSeriesReader;
import io.vigil.model.InputPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The history a backtest replays: one CSV file or every CSV under a folder (recursively, in path
 * order), each one series, with its ground truth when known.
 *
 * <p>Series id: the file's path relative to the input folder (the file name for a single file),
 * without {@code .csv} — so per-series overrides of the job spec match history the way they match
 * live series (the glob {@code *}{@code /monthly/*} matches {@code shop/monthly/sales.csv}).
 *
 * <p>Ground truth: a {@code label} column (0/1) gives point labels; a windows file in NAB's format
 * gives windows. The windows file is {@code --labels}, else {@code labels.json} in the input folder,
 * else {@code <name>.labels.json} beside a single input file. With both, point metrics use the
 * column and window metrics the windows.
 */
public final class BacktestInput {

    /** One row of an input file: a point to replay, or a line that could not be read. */
    public record Row(long line, long ts, double[] values, int label, String unreadable) {

        /** Whether the row could be read (and is replayed). */
        public boolean readable() {
            return unreadable == null;
        }
    }

    /**
     * One input file.
     *
     * @param index position in the run (also the partition of its replayed records)
     * @param path the file
     * @param relativePath path relative to the input ({@code /}-separated), also the output path
     * @param series series id of its rows
     * @param fields field names ({@code [value]} for univariate files)
     * @param rows every data row in file order, readable or not
     * @param hasLabelColumn whether the file has a {@code label} column
     * @param windows labelled windows from a windows file, or null when none names this file
     */
    public record InputFile(int index, Path path, String relativePath, String series, String[] fields,
            List<Row> rows, boolean hasLabelColumn, List<Window> windows) {

        /** Whether any ground truth is known. */
        public boolean labelled() {
            return hasLabelColumn || windows != null;
        }

        /** Whether the file has more than one value column. */
        public boolean multivariate() {
            return fields.length > 1 || !fields[0].equals(InputPoint.VALUE);
        }

        /** The point a readable row replays as. */
        public InputPoint point(Row r) {
            return new InputPoint(series, r.ts(), fields, r.values(), Map.of());
        }
    }

    private BacktestInput() {}

    /** Finds and reads the input files; {@code labels} may be null (then the default places are tried). */
    public static List<InputFile> read(Path input, Path labels) throws IOException {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such file or folder");
        }
        boolean folder = Files.isDirectory(input);
        List<Path> csvs;
        if (folder) {
            try (Stream<Path> walk = Files.walk(input)) {
                csvs = walk.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".csv"))
                        .sorted(Comparator.comparing(p -> input.relativize(p).toString())).toList();
            }
            if (csvs.isEmpty()) {
                throw new IllegalArgumentException("--input " + input + ": no .csv file in this folder");
            }
        } else {
            csvs = List.of(input);
        }
        Path labelPath = labels;
        if (labelPath == null) {
            Path guess = folder ? input.resolve("labels.json")
                    : input.resolveSibling(input.getFileName().toString().replaceFirst("\\.csv$", "") + ".labels.json");
            labelPath = Files.isRegularFile(guess) ? guess : null;
        } else if (!Files.isRegularFile(labelPath)) {
            throw new IllegalArgumentException("--labels " + labelPath + ": no such file");
        }
        LabelFile windows = labelPath == null ? null : LabelFile.read(labelPath);

        List<InputFile> out = new ArrayList<>(csvs.size());
        for (Path csv : csvs) {
            String rel = folder ? input.relativize(csv).toString().replace('\\', '/') : csv.getFileName().toString();
            String series = rel.endsWith(".csv") ? rel.substring(0, rel.length() - 4) : rel;
            List<CsvSeriesReader.BadRow> bad = new ArrayList<>();
            CsvSeriesReader.Series s = CsvSeriesReader.read(csv, series, bad);
            List<Row> rows = new ArrayList<>(s.rows().size() + bad.size());
            for (CsvSeriesReader.Row r : s.rows()) {
                rows.add(new Row(r.lineNumber(), r.ts(), r.values(), r.label(), null));
            }
            for (CsvSeriesReader.BadRow b : bad) {
                rows.add(new Row(b.lineNumber(), Long.MIN_VALUE, null, -1, b.reason()));
            }
            rows.sort(Comparator.comparingLong(Row::line));
            List<Window> w = windows == null ? null : windows.windowsFor(rel).orElse(null);
            out.add(new InputFile(out.size(), csv, rel, series, s.fields(), List.copyOf(rows), s.hasLabels(), w));
        }
        return out;
    }

    /** Total rows over all files. */
    public static long rows(List<InputFile> files) {
        long n = 0;
        for (InputFile f : files) {
            n += f.rows().size();
        }
        return n;
    }
}
