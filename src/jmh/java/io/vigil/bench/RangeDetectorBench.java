package io.vigil.bench;

import io.vigil.detect.Verdict;
import io.vigil.detect.range.RangeConfig;
import io.vigil.detect.range.RangeDetector;
import io.vigil.detect.range.RangeState;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The range check's per-point cost on seasonal data with a value beyond the range every 997
 * points (so the scoring branch, a {@code Math.pow}, is part of the mix), and its state size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RangeDetectorBench {

    private static final int N = 1 << 16;

    private RangeDetector detector;
    private RangeState state;
    private double[] data;
    private int i;
    private long ts;

    @Setup
    public void setup() throws java.io.IOException {
        data = BenchData.seasonal(288, N, 42);
        for (int k = 997; k < N; k += 997) {
            data[k] += (k % 2 == 0 ? 1 : -1) * 1e6 * (1 + k); // always beyond everything before
        }
        detector = new RangeDetector(RangeConfig.DEFAULTS);
        state = detector.newState();
        for (int k = 0; k < 2000; k++) {
            point();
        }
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
        state.write(new java.io.DataOutputStream(bo));
        System.out.println("\nrange state per field: " + bo.size() + " bytes");
    }

    @Benchmark
    public Verdict point() {
        ts += 300_000L;
        return detector.update(state, ts, data[i++ & (N - 1)]);
    }
}
