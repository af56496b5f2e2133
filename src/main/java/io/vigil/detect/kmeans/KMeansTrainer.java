package io.vigil.detect.kmeans;

import io.vigil.detect.TailCalibrator;
import java.util.Arrays;
import smile.clustering.BBDTree;
import smile.clustering.KMeans;
import smile.math.MathEx;

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
 *       points). k = 1 is the mean, computed directly.
 *   <li>k-means: Smile's {@link KMeans#fit(BBDTree, double[][], int, int, double)} (k-means++
 *       seeding, then Lloyd iterations filtered through a BBD tree, built once per retrain). Smile draws its k-means++ choices from {@link MathEx}'s
 *       random generator, which is thread-local; {@link MathEx#setSeed} re-seeds the calling
 *       thread's generator, and the seeding runs on the calling thread (only distance updates go to
 *       parallel streams, which draw nothing). So each fit first sets the seed
 *       {@code mix(seed, version, k, run)}: the same sample gives the same model on any thread,
 *       whatever ran on that thread before. Each k keeps the best of {@link #RUNS} seeded runs.
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
 * <p>Work arrays are allocated per fit, which happens every {@code retrainEvery} points, never per
 * point.
 */
final class KMeansTrainer {

    /** Seeded k-means runs per k; the lowest distortion wins (guards against a poor k-means++ draw). */
    static final int RUNS = 2;

    /** Lloyd iterations at most (Smile's default). */
    private static final int MAX_ITER = 100;

    /**
     * Lloyd iterations stop when the distortion falls by less than this per training vector.
     * Smile compares its tolerance with the drop of the total distortion (a sum over the sample),
     * so its default 1e-4 would demand near-exact convergence of a 1000-vector sum; in standardized
     * units 1e-4 per vector is far below anything that moves a centroid visibly.
     */
    private static final double TOL_PER_VECTOR = 1e-4;

    private final KMeansConfig config;

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
        double[][] x = z;
        if (pca != null) {
            x = new double[n][pca.rank];
            for (int v = 0; v < n; v++) {
                pca.project(z[v], x[v]);
            }
        }
        int version = s.fits + 1;
        int distinct = distinct(x, Math.max(config.k(), config.maxK()) + 1);
        BBDTree tree = new BBDTree(x); // one tree serves every k and run of this fit
        double[][] centroids;
        if (config.k() != KMeansConfig.AUTO_K) {
            centroids = cluster(tree, x, Math.min(config.k(), distinct), version).centroids;
        } else {
            int kMin = Math.min(config.minK(), distinct);
            int kMax = Math.min(config.maxK(), distinct);
            Fit[] fits = new Fit[kMax - kMin + 1];
            double[] distortion = new double[fits.length];
            for (int k = kMin; k <= kMax; k++) {
                fits[k - kMin] = cluster(tree, x, k, version);
                distortion[k - kMin] = fits[k - kMin].distortion;
            }
            centroids = fits[Elbow.knee(distortion, kMin) - kMin].centroids;
        }
        int clusters = centroids.length;
        // back into the standardized space
        double[][] cz = new double[clusters][];
        for (int c = 0; c < clusters; c++) {
            if (pca == null) {
                cz[c] = centroids[c];
            } else {
                cz[c] = new double[d];
                pca.reconstruct(centroids[c], cz[c]);
            }
        }
        // sizes by nearest centroid (the same assignment scoring uses), then keep the large ones
        int[] sizes = new int[clusters];
        for (double[] row : z) {
            sizes[nearest(cz, row)]++;
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

    /** Number of distinct rows, counted up to {@code cap}. */
    private static int distinct(double[][] x, int cap) {
        double[][] seen = new double[cap][];
        int count = 0;
        for (double[] row : x) {
            boolean fresh = true;
            for (int j = 0; j < count && fresh; j++) {
                fresh = !Arrays.equals(seen[j], row);
            }
            if (fresh) {
                seen[count++] = row;
                if (count == cap) {
                    break;
                }
            }
        }
        return count;
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

    /** Centroids and within-cluster sum of squares of one k. */
    private record Fit(double[][] centroids, double distortion) {}

    /** The best of {@link #RUNS} seeded k-means fits with k clusters (k = 1: the mean). */
    private Fit cluster(BBDTree tree, double[][] x, int k, int version) {
        if (k <= 1) {
            int d = x[0].length;
            double[] c = new double[d];
            for (double[] row : x) {
                for (int i = 0; i < d; i++) {
                    c[i] += row[i];
                }
            }
            for (int i = 0; i < d; i++) {
                c[i] /= x.length;
            }
            double w = 0;
            for (double[] row : x) {
                w += MathEx.squaredDistance(row, c);
            }
            return new Fit(new double[][] {c}, w);
        }
        Fit best = null;
        for (int run = 0; run < RUNS; run++) {
            MathEx.setSeed(fitSeed(config.seed(), version, k, run));
            KMeans km;
            try {
                km = KMeans.fit(tree, x, k, MAX_ITER, TOL_PER_VECTOR * x.length);
            } catch (RuntimeException e) {
                // k is capped by the distinct vectors, so Smile has no known reason to refuse; if it
                // still does, this run is skipped rather than failing the job on one series' sample
                continue;
            }
            if (best == null || km.distortion < best.distortion) {
                best = new Fit(km.centroids, km.distortion);
            }
        }
        return best != null ? best : cluster(tree, x, 1, version);
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
