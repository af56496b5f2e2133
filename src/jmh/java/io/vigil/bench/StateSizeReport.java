package io.vigil.bench;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import io.vigil.config.JobSpec;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.detect.forecast.ForecastConfig;
import io.vigil.detect.stl.StlConfig;
import io.vigil.model.InputPoint;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Locale;
import java.util.Map;

/**
 * Bytes of checkpointed state per series: the detector operator's {@link SeriesState} encoding
 * (what Flink writes for each key) after a long warm-up, and, for reference, a Random Cut Forest's
 * state ({@link ThresholdedRandomCutForestMapper}, Java-serialized) on the same data.
 */
public final class StateSizeReport {

    private StateSizeReport() {}

    /**
     * Heap held by many short-lived series (a misbehaving producer inventing keys): 100,000 series
     * of three points each under the default job's detectors, measured as the heap growth after
     * full collections, and extrapolated to a million. What bounds it in production is
     * {@code state.maxSeries} and {@code state.seriesTtl}; this says what each such series costs.
     */
    private static void heapPerNewSeries() {
        heapPerNewSeries(JobSpec.defaults());
        heapPerNewSeries(JobSpec.defaults().withOnlyDetectors(DetectorSettings.ALL));
    }

    private static void heapPerNewSeries(JobSpec spec) {
        int n = 100_000;
        SeriesScorer scorer = new SeriesScorer(spec.detectors(), spec.alerting());
        long before = usedHeap();
        SeriesState[] states = new SeriesState[n];
        for (int i = 0; i < n; i++) {
            states[i] = scorer.newState();
            for (int k = 0; k < 3; k++) {
                scorer.score(states[i], InputPoint.of("s" + i, k * 300_000L, 10 + k));
            }
        }
        long after = usedHeap();
        double per = (double) (after - before) / n;
        System.out.printf(Locale.ROOT, "| heap per new series, 3 points, detectors %s | 1 | auto | %,.0f "
                + "(%.2f GB per million) |%n", String.join(",", spec.detectors().enabled()), per, per * 1e6 / 1e9);
        if (states[n - 1] == null) {
            throw new IllegalStateException(); // keeps the states reachable until measured
        }
    }

    /**
     * A misbehaving producer: a million distinct series, one point each, through the detector
     * operator (a keyed harness, heap state backend) with {@code state.maxSeries: 100000}. Prints the
     * heap held while the cap is full, how many points became SERIES_LIMIT dead letters, and the heap
     * once the idle series expired ({@code state.seriesTtl: 1h}).
     */
    private static void millionSeriesAgainstTheCap() throws IOException {
        JobSpec spec = JobSpec.parse("state: {seriesTtl: 1h, maxSeries: 100000}");
        long before = usedHeap();
        long dead = 0;
        long scored = 0;
        try (var h = new org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<String, InputPoint,
                io.vigil.model.ScoredPoint>(new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                        new io.vigil.operator.DetectorFunction(spec)), InputPoint::series,
                org.apache.flink.api.common.typeinfo.Types.STRING)) {
            h.open();
            for (int i = 0; i < 1_000_000; i++) {
                h.processElement(InputPoint.of("rogue-" + i, i, 1.0), i);
                if (i % 10_000 == 9_999) {
                    h.processWatermark(new org.apache.flink.streaming.api.watermark.Watermark(i));
                    scored += h.getOutput().stream()
                            .filter(o -> o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?>)
                            .count();
                    h.getOutput().clear();
                    var side = h.getSideOutput(io.vigil.operator.ParseFunction.DEAD_LETTERS);
                    if (side != null) {
                        dead += side.size();
                        side.clear();
                    }
                }
            }
            long full = usedHeap();
            int keyedEntries = h.numKeyedStateEntries();
            h.processWatermark(new org.apache.flink.streaming.api.watermark.Watermark(2 * 3_600_000L + 1_000_000));
            h.getOutput().clear();
            long expired = usedHeap();
            System.out.printf(Locale.ROOT, "| 1,000,000 new series, maxSeries 100,000: scored %,d, SERIES_LIMIT dead letters "
                    + "%,d, keyed state entries %,d, heap held %,.0f MB; after the TTL: %d entries, heap held %,.0f MB | | | |%n",
                    scored, dead, keyedEntries, (full - before) / 1e6, h.numKeyedStateEntries(),
                    (expired - before) / 1e6);
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    public static void main(String[] args) throws IOException {
        System.out.println("| state | fields | period | bytes per series |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (int[] shape : new int[][] {{1, 12}, {1, 288}, {4, 288}, {25, 288}}) {
            int fields = shape[0];
            int period = shape[1];
            // the shipped default set (stl, forecast, range; onset and incident columns) with the
            // period configured, as a per-series override would give it
            DetectorSettings d = JobSpec.parse("detectors: {stl: {period: " + period + "}, forecast: {period: "
                    + period + "}}").detectors();
            SeriesScorer scorer = new SeriesScorer(d, JobSpec.defaults().alerting());
            SeriesState s = scorer.newState();
            String[] names = new String[fields];
            for (int f = 0; f < fields; f++) {
                names[f] = fields == 1 ? InputPoint.VALUE : "f" + f;
            }
            int n = period * 12 + 2000;
            double[][] x = BenchData.multivariate(fields, period, n, 3);
            for (int k = 0; k < n; k++) {
                scorer.score(s, new InputPoint("s", k * 300_000L, names, x[k], Map.of()));
            }
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            s.write(new DataOutputStream(bo));
            System.out.printf(Locale.ROOT, "| vigil default set (%s) | %d | %d | %,d |%n", String.join(",", d.enabled()),
                    fields, period, bo.size());
        }
        for (ForecastConfig.Model model : ForecastConfig.Model.values()) {
            for (int period : new int[] {12, 288}) {
                DetectorSettings d = DetectorSettings.of(ForecastConfig.builder().model(model).period(period).build());
                SeriesScorer scorer = new SeriesScorer(d, JobSpec.defaults().alerting());
                SeriesState s = scorer.newState();
                double[] y = BenchData.seasonal(period, period * 12 + 2000, 3);
                for (int k = 0; k < y.length; k++) {
                    scorer.score(s, new InputPoint("s", k * 300_000L, new String[] {InputPoint.VALUE},
                            new double[] {y[k]}, Map.of()));
                }
                ByteArrayOutputStream bo = new ByteArrayOutputStream();
                s.write(new DataOutputStream(bo));
                System.out.printf(Locale.ROOT, "| forecast (%s) | 1 | %d | %,d |%n", model.key(), period, bo.size());
            }
        }
        heapPerNewSeries();
        millionSeriesAgainstTheCap();
        for (String config : new String[] {"raw100", "norm50s8"}) {
            ThresholdedRandomCutForest f = RcfReferenceBench.build(config);
            double[] y = BenchData.seasonal(288, 5000, 42);
            for (int k = 0; k < y.length; k++) {
                f.process(new double[] {y[k]}, k * 300L);
            }
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bo)) {
                out.writeObject(new ThresholdedRandomCutForestMapper().toState(f));
            }
            System.out.printf(Locale.ROOT, "| RCF reference %s | 1 | 288 | %,d |%n", config, bo.size());
        }
    }
}
