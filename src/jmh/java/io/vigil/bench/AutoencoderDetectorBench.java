package io.vigil.bench;

import io.vigil.detect.PointVerdict;
import io.vigil.detect.autoencoder.AutoencoderConfig;
import io.vigil.detect.autoencoder.AutoencoderDetector;
import io.vigil.detect.autoencoder.AutoencoderState;
import io.vigil.model.InputPoint;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The autoencoder detector's costs at its defaults, for a univariate series (sliding windows) and
 * for 4 and 25 fields:
 *
 * <ul>
 *   <li>{@code point}: ns per point, trainings amortized (a measurement spans several
 *       {@code retrainEvery} cycles of warm-started retraining);
 *   <li>{@code scoreOnly}: the per-event path alone (a model, never retrained: forward pass,
 *       calibration, sample update);
 *   <li>{@code trainCold}: one training from fresh weights on a full sample (the first model's cost,
 *       and the bound on any training): {@code retrainEvery = 1, warmStart = false}, so each call is
 *       one forward pass plus one training;
 *   <li>{@code trainWarm}: the same, warm-started from the previous weights, as the defaults retrain.
 * </ul>
 *
 * The state's encoded size per series is printed once per trial ({@code state bytes}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AutoencoderDetectorBench {

    private static final int N = 1 << 14;

    /** 1 = a univariate series judged by sliding windows. */
    @Param({"1", "4", "25"})
    int fields;

    private String[] names;
    private double[][] data;
    private AutoencoderDetector detector;
    private AutoencoderState state;
    private AutoencoderDetector scorer;
    private AutoencoderState scoreState;
    private int is;
    private AutoencoderDetector coldTrainer;
    private AutoencoderState coldState;
    private AutoencoderDetector warmTrainer;
    private AutoencoderState warmState;
    private int i;
    private int ic;
    private int iw;
    private long ts;

    @Setup(Level.Trial)
    public void setup() {
        names = new String[fields];
        for (int f = 0; f < fields; f++) {
            names[f] = fields == 1 ? InputPoint.VALUE : "f" + f;
        }
        if (fields == 1) {
            double[] y = BenchData.seasonal(288, N, 42);
            data = new double[N][];
            for (int k = 0; k < N; k++) {
                data[k] = new double[] {y[k]};
            }
        } else {
            data = BenchData.multivariate(fields, 288, N, 42);
        }
        AutoencoderConfig defaults = AutoencoderConfig.builder().build();
        detector = new AutoencoderDetector(defaults);
        state = detector.newState();
        // past the first model and a few retrainings
        for (int k = 0; k < defaults.sampleSize() + 3 * defaults.retrainEvery(); k++) {
            point();
        }
        scorer = new AutoencoderDetector(AutoencoderConfig.builder().retrainEvery(100_000_000).build());
        scoreState = fill(scorer, defaults.sampleSize() + defaults.window());
        coldTrainer = new AutoencoderDetector(AutoencoderConfig.builder().retrainEvery(1).warmStart(false).build());
        coldState = fill(coldTrainer, defaults.sampleSize() + defaults.window());
        warmTrainer = new AutoencoderDetector(AutoencoderConfig.builder().retrainEvery(1).build());
        warmState = fill(warmTrainer, defaults.sampleSize() + defaults.window());
        System.out.printf(Locale.ROOT, "%nstate bytes (%d field(s), defaults, model v%d): %,d%n", fields,
                state.modelVersion(), bytes(state));
    }

    /** A state whose sample is full, trained by {@code d} (whose config retrains on every point). */
    private AutoencoderState fill(AutoencoderDetector d, int n) {
        AutoencoderState s = d.newState();
        AutoencoderDetector filler = new AutoencoderDetector(AutoencoderConfig.builder().retrainEvery(100_000_000).build());
        for (int k = 0; k < n - 1; k++) {
            filler.update(s, k * 300_000L, names, data[k]);
        }
        d.update(s, (n - 1) * 300_000L, names, data[n - 1]);
        return s;
    }

    private static int bytes(AutoencoderState s) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            s.write(new DataOutputStream(bo));
            return bo.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    public PointVerdict point() {
        ts += 300_000L;
        return detector.update(state, ts, names, data[i++ & (N - 1)]);
    }

    @Benchmark
    public PointVerdict scoreOnly() {
        ts += 300_000L;
        return scorer.update(scoreState, ts, names, data[is++ & (N - 1)]);
    }

    @Benchmark
    public PointVerdict trainCold() {
        ts += 300_000L;
        return coldTrainer.update(coldState, ts, names, data[ic++ & (N - 1)]);
    }

    @Benchmark
    public PointVerdict trainWarm() {
        ts += 300_000L;
        return warmTrainer.update(warmState, ts, names, data[iw++ & (N - 1)]);
    }
}
