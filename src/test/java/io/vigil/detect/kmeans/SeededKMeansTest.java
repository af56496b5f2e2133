package io.vigil.detect.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SeededKMeansTest {

    /** Well-separated Gaussian blobs (sd 0.5, centres at least 10 apart) in 3 dimensions, row-major. */
    private static double[] blobs(double[][] centres, int perBlob, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = centres[0].length;
        double[] x = new double[centres.length * perBlob * d];
        for (int i = 0; i < centres.length * perBlob; i++) {
            double[] c = centres[i % centres.length];
            for (int m = 0; m < d; m++) {
                x[i * d + m] = c[m] + 0.5 * r.nextGaussian();
            }
        }
        return x;
    }

    private static final double[][] CENTRES = {{0, 0, 0}, {12, 0, -3}, {0, 15, 4}, {-10, -10, 10}, {10, 10, 10}};

    @Test
    void recoversWellSeparatedClusters() {
        int per = 120;
        double[] x = blobs(CENTRES, per, 7);
        int n = CENTRES.length * per;
        for (long seed = 1; seed <= 5; seed++) {
            double[] out = new double[CENTRES.length * 3];
            double w = new SeededKMeans().fit(x, n, 3, CENTRES.length, seed, 100, 0, out);
            // every true centre has its own fitted centre within 0.2 (the blob mean's error is ~0.05)
            boolean[] used = new boolean[CENTRES.length];
            for (double[] c : CENTRES) {
                int match = -1;
                for (int j = 0; j < CENTRES.length; j++) {
                    double e = 0;
                    for (int m = 0; m < 3; m++) {
                        e += (out[j * 3 + m] - c[m]) * (out[j * 3 + m] - c[m]);
                    }
                    if (Math.sqrt(e) < 0.2) {
                        match = j;
                    }
                }
                assertThat(match).as("seed %d: a centre near (%s, %s, %s)", seed, c[0], c[1], c[2]).isNotNegative();
                assertThat(used[match]).isFalse();
                used[match] = true;
            }
            // within-cluster sum of squares: n * d * sd² = 600 * 3 * 0.25 = 450 up to sampling error
            assertThat(w).isBetween(400.0, 500.0);
        }
    }

    @Test
    void sameSeedSameCentresWhateverTheInstanceRanBefore() {
        double[] x = blobs(CENTRES, 80, 3);
        int n = CENTRES.length * 80;
        double[] fresh = new double[4 * 3];
        double wFresh = new SeededKMeans().fit(x, n, 3, 4, 99, 100, 1e-4 * n, fresh);

        SeededKMeans used = new SeededKMeans();
        double[] other = blobs(CENTRES, 300, 8); // a larger problem first: its work arrays are reused
        used.fit(other, CENTRES.length * 300, 3, 9, 5, 100, 0, new double[9 * 3]);
        double[] again = new double[4 * 3];
        double wAgain = used.fit(x, n, 3, 4, 99, 100, 1e-4 * n, again);

        assertThat(again).containsExactly(fresh);
        assertThat(wAgain).isEqualTo(wFresh);
    }

    /**
     * Hamerly's bounds skip distance computations but must not change the result: run to
     * convergence (tolerance 0) on data with no cluster structure, where many vectors sit near a
     * boundary, the centres are a fixed point of Lloyd's iteration — each is the mean of the
     * vectors nearest to it — and the distortion returned is the sum of squared distances to the
     * nearest centre.
     */
    @Test
    void convergesToAFixedPointOfLloydsIteration() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 2000;
        int d = 2;
        int k = 12;
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() * 10;
        }
        double[] c = new double[k * d];
        double w = new SeededKMeans().fit(x, n, d, k, 2024, 10_000, 0, c);

        double[] sum = new double[k * d];
        int[] count = new int[k];
        double distortion = 0;
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int m = 0; m < d; m++) {
                    s += (x[i * d + m] - c[j * d + m]) * (x[i * d + m] - c[j * d + m]);
                }
                if (s < bestD) {
                    bestD = s;
                    best = j;
                }
            }
            distortion += bestD;
            count[best]++;
            for (int m = 0; m < d; m++) {
                sum[best * d + m] += x[i * d + m];
            }
        }
        assertThat(w).isCloseTo(distortion, within(1e-9 * distortion));
        for (int j = 0; j < k; j++) {
            assertThat(count[j]).as("cluster %d", j).isPositive();
            for (int m = 0; m < d; m++) {
                assertThat(c[j * d + m]).as("centre %d coordinate %d", j, m).isCloseTo(sum[j * d + m] / count[j], within(1e-9));
            }
        }
    }

    @Test
    void asManyClustersAsDistinctVectors() {
        double[] x = {1, 1, 1, 5, 5, 5, 5, 9};
        double[] c = new double[3];
        double w = new SeededKMeans().fit(x, x.length, 1, 3, 42, 100, 0, c);
        assertThat(w).isZero();
        assertThat(c).containsExactlyInAnyOrder(1, 5, 9);
    }
}
