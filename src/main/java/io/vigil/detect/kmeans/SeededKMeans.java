package io.vigil.detect.kmeans;

import java.util.Arrays;

/**
 * k-means on row-major {@code double[]} data: k-means++ seeding from a seeded SplitMix64 stream, then
 * Lloyd iterations. Single-threaded, no logging, and the work arrays grow to the largest problem
 * seen and are then reused, so a fit allocates nothing once the instance has warmed up.
 *
 * <p>Why not Smile's {@code KMeans.fit}, which the trainer used before: per fit it re-seeded Smile's
 * thread-local generator ({@code MathEx.setSeed}, about an eighth of a retrain), formatted a log
 * line per Lloyd iteration (another eighth), and spread the distance updates over the common
 * fork-join pool, which a Flink task slot shares with everything else in the JVM. Its results also
 * depended on a thread-local generator that any other Smile user on the thread could advance
 * between the seed and the draw. Here the generator is a local of the fit, derived from the seed
 * alone.
 *
 * <p>Deterministic: the same data, k and seed give bit-identical centroids on any thread and JVM (the
 * generator is fully specified here, and every sum runs in a fixed order), which a replay after a
 * crash needs in order to reproduce the scores.
 *
 * <p>Seeding is the k-means++ rule of Arthur and Vassilvitskii (2007): the first centre is a
 * uniformly drawn vector, each further one a vector drawn with probability proportional to its
 * squared distance to the nearest centre so far. Lloyd iterations then alternate the mean update
 * and the nearest-centre assignment until no vector changes cluster, a mean update lowers the
 * distortion by no more than {@code tol}, or {@code maxIter} iterations have run. A cluster that loses all its
 * vectors keeps its previous centre (it can win vectors back on the next assignment).
 *
 * <p>Not thread-safe (the work arrays); one instance per trainer.
 */
final class SeededKMeans {

    private double[] centres = new double[0];
    private double[] sums = new double[0];
    private int[] counts = new int[0];
    private int[] labels = new int[0];
    private double[] nearest2 = new double[0];
    /** Hamerly's bounds per vector: upper on the distance to its centre, lower on the next nearest. */
    private double[] upper = new double[0];
    private double[] lower = new double[0];
    /** Per centre: how far the last update moved it, and half the distance to its nearest other centre. */
    private double[] moved = new double[0];
    private double[] half = new double[0];

    /**
     * Clusters the n vectors of dimension d in {@code x} (row-major, {@code x[i * d + j]}) into k
     * clusters and writes the centres to {@code out} (row-major k × d).
     *
     * <p>The assignment step is Hamerly's (2010) exact acceleration of Lloyd's: each vector keeps an
     * upper bound on the distance to its centre and a lower bound on the distance to any other,
     * loosened by how far the centres moved; a vector whose upper bound stays below both the lower
     * bound and half the distance from its centre to the nearest other centre cannot change cluster
     * and costs no distance computation. Once most vectors have settled (after a few iterations), an
     * iteration costs O(n + k²) distances instead of O(n k). The result is Lloyd's.
     *
     * @param k clusters, at least 1 and at most the number of distinct vectors (with fewer, some
     *     centres repeat a vector)
     * @param tol the iterations stop once an update lowers the distortion by no more than this (the
     *     drop of a mean update is exact and cheap: the sum over clusters of size × squared move)
     * @return the distortion: the sum over the vectors of the squared distance to their nearest centre
     */
    double fit(double[] x, int n, int d, int k, long seed, int maxIter, double tol, double[] out) {
        if (k < 1 || n < 1 || k > n) {
            throw new IllegalArgumentException("k " + k + " for " + n + " vectors");
        }
        reserve(n, k, d);
        double[] c = centres;
        int[] label = labels;
        seed(x, n, d, k, seed);
        for (int i = 0; i < n; i++) {
            upper[i] = Math.sqrt(nearest2[i]); // the seeding's exact nearest centre
            lower[i] = 0; // unknown: the first assignment checks every vector
        }
        for (int iter = 0; iter < maxIter; iter++) {
            double drop = update(x, n, d, k);
            loosen(n, k);
            int changed = assign(x, n, d, k);
            if (changed == 0 || drop <= tol) {
                break;
            }
        }
        // the last step was an assignment, so every label is the nearest of the centres returned
        double distortion = 0;
        for (int i = 0, row = 0; i < n; i++, row += d) {
            distortion += dist2(x, row, c, label[i] * d, d);
        }
        System.arraycopy(c, 0, out, 0, k * d);
        return distortion;
    }

    /** Hamerly's assignment step; returns how many vectors changed cluster. */
    private int assign(double[] x, int n, int d, int k) {
        double[] c = centres;
        int[] label = labels;
        for (int j = 0; j < k; j++) {
            double min = Double.POSITIVE_INFINITY;
            for (int o = 0; o < k; o++) {
                if (o != j) {
                    min = Math.min(min, dist2(c, j * d, c, o * d, d));
                }
            }
            half[j] = 0.5 * Math.sqrt(min);
        }
        int changed = 0;
        for (int i = 0, row = 0; i < n; i++, row += d) {
            int current = label[i];
            double bound = Math.max(half[current], lower[i]);
            if (upper[i] <= bound) {
                continue;
            }
            double own = dist2(x, row, c, current * d, d);
            upper[i] = Math.sqrt(own);
            if (upper[i] <= bound) {
                continue;
            }
            // a tie keeps the vector where it is, so ties cannot make it oscillate
            int best = current;
            double bestD = own;
            double secondD = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                if (j != current) {
                    double s = dist2(x, row, c, j * d, d);
                    if (s < bestD) {
                        secondD = bestD;
                        bestD = s;
                        best = j;
                    } else if (s < secondD) {
                        secondD = s;
                    }
                }
            }
            upper[i] = Math.sqrt(bestD);
            lower[i] = Math.sqrt(secondD);
            if (best != current) {
                label[i] = best;
                changed++;
            }
        }
        return changed;
    }

    /** After an update: each vector's bounds loosened by the moves of its centre and of the others. */
    private void loosen(int n, int k) {
        int far = 0;
        double farMove = 0;
        double nextMove = 0;
        for (int j = 0; j < k; j++) {
            if (moved[j] > farMove) {
                nextMove = farMove;
                farMove = moved[j];
                far = j;
            } else if (moved[j] > nextMove) {
                nextMove = moved[j];
            }
        }
        for (int i = 0; i < n; i++) {
            int a = labels[i];
            upper[i] += moved[a];
            lower[i] -= a == far ? nextMove : farMove;
        }
    }

    /** k-means++ seeding: fills the centres, and each vector's nearest centre (label) and squared distance to it. */
    private void seed(double[] x, int n, int d, int k, long seed) {
        double[] c = centres;
        double[] near = nearest2;
        int[] label = labels;
        long state = seed;
        state += GOLDEN;
        int first = (int) (unit(mix(state)) * n);
        System.arraycopy(x, first * d, c, 0, d);
        double total = 0;
        for (int i = 0, row = 0; i < n; i++, row += d) {
            near[i] = dist2(x, row, c, 0, d);
            label[i] = 0;
            total += near[i];
        }
        for (int j = 1; j < k; j++) {
            state += GOLDEN;
            double target = unit(mix(state)) * total;
            int pick = -1;
            double cum = 0;
            for (int i = 0; i < n; i++) {
                if (near[i] > 0) {
                    pick = i; // the last vector with weight, should rounding leave target beyond the sum
                    cum += near[i];
                    if (cum > target) {
                        break;
                    }
                }
            }
            if (pick < 0) {
                pick = j % n; // every vector sits on a centre: fewer distinct vectors than k
            }
            int off = j * d;
            System.arraycopy(x, pick * d, c, off, d);
            total = 0;
            for (int i = 0, row = 0; i < n; i++, row += d) {
                double s = dist2(x, row, c, off, d);
                if (s < near[i]) {
                    near[i] = s;
                    label[i] = j;
                }
                total += near[i];
            }
        }
    }

    /**
     * Centres to the means of their vectors (an empty cluster keeps its centre), with each centre's
     * move in {@link #moved}; returns the drop of the distortion, {@code sum(size * move²)}.
     */
    private double update(double[] x, int n, int d, int k) {
        double[] sum = sums;
        int[] count = counts;
        Arrays.fill(sum, 0, k * d, 0.0);
        Arrays.fill(count, 0, k, 0);
        for (int i = 0, row = 0; i < n; i++, row += d) {
            int off = labels[i] * d;
            count[labels[i]]++;
            for (int m = 0; m < d; m++) {
                sum[off + m] += x[row + m];
            }
        }
        double drop = 0;
        for (int j = 0, off = 0; j < k; j++, off += d) {
            double move2 = 0;
            if (count[j] > 0) {
                for (int m = 0; m < d; m++) {
                    double mean = sum[off + m] / count[j];
                    double e = mean - centres[off + m];
                    move2 += e * e;
                    centres[off + m] = mean;
                }
            }
            moved[j] = Math.sqrt(move2);
            drop += count[j] * move2;
        }
        return drop;
    }

    /** Squared distance of row {@code a[ra…]} to row {@code b[rb…]}, d coordinates. */
    private static double dist2(double[] a, int ra, double[] b, int rb, int d) {
        double s = 0;
        for (int m = 0; m < d; m++) {
            double e = a[ra + m] - b[rb + m];
            s += e * e;
        }
        return s;
    }

    private void reserve(int n, int k, int d) {
        if (labels.length < n) {
            labels = new int[n];
            nearest2 = new double[n];
            upper = new double[n];
            lower = new double[n];
        }
        if (centres.length < k * d) {
            centres = new double[k * d];
            sums = new double[k * d];
        }
        if (counts.length < k) {
            counts = new int[k];
            moved = new double[k];
            half = new double[k];
        }
    }
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /** SplitMix64's output function (Steele, Lea and Flood 2014). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The top 53 bits as a double in [0, 1). */
    private static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
