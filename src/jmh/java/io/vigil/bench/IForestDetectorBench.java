package io.vigil.bench;

import io.vigil.detect.PointVerdict;
import io.vigil.detect.iforest.IForestConfig;
import io.vigil.detect.iforest.IForestDetector;
import io.vigil.detect.iforest.IForestState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The Isolation Forest detector per point ({@link IForestDetector#update}) at the defaults of
 * {@code jobs/default.yaml}, univariate and with 4 and 25 fields, after the training sample is full.
 *
 * <p>{@code retrainEvery = default}: the per-point cost with the periodic refits amortized in.
 * {@code retrainEvery = 1}: every point refits first, so the figure is the cost of one retrain
 * (features of the sample, standardization, growing the forest, out-of-bag calibration) plus one
 * scoring — also the cost of a cache miss, which rebuilds the same way. The setup prints the
 * state bytes per series (the {@link IForestState} encoding Flink checkpoints) and the heap size
 * of one fitted model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IForestDetectorBench {

    private static final int N = 1 << 14;

    @Param({"1", "4", "25"})
    int fields;

    @Param({"default", "1"})
    String retrainEvery;

    private IForestDetector detector;
    private IForestState state;
    private String[] names;
    private double[][] x;
    private int i;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        IForestConfig.Builder b = IForestConfig.builder();
        IForestConfig defaults = b.build();
        if (!retrainEvery.equals("default")) {
            b.retrainEvery(Integer.parseInt(retrainEvery));
        }
        detector = new IForestDetector(b.build());
        state = detector.newState();
        names = new String[fields];
        for (int f = 0; f < fields; f++) {
            names[f] = fields == 1 ? "value" : "f" + f;
        }
        x = fields == 1 ? column(BenchData.seasonal(288, N, 7)) : BenchData.multivariate(fields, 288, N, 7);
        // fill the training sample (at default retraining, so the warm-up is quick)
        IForestDetector warm = new IForestDetector(defaults);
        int warmup = defaults.sampleSize() + defaults.lookback() + 2 * defaults.retrainEvery();
        for (int k = 0; k < warmup; k++) {
            warm.update(state, k * 300_000L, names, x[k & (N - 1)]);
            i++;
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        state.write(new DataOutputStream(bo));
        System.out.printf(Locale.ROOT, "%n[iforest] fields %d: state %,d bytes per series, model version %d,"
                + " fitted model ~%,d heap bytes%n", fields, bo.size(), state.modelVersion(), warm.cachedModelBytes()
                / Math.max(1, warm.cachedModels()));
    }

    private static double[][] column(double[] y) {
        double[][] x = new double[y.length][];
        for (int k = 0; k < y.length; k++) {
            x[k] = new double[] {y[k]};
        }
        return x;
    }

    @Benchmark
    public PointVerdict point() {
        int k = i++;
        return detector.update(state, (long) k * 300_000L, names, x[k & (N - 1)]);
    }
}
