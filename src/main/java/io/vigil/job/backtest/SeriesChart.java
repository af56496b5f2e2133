package io.vigil.job.backtest;

import io.vigil.eval.Window;
import io.vigil.job.backtest.BacktestInput.InputFile;
import io.vigil.job.backtest.BacktestRun.FileResult;
import io.vigil.model.FieldScore;
import io.vigil.model.ScoredPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TimeZone;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * One PNG per series (headless JFreeChart): per field, the values, the expected line inside its
 * band, the anomalies as red dots and the labelled windows shaded (single labelled points as
 * vertical lines). The value axis follows the values, not the band — a wide band during a
 * calibration warm-up would otherwise squash the series into a flat line.
 */
final class SeriesChart {

    static final int WIDTH = 1400;
    static final int HEIGHT_PER_FIELD = 420;

    private static final Color VALUE = new Color(0x1f, 0x4e, 0x9a);
    private static final Color EXPECTED = new Color(0xe0, 0x7b, 0x00);
    private static final Color BAND = new Color(0xe0, 0x7b, 0x00);
    private static final Color ANOMALY = new Color(0xd0, 0x10, 0x10);
    private static final Color LABEL = new Color(0x2e, 0xa0, 0x43, 0x50);

    private SeriesChart() {}

    /** Draws a file's result to {@code png}. */
    static void write(FileResult r, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        InputFile f = r.file();
        DateAxis time = new DateAxis("time (UTC)");
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(12);
        for (int field = 0; field < f.fields().length; field++) {
            plot.add(fieldPlot(r, field), 1);
        }
        JFreeChart chart = new JFreeChart(f.relativePath(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, Math.max(HEIGHT_PER_FIELD,
                Math.min(4, f.fields().length) * HEIGHT_PER_FIELD));
    }

    private static XYPlot fieldPlot(FileResult r, int field) {
        InputFile f = r.file();
        String name = f.fields()[field];
        XYSeries values = new XYSeries(name, false, true);
        XYSeries anomalies = new XYSeries("anomaly", false, true);
        YIntervalSeries band = new YIntervalSeries("expected and band", false, true);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        List<BacktestInput.Row> rows = f.rows();
        for (int i = 0; i < rows.size(); i++) {
            BacktestInput.Row row = rows.get(i);
            if (!row.readable()) {
                continue;
            }
            double v = row.values()[field];
            if (Double.isFinite(v)) {
                values.add(row.ts(), v);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            ScoredPoint p = r.scored()[i];
            if (p == null) {
                continue;
            }
            FieldScore s = fieldScore(p, name);
            if (s == null || !s.ready()) {
                continue;
            }
            if (Double.isFinite(s.expected()) && Double.isFinite(s.lower()) && Double.isFinite(s.upper())) {
                band.add(row.ts(), s.expected(), s.lower(), s.upper());
            }
            if (s.anomaly()) {
                anomalies.add(row.ts(), v);
            }
        }
        NumberAxis axis = new NumberAxis(name);
        if (min <= max) {
            double pad = Math.max((max - min) * 0.08, Math.max(Math.abs(max), 1.0) * 1e-6);
            axis.setRange(min - pad, max + pad);
        }
        XYPlot plot = new XYPlot();
        plot.setRangeAxis(axis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));

        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        dots.setSeriesPaint(0, ANOMALY);
        dots.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));
        plot.setDataset(0, new XYSeriesCollection(anomalies));
        plot.setRenderer(0, dots);

        XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
        line.setSeriesPaint(0, VALUE);
        line.setSeriesStroke(0, new BasicStroke(1.0f));
        plot.setDataset(1, new XYSeriesCollection(values));
        plot.setRenderer(1, line);

        DeviationRenderer dev = new DeviationRenderer(true, false);
        dev.setSeriesPaint(0, EXPECTED);
        dev.setSeriesFillPaint(0, BAND);
        dev.setAlpha(0.2f);
        dev.setSeriesStroke(0, new BasicStroke(1.0f));
        YIntervalSeriesCollection bandSet = new YIntervalSeriesCollection();
        bandSet.addSeries(band);
        plot.setDataset(2, bandSet);
        plot.setRenderer(2, dev);

        if (f.windows() != null) {
            for (Window w : f.windows()) {
                if (w.end() > w.start()) {
                    IntervalMarker m = new IntervalMarker(w.start(), w.end());
                    m.setPaint(LABEL);
                    plot.addDomainMarker(m, Layer.BACKGROUND);
                } else {
                    mark(plot, w.start());
                }
            }
        } else if (f.hasLabelColumn()) {
            for (BacktestInput.Row row : rows) {
                if (row.readable() && row.label() == 1) {
                    mark(plot, row.ts());
                }
            }
        }
        return plot;
    }

    private static void mark(XYPlot plot, long ts) {
        ValueMarker m = new ValueMarker(ts);
        m.setPaint(new Color(0x2e, 0xa0, 0x43, 0xa0));
        m.setStroke(new BasicStroke(6.0f));
        plot.addDomainMarker(m, Layer.BACKGROUND);
    }

    private static FieldScore fieldScore(ScoredPoint p, String field) {
        for (FieldScore s : p.fields()) {
            if (s.field().equals(field)) {
                return s;
            }
        }
        return null;
    }
}
