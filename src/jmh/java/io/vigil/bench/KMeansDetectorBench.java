package io.vigil.bench;

import io.vigil.detect.PointVerdict;
import io.vigil.detect.kmeans.KMeansConfig;
import io.vigil.detect.kmeans.KMeansDetector;
import io.vigil.detect.kmeans.KMeansState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import org.openjdk.jmh.annotations.TearDown;

/**
 * The k-means detector's cost per point, retrains amortized (a measurement spans many retrain
 * cycles), for a univariate series (lag embedding of 8 values) and for 4 and 25 fields, at the
 * default retrain schedule ({@code retrainEvery = 250}), with a retrain on every point
 * ({@code retrainEvery = 1}: the time per point is the cost of one retrain — PCA, the elbow over
 * k = 1…16 with two seeded k-means runs each on a 250-vector subsample, two runs of the chosen k on
 * the full 1000-vector sample, calibration), and
 * with no retrain during the measurement ({@code retrainEvery = 10000000}: the scoring path alone).
 * Prints the state bytes per series at the end of each trial.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KMeansDetectorBench {

    private static final int N = 1 << 14;

    @Param({"1", "4", "25"})
    int fields;

    @Param({"250", "1", "10000000"})
    int retrainEvery;

    private KMeansDetector detector;
    private KMeansState state;
    private double[][] data;
    private String[] names;
    private int i;
    private long ts;

    @Setup(Level.Trial)
    public void setup() {
        data = fields == 1 ? column(BenchData.seasonal(288, N, 42)) : BenchData.multivariate(fields, 288, N, 42);
        names = new String[fields];
        for (int f = 0; f < fields; f++) {
            names[f] = fields == 1 ? "value" : "f" + f;
        }
        detector = new KMeansDetector(KMeansConfig.builder().retrainEvery(retrainEvery).build());
        state = detector.newState();
        // past the cold start and the growing-sample fits: a full 1000-vector sample
        KMeansDetector warm = new KMeansDetector(KMeansConfig.builder().build());
        for (int k = 0; k < 2000; k++) {
            ts += 300_000L;
            warm.update(state, ts, names, data[i++ & (N - 1)]);
        }
    }

    @Benchmark
    public PointVerdict point() {
        ts += 300_000L;
        return detector.update(state, ts, names, data[i++ & (N - 1)]);
    }

    @TearDown(Level.Trial)
    public void stateSize() throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        state.write(new DataOutputStream(bo));
        System.out.printf("%nkmeans state, %d field(s): %,d bytes (model v%d, k %d, %d components)%n", fields,
                bo.size(), state.modelVersion(), state.clusters(), state.components());
    }

    private static double[][] column(double[] y) {
        double[][] x = new double[y.length][1];
        for (int k = 0; k < y.length; k++) {
            x[k][0] = y[k];
        }
        return x;
    }
}
