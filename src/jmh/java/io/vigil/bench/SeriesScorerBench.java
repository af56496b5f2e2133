package io.vigil.bench;

import io.vigil.config.JobSpec;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import java.util.Map;
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
 * The default detector set of the job spec, as the operator runs it per point
 * ({@link SeriesScorer#score}): univariate 5-minute data (period 288), monthly data (period 12),
 * and multivariate points of 4 and 25 fields (period 288).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SeriesScorerBench {

    private static final int N = 1 << 14;

    /** {@code fields@period}. */
    @Param({"1@288", "1@12", "4@288", "25@288"})
    String shape;

    private SeriesScorer scorer;
    private SeriesState state;
    private InputPoint[] points;
    private int i;

    @Setup(Level.Trial)
    public void setup() {
        int fields = Integer.parseInt(shape.substring(0, shape.indexOf('@')));
        int period = Integer.parseInt(shape.substring(shape.indexOf('@') + 1));
        // the default set with the period configured, as a per-series override would give it
        DetectorSettings d = JobSpec.parse("detectors: {stl: {period: " + period + "}}").detectors();
        scorer = new SeriesScorer(d, JobSpec.defaults().alerting());
        state = scorer.newState();
        points = new InputPoint[N];
        String[] names = new String[fields];
        for (int f = 0; f < fields; f++) {
            names[f] = fields == 1 ? InputPoint.VALUE : "f" + f;
        }
        double[][] x = BenchData.multivariate(fields, period, N, 7);
        for (int k = 0; k < N; k++) {
            points[k] = new InputPoint("s", k * 300_000L, names, x[k], Map.of());
        }
        for (int k = 0; k < period * 12 + 1000; k++) {
            point();
        }
    }

    @Benchmark
    public ScoredPoint point() {
        int k = i++;
        InputPoint p = points[k & (N - 1)];
        // timestamps keep increasing across laps of the data
        InputPoint q = new InputPoint(p.series(), (long) k * 300_000L, p.fields(), p.values(), p.tags());
        return scorer.score(state, q);
    }
}
