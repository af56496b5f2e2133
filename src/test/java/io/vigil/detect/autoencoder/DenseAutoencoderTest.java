package io.vigil.detect.autoencoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DenseAutoencoderTest {

    /** {@code m} rows of {@code n} columns on a rank-2 subspace plus noise 0.1, roughly unit variance. */
    static double[] lowRank(int m, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] w = new double[2][n];
        for (double[] row : w) {
            for (int j = 0; j < n; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[] x = new double[m * n];
        for (int i = 0; i < m; i++) {
            double z1 = r.nextGaussian();
            double z2 = r.nextGaussian();
            for (int j = 0; j < n; j++) {
                x[i * n + j] = (w[0][j] * z1 + w[1][j] * z2) / 1.4 + 0.1 * r.nextGaussian();
            }
        }
        return x;
    }

    private static double variance(double[] x) {
        double m = 0;
        for (double v : x) {
            m += v;
        }
        m /= x.length;
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / x.length;
    }

    @Test
    void learnsALowRankSetWellBelowItsVariance() {
        int m = 500;
        int n = 25;
        double[] x = lowRank(m, n, 1);
        DenseAutoencoder net = new DenseAutoencoder(new int[] {n, 8, 2, 8, n}, DenseAutoencoder.Activation.ELU);
        double[] params = new double[net.paramCount()];
        SplittableRandom rnd = new SplittableRandom(7);
        net.initialize(params, rnd);
        AutoencoderConfig c = AutoencoderConfig.builder().maxEpochs(200).patience(10).build();
        DenseAutoencoder.Training t = net.train(params, x, m, c, rnd);
        double var = variance(x);
        // noise floor: 0.01 per input; a rank-2 bottleneck can explain all the rest
        assertThat(t.initialLoss()).isGreaterThan(0.5 * var);
        assertThat(t.trainLoss()).as("%s, variance %.3f", t, var).isLessThan(0.05 * var);
        assertThat(t.validationLoss()).isLessThan(0.05 * var);
        assertThat(t.epochs()).isLessThanOrEqualTo(200);
    }

    @Test
    void earlyStoppingEndsTrainingBeforeTheCap() {
        int m = 200;
        int n = 6;
        double[] x = lowRank(m, n, 3);
        DenseAutoencoder net = new DenseAutoencoder(new int[] {n, 8, 2, 8, n}, DenseAutoencoder.Activation.ELU);
        double[] params = new double[net.paramCount()];
        SplittableRandom rnd = new SplittableRandom(11);
        net.initialize(params, rnd);
        DenseAutoencoder.Training t = net.train(params, x, m,
                AutoencoderConfig.builder().maxEpochs(5000).patience(5).build(), rnd);
        assertThat(t.epochs()).isLessThan(5000);
    }

    @Test
    void sameSeedSameWeights() {
        double[] x = lowRank(300, 10, 5);
        double[][] out = new double[2][];
        for (int k = 0; k < 2; k++) {
            DenseAutoencoder net = new DenseAutoencoder(new int[] {10, 6, 2, 6, 10}, DenseAutoencoder.Activation.ELU);
            out[k] = new double[net.paramCount()];
            SplittableRandom rnd = new SplittableRandom(99);
            net.initialize(out[k], rnd);
            net.train(out[k], x, 300, AutoencoderConfig.builder().maxEpochs(20).build(), rnd);
        }
        assertThat(out[0]).containsExactly(out[1]);
    }

    @Test
    void layerSizesCapTheBottleneckBelowTheInput() {
        assertThat(DenseAutoencoder.layerSizes(25, new int[] {8, 2, 8})).containsExactly(25, 8, 2, 8, 25);
        assertThat(DenseAutoencoder.layerSizes(2, new int[] {8, 2, 8})).containsExactly(2, 8, 1, 8, 2);
        assertThat(DenseAutoencoder.layerSizes(3, new int[] {4, 4})).containsExactly(3, 2, 2, 3);
        assertThat(DenseAutoencoder.paramCount(new int[] {25, 8, 2, 8, 25})).isEqualTo(208 + 18 + 24 + 225);
        assertThatThrownBy(() -> new DenseAutoencoder(new int[] {3, 2, 4}, DenseAutoencoder.Activation.ELU)).isInstanceOf(IllegalArgumentException.class);
    }
}
