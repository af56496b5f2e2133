package io.vigil.detect.kmeans;

import io.vigil.detect.TailCalibrator;
import java.util.Arrays;

/**
 * Fits a {@link ClusterModel} to a series' training sample: standardize, optionally reduce by PCA,
 * choose k, run k-means, drop small clusters, and calibrate on the training distances.
 *
 * <ol>
 *   <li>Standardization: per field, {@code z = (x - mean) / sd} over the sample. A lag embedding's
 *       coordinates are the same variable at different lags, so they share one mean and sd (pooled
 *       over the sample's values), which keeps the embedding's geometry isotropic. The sd is
 *       floored at {@code max(1e-9 |mean|, 1e-12)}: a constant field then makes any change far.
 *   <li>PCA ({@link PrincipalComponents}) when enabled: k-means runs on the fewest leading
 *       components that explain {@code pcaVariance} of the variance; centroids are mapped back into
 *       the standardized space (see {@link ClusterModel} for why distances are measured there).
 *   <li>k: fixed, or the {@link Elbow} rule over the distortions of k = minK … maxK, capped by the
 *       number of distinct vectors (k-means++ cannot seed more centres than there are distinct
 *       points). The elbow's sweep runs on a seeded random subsample of at most
 *       {@link #ELBOW_SAMPLE} vectors; the chosen k is then fitted on the whole sample. k = 1 is the
 *       mean, computed directly.
 *   <li>k-means: {@link SeededKMeans} (k-means++ seeding, then Lloyd iterations), each run seeded
 *       with {@code mix(seed, version, k, run)} and drawing only from its own SplitMix64 stream:
 *       the same sample gives the same model on any thread, whatever ran on that thread before.
 *       The model's k keeps the best of {@link #RUNS} seeded runs ({@link #SWEEP_RUNS} per k in
 *       the elbow's sweep on a subsample).
 *   <li>Small clusters: a cluster with fewer than {@code minClusterShare} of the training vectors
 *       does not describe normal behaviour (the seed text's assumption that small clusters are
 *       anomalous). It is dropped from the model, so its members — and any later point near it —
 *       are scored by their distance to the nearest large cluster (the rule of CBLOF, He, Xu and
 *       Deng 2003). A far-off small cluster therefore scores high; one that merely splits a large
 *       cluster's edge does not.
 *   <li>Calibration: the distances of the large clusters' members to their nearest kept centroid,
 *       in standardized units, fill a {@link TailCalibrator}; a point's score is one minus the tail
 *       probability of its distance among them. The small clusters' members are left out, so
 *       their distances cannot teach the calibration that such distances are common.
 * </ol>
 *
 * <p>The sample's copies are allocated per fit, which happens every {@code retrainEvery} points,
 * never per point; the k-means work arrays are kept by the trainer and reused.
 */
final class KMeansTrainer {

    /** Seeded k-means runs per k; the lowest distortion wins (guards against a poor k-means++ draw). */
    static final int RUNS = 2;

    /** Lloyd iterations at most. */
    private static final int MAX_ITER = 100;

    /**
     * Lloyd iterations stop when the distortion falls by less than this per clustered vector (the
     * distortion is a sum over the vectors, so a fixed total tolerance would demand near-exact
     * convergence of a 1000-vector sum); in standardized units 1e-4 per vector is far below
     * anything that moves a centroid visibly.
     */
    private static final double TOL_PER_VECTOR = 1e-4;

    /**
     * Vectors the elbow's k sweep runs on at most: a seeded random subsample of the training sample
     * when it is larger. The sweep fits every k in [minK, maxK], so it is most of a retrain's
     * cost; the distortion curve's shape, which is all the elbow reads, hardly changes with a
     * quarter of the default 1000 vectors. The chosen k is then fitted on the whole sample.
     * Measured on the NAB corpus (combined standard / low FP / low FN): sweep on the whole sample
     * 21.6 / 17.6 / 31.7, on 500 vectors 25.3 / 16.3 / 34.2, on 250 (one run per k) 22.9 / 17.9 /
     * 32.6 — differences of the size other seeds make.
     */
    static final int ELBOW_SAMPLE = 250;

    /**
     * Seeded k-means runs per k in the elbow's sweep on a subsample. One: the elbow reads a curve
     * that is made non-increasing first, which already absorbs a poor draw at one k, and the chosen
     * k is then fitted with {@link #RUNS} runs on the whole sample. Measured on the NAB corpus:
     * combined standard score 22.9 with one run, 22.4 with two, at half the sweep's cost.
     */
    static final int SWEEP_RUNS = 1;

    /** The run number that seeds the elbow's subsample (k-means runs use 0 … RUNS - 1). */
    private static final int SUBSAMPLE_RUN = -1;

    private final KMeansConfig config;
    private final SeededKMeans kmeans = new SeededKMeans();
    private double[] runCentroids = new double[0];

    KMeansTrainer(KMeansConfig config) {
        this.config = config;
    }

    /** A new model from the state's sample (which must hold at least two vectors). */
    ClusterModel fit(KMeansState s) {
        int n = s.vectors();
        int d = s.dims();
        double[][] z = new double[n][d];
        for (int v = 0; v < n; v++) {
            s.vector(n - 1 - v, z[v]); // oldest first
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        standardization(s, z, mean, scale);
        for (double[] row : z) {
            for (int i = 0; i < d; i++) {
                row[i] = (row[i] - mean[i]) / scale[i];
            }
        }
        PrincipalComponents pca = config.pca() && d > 1 ? PrincipalComponents.fit(z, config.pcaVariance()) : null;
        int r = pca == null ? d : pca.rank;
        double[] x = new double[n * r]; // the vectors k-means runs on, row-major
        double[] row = new double[r];
        for (int v = 0; v < n; v++) {
            if (pca == null) {
                System.arraycopy(z[v], 0, x, v * r, r);
            } else {
                pca.project(z[v], row);
                System.arraycopy(row, 0, x, v * r, r);
            }
        }
        int version = s.fits + 1;
        int clusters;
        double[] centroids;
        if (config.k() != KMeansConfig.AUTO_K) {
            clusters = Math.min(config.k(), distinct(x, n, r, config.k()));
            centroids = new double[clusters * r];
            cluster(x, n, r, clusters, version, RUNS, centroids);
        } else {
            // the elbow's k from a seeded subsample; then that k fitted on the whole sample
            int m = Math.min(n, ELBOW_SAMPLE);
            double[] xs = m == n ? x : subsample(x, n, r, m, fitSeed(config.seed(), version, 0, SUBSAMPLE_RUN));
            int kMin = Math.min(config.minK(), distinct(xs, m, r, config.maxK()));
            int kMax = Math.min(config.maxK(), distinct(xs, m, r, config.maxK()));
            // on the whole sample the sweep's fit of the chosen k is the model: the full RUNS then
            int sweepRuns = m == n ? RUNS : SWEEP_RUNS;
            double[] distortion = new double[kMax - kMin + 1];
            double[][] fitted = new double[distortion.length][];
            for (int k = kMin; k <= kMax; k++) {
                fitted[k - kMin] = new double[k * r];
                distortion[k - kMin] = cluster(xs, m, r, k, version, sweepRuns, fitted[k - kMin]);
            }
            clusters = Elbow.knee(distortion, kMin);
            if (m == n) {
                centroids = fitted[clusters - kMin];
            } else {
                centroids = new double[clusters * r];
                cluster(x, n, r, clusters, version, RUNS, centroids);
            }
        }
        // back into the standardized space
        double[][] cz = new double[clusters][d];
        for (int c = 0; c < clusters; c++) {
            if (pca == null) {
                System.arraycopy(centroids, c * r, cz[c], 0, d);
            } else {
                System.arraycopy(centroids, c * r, row, 0, r);
                pca.reconstruct(row, cz[c]);
            }
        }
        // sizes by nearest centroid (the same assignment scoring uses), then keep the large ones
        int[] sizes = new int[clusters];
        for (double[] zv : z) {
            sizes[nearest(cz, zv)]++;
        }
        double minSize = config.minClusterShare() * n;
        int kept = 0;
        for (int size : sizes) {
            if (size >= minSize) {
                kept++;
            }
        }
        double[] keptCentroids = new double[kept * d];
        int[] keptSizes = new int[kept];
        for (int c = 0, j = 0; c < clusters; c++) {
            if (sizes[c] >= minSize) {
                System.arraycopy(cz[c], 0, keptCentroids, j * d, d);
                keptSizes[j++] = sizes[c];
            }
        }
        ClusterModel model = new ClusterModel(version, n, clusters, pca == null ? d : pca.rank,
                pca == null ? 1.0 : pca.explained, mean, scale, keptCentroids, keptSizes,
                new TailCalibrator(Math.max(1, kept(keptSizes))));
        // calibration on the members of the large clusters only: a small cluster's members are
        // what "anomalous" means here, and their distances must not teach the calibration that
        // such distances are common
        double[] distances = new double[n];
        double[] dist2 = new double[1];
        int m = 0;
        for (int v = 0; v < n; v++) {
            if (sizes[nearest(cz, z[v])] >= minSize) {
                model.nearest(z[v], dist2);
                distances[m++] = Math.sqrt(dist2[0]);
            }
        }
        Arrays.sort(distances, 0, m); // ascending adds append at the end of the calibrator's sorted copy: O(n)
        for (int v = 0; v < m; v++) {
            model.calibration.add(distances[v]);
        }
        return model;
    }

    private static int kept(int[] sizes) {
        int sum = 0;
        for (int size : sizes) {
            sum += size;
        }
        return sum;
    }

    /** Mean and floored sd per coordinate; pooled over the values for a lag embedding. */
    private static void standardization(KMeansState s, double[][] z, double[] mean, double[] scale) {
        int d = mean.length;
        if (s.fields.length == 1) {
            double[] values = new double[s.size];
            int m = s.values(0, values);
            double mu = 0;
            for (int i = 0; i < m; i++) {
                mu += values[i];
            }
            mu /= m;
            double ss = 0;
            for (int i = 0; i < m; i++) {
                ss += (values[i] - mu) * (values[i] - mu);
            }
            double sd = floor(Math.sqrt(ss / Math.max(1, m - 1)), mu);
            Arrays.fill(mean, mu);
            Arrays.fill(scale, sd);
            return;
        }
        int n = z.length;
        for (double[] row : z) {
            for (int i = 0; i < d; i++) {
                mean[i] += row[i];
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] /= n;
        }
        for (double[] row : z) {
            for (int i = 0; i < d; i++) {
                scale[i] += (row[i] - mean[i]) * (row[i] - mean[i]);
            }
        }
        for (int i = 0; i < d; i++) {
            scale[i] = floor(Math.sqrt(scale[i] / Math.max(1, n - 1)), mean[i]);
        }
    }

    private static double floor(double sd, double mean) {
        return Math.max(sd, Math.max(1e-9 * Math.abs(mean), 1e-12));
    }

    /** Number of distinct rows of the row-major {@code x} (n rows of d), counted up to {@code cap}. */
    private static int distinct(double[] x, int n, int d, int cap) {
        int[] seen = new int[cap];
        int count = 0;
        for (int v = 0; v < n && count < cap; v++) {
            boolean fresh = true;
            for (int j = 0; j < count && fresh; j++) {
                fresh = !Arrays.equals(x, seen[j] * d, seen[j] * d + d, x, v * d, v * d + d);
            }
            if (fresh) {
                seen[count++] = v;
            }
        }
        return count;
    }

    /**
     * m rows of the row-major {@code x} (n rows of d) drawn without replacement by a seeded partial
     * Fisher–Yates shuffle, in their original order. Drawn at random rather than every (n / m)-th
     * row: a stride would alias with a seasonal period that is a multiple of it and see one phase.
     */
    private static double[] subsample(double[] x, int n, int d, int m, long seed) {
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        long state = seed;
        for (int i = 0; i < m; i++) {
            state += 0x9E3779B97F4A7C15L;
            int j = i + (int) (((SeededKMeans.mix(state) >>> 33) * (n - i)) >>> 31);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        Arrays.sort(index, 0, m);
        double[] xs = new double[m * d];
        for (int i = 0; i < m; i++) {
            System.arraycopy(x, index[i] * d, xs, i * d, d);
        }
        return xs;
    }

    private static int nearest(double[][] centroids, double[] z) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double s = 0;
            for (int i = 0; i < z.length; i++) {
                double e = z[i] - centroids[c][i];
                s += e * e;
            }
            if (s < bestD) {
                bestD = s;
                best = c;
            }
        }
        return best;
    }

    /**
     * The best of {@link #RUNS} seeded k-means fits with k clusters (k = 1: the mean) of the n rows
     * of d in {@code x}: centroids into {@code out} (k × d), returns their distortion.
     */
    private double cluster(double[] x, int n, int d, int k, int version, int runs, double[] out) {
        if (k <= 1) {
            Arrays.fill(out, 0, d, 0.0);
            for (int v = 0; v < n; v++) {
                for (int i = 0; i < d; i++) {
                    out[i] += x[v * d + i];
                }
            }
            for (int i = 0; i < d; i++) {
                out[i] /= n;
            }
            double w = 0;
            for (int v = 0; v < n; v++) {
                for (int i = 0; i < d; i++) {
                    double e = x[v * d + i] - out[i];
                    w += e * e;
                }
            }
            return w;
        }
        if (runCentroids.length < k * d) {
            runCentroids = new double[k * d];
        }
        double best = Double.POSITIVE_INFINITY;
        for (int run = 0; run < runs; run++) {
            double w = kmeans.fit(x, n, d, k, fitSeed(config.seed(), version, k, run), MAX_ITER, TOL_PER_VECTOR * n,
                    runCentroids);
            if (w < best) {
                best = w;
                System.arraycopy(runCentroids, 0, out, 0, k * d);
            }
        }
        return best;
    }

    /** The seed of one k-means run: the job's seed mixed with the model version, k and the run (SplitMix64). */
    static long fitSeed(long seed, int version, int k, int run) {
        long h = mix(seed);
        h = mix(h ^ version);
        h = mix(h ^ ((long) k << 32 | run));
        return h;
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
