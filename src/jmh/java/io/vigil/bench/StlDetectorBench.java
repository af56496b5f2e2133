package io.vigil.bench;

import io.vigil.detect.Verdict;
import io.vigil.detect.stl.StlConfig;
import io.vigil.detect.stl.StlDetector;
import io.vigil.detect.stl.StlState;
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
 * The STL detector's per-point cost (update + score, refits amortized: a measurement spans many
 * half-window refit cycles) against the period and the window length. A cost independent of
 * {@code windowPeriods} is the point of the online design.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StlDetectorBench {

    private static final int N = 1 << 16;

    @Param({"12", "288"})
    int period;

    @Param({"2", "4", "8"})
    int windowPeriods;

    private StlDetector detector;
    private StlState state;
    private double[] data;
    private int i;
    private long ts;

    @Setup(Level.Trial)
    public void setup() {
        data = BenchData.seasonal(period, N, 42);
        detector = new StlDetector(StlConfig.builder().period(period).windowPeriods(windowPeriods).build());
        state = detector.newState();
        int warm = period * windowPeriods * 3 + 1000;
        for (int k = 0; k < warm; k++) {
            point();
        }
    }

    @Benchmark
    public Verdict point() {
        ts += 300_000L;
        return detector.update(state, ts, data[i++ & (N - 1)]);
    }
}
