package io.vigil.bench;

import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
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
 * The reference: AWS Random Cut Forest (ThresholdedRandomCutForest) on the same series, per point,
 * in the two configurations the performance issue names — 100 trees, sample 256, shingle 1 on raw
 * values (the one that reproduces RCF's published NAB score) and 50 trees, shingle 8, normalized
 * input (the library README's style).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RcfReferenceBench {

    private static final int N = 1 << 16;

    /** {@code raw100} or {@code norm50s8}. */
    @Param({"raw100", "norm50s8"})
    String config;

    @Param({"288"})
    int period;

    private ThresholdedRandomCutForest forest;
    private double[] data;
    private final double[] point = new double[1];
    private int i;
    private long ts;

    static ThresholdedRandomCutForest build(String config) {
        boolean raw = config.equals("raw100");
        int shingle = raw ? 1 : 8;
        return ThresholdedRandomCutForest.builder()
                .dimensions(shingle)
                .shingleSize(shingle)
                .internalShinglingEnabled(true)
                .numberOfTrees(raw ? 100 : 50)
                .sampleSize(256)
                .randomSeed(42)
                .anomalyRate(0.005)
                .transformMethod(raw ? TransformMethod.NONE : TransformMethod.NORMALIZE)
                .build();
    }

    @Setup(Level.Trial)
    public void setup() {
        data = BenchData.seasonal(period, N, 42);
        forest = build(config);
        for (int k = 0; k < 3000; k++) {
            point();
        }
    }

    @Benchmark
    public AnomalyDescriptor point() {
        point[0] = data[i++ & (N - 1)];
        ts += 300;
        return forest.process(point, ts);
    }
}
