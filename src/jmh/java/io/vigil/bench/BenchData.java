package io.vigil.bench;

import java.util.SplittableRandom;

/** Seeded synthetic series for the benchmarks: a daily-style season, slow trend, noise, rare spikes. */
final class BenchData {

    private BenchData() {}

    /** {@code n} values with the given period (0 = none). */
    static double[] seasonal(int period, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double season = period > 0 ? 10 * Math.sin(2 * Math.PI * i / period) : 0;
            y[i] = 100 + 0.0001 * i + season + rnd.nextGaussian() * 1.5;
            if (rnd.nextDouble() < 0.002) {
                y[i] += 25;
            }
        }
        return y;
    }

    /** {@code n} points of {@code fields} correlated fields. */
    static double[][] multivariate(int fields, int period, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[n][fields];
        for (int i = 0; i < n; i++) {
            double common = 10 * Math.sin(2 * Math.PI * i / Math.max(period, 1)) + rnd.nextGaussian();
            for (int f = 0; f < fields; f++) {
                x[i][f] = 50 + f + (1 + 0.1 * f) * common + rnd.nextGaussian();
            }
        }
        return x;
    }
}
