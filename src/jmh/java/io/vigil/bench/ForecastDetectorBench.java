package io.vigil.bench;

import io.vigil.detect.Verdict;
import io.vigil.detect.forecast.ForecastConfig;
import io.vigil.detect.forecast.ForecastDetector;
import io.vigil.detect.forecast.ForecastState;
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
 * The forecast detector's per-point cost for each model (forecast, score, update; refits
 * amortized: a measurement spans many half-window refit cycles) at the default 8-period window.
 * A cost that does not grow with the period, except for Holt-Winters' refit over a longer window,
 * is the point of the online design.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ForecastDetectorBench {

    private static final int N = 1 << 16;

    @Param({"12", "288"})
    int period;

    @Param({"HOLT_WINTERS", "AR", "FOURIER"})
    String model;

    private ForecastDetector detector;
    private ForecastState state;
    private double[] data;
    private int i;
    private long ts;

    @Setup(Level.Trial)
    public void setup() {
        data = BenchData.seasonal(period, N, 42);
        ForecastConfig config = ForecastConfig.builder().model(ForecastConfig.Model.valueOf(model)).period(period)
                .build();
        detector = new ForecastDetector(config);
        state = detector.newState();
        int warm = period * config.windowPeriods() * 3 + 1000;
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
