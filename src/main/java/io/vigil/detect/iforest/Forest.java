package io.vigil.detect.iforest;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An isolation forest (Liu, Ting and Zhou 2008) in flat arrays: axis-parallel random splits on
 * random subsamples, trees grown to height {@code ceil(log2 psi)}, score {@code 2^(-E[h]/c(psi))}.
 *
 * <p>Why not {@code smile.anomaly.IsolationForest} (Smile 3.1.1), as the issue proposes: checked
 * on this build, (1) {@code fit} grows its trees on a parallel stream over the common fork-join
 * pool, each worker drawing from its own thread-local generator, so {@code MathEx.setSeed} (which
 * seeds only the calling thread) does not make it reproducible — two fits with the same seed gave
 * different scores; (2) each tree receives every training row, shuffled, rather than the
 * {@code subsample} share, so there is no subsampling (and no out-of-bag score); (3) each node
 * keeps two dense vectors of the input's dimension (normal and intercept) even for axis-parallel
 * splits, so 50 trees on 512 rows serialize to 0.75 MB and each node costs a dot product. Smile's
 * trees built one by one on the calling thread are reproducible, but the size and the missing
 * subsampling remain. This class is the same algorithm (extension level 0) in about 24 bytes per
 * node, grown from one {@link SplittableRandom} on the calling thread: a pure function of its
 * input rows and seed.
 *
 * <p>Two additions, both exact functions of the trees:
 * <ul>
 *   <li><b>Range-aware path length.</b> A plain isolation tree cannot tell a value just beyond the
 *       training range from one a hundred times further: both follow the outermost branch to the
 *       same leaf, so every far-out spike scores like the most extreme training point and a
 *       calibrated score saturates. Each internal node keeps the range {@code [lo, hi]} of its
 *       split feature over its rows; a point outside it at distance g would, had it been in the
 *       node's sample, be split off at this node with probability {@code g / (hi - lo + g)} (the
 *       threshold is uniform over the range). The path length is the expectation over that event
 *       at every node of the path; inside the ranges it is exactly the classic path length.</li>
 *   <li><b>Attribution.</b> Along the path, the split feature of each node is credited when the split
 *       sent the point into the smaller branch, by how much smaller ({@code 2 * separated - 1},
 *       separated = the share of the node's rows left on the other side), plus the out-of-range
 *       isolation probability: the features that made the point easy to isolate.</li>
 * </ul>
 *
 * <p>Out-of-bag scores: each tree sees a subsample, so each training row is scored by trees that
 * did not see it (up to {@link #OOB_TREES} of them) — an unbiased sample of the scores new normal
 * points get, used to calibrate.
 */
final class Forest {

    /** Euler–Mascheroni constant, for the harmonic-number approximation in {@link #c}. */
    private static final double EULER = 0.5772156649015329;

    /**
     * Out-of-bag trees that score a training row, at most: the first ones, in tree order, that
     * did not see it. The mean of 48 path lengths served the calibration as well as the mean of
     * all ~94 (of 100 trees at subsample 128 of 2048 rows): the detector's NAB standard score on
     * the NAB files here went from 30.2 to 35.1 (low FP 24.1 to 23.8), and the out-of-bag pass,
     * which was the larger part of a fit (two forests, 3,072 rows), costs half as much. With 32
     * trees the score fell to 27.2, with 16 to 21.5.
     */
    static final int OOB_TREES = 48;

    private final int dims;
    private final int psi;
    private final double cPsi;
    private final int[] roots;
    /**
     * Per node, two ints: the split feature (-1 for a leaf) and the index of the right child (the
     * left child is the next node). Nodes are interleaved rather than one array per attribute so
     * a node visit touches two adjacent records, not six arrays.
     */
    private final int[] split;
    /**
     * Per node, four floats: the threshold (for a leaf, its depth plus c(rows at the leaf)), the
     * range [lo, hi] of the split feature over the node's rows, and the count of those rows.
     */
    private final float[] node;
    /** Out-of-bag raw score of each training row, in row order. */
    private final double[] oobScores;

    private Forest(int dims, int psi, int[] roots, Builder b, double[] oobScores) {
        this.dims = dims;
        this.psi = psi;
        this.cPsi = c(psi);
        this.roots = roots;
        int n = b.nodes;
        this.split = new int[2 * n];
        this.node = new float[4 * n];
        for (int i = 0; i < n; i++) {
            split[2 * i] = b.feature[i];
            split[2 * i + 1] = b.right[i];
            node[4 * i] = b.value[i];
            node[4 * i + 1] = b.lo[i];
            node[4 * i + 2] = b.hi[i];
            node[4 * i + 3] = b.count[i];
        }
        this.oobScores = oobScores;
    }

    /**
     * Average path length of an unsuccessful search in a binary search tree of n points: the
     * normalization of Liu et al. (2008), {@code 2 H(n-1) - 2 (n-1)/n}.
     */
    static double c(int n) {
        if (n <= 1) {
            return 0.0;
        }
        if (n == 2) {
            return 1.0;
        }
        return 2.0 * (Math.log(n - 1.0) + EULER) - 2.0 * (n - 1.0) / n;
    }

    /**
     * Grows a forest on {@code rows} (m × dims, not retained). Deterministic: the same rows, tree
     * count, subsample and seed give the same forest, on any thread.
     *
     * @param subsample rows per tree; capped at half the rows so every row is out of bag for
     *     about half the trees
     */
    static Forest fit(double[][] rows, int trees, int subsample, long seed) {
        return fit(rows, trees, subsample, seed, rows.length);
    }

    /**
     * As {@link #fit(double[][], int, int, long)}, with out-of-bag scores for the newest
     * {@code oobRows} rows only (the calibration sample; scoring every row of a large sample
     * would dominate the cost of a fit).
     */
    static Forest fit(double[][] rows, int trees, int subsample, long seed, int oobRows) {
        int m = rows.length;
        int dims = rows[0].length;
        int psi = Math.max(2, Math.min(subsample, m / 2));
        int limit = 32 - Integer.numberOfLeadingZeros(psi - 1); // ceil(log2 psi)
        int maxNodes = trees * (2 * psi - 1);
        Builder b = new Builder(rows, dims, maxNodes, limit, new SplittableRandom(seed));
        int[] roots = new int[trees];
        int[] order = new int[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        int[][] samples = new int[trees][psi];
        for (int t = 0; t < trees; t++) {
            // a partial Fisher–Yates shuffle draws psi distinct rows
            int[] sample = samples[t];
            for (int i = 0; i < psi; i++) {
                int j = i + b.rnd.nextInt(m - i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
                sample[i] = order[i];
            }
            roots[t] = b.grow(sample.clone(), 0, psi, 0);
        }
        Forest f = new Forest(dims, psi, roots, b, new double[Math.min(m, oobRows)]);
        int firstOob = m - f.oobScores.length;
        double[] pathSum = new double[m];
        int[] pathCount = new int[m];
        boolean[] member = new boolean[m];
        for (int t = 0; t < trees; t++) {
            Arrays.fill(member, false);
            for (int r : samples[t]) {
                member[r] = true;
            }
            for (int r = firstOob; r < m; r++) {
                if (!member[r] && pathCount[r] < OOB_TREES) {
                    pathSum[r] += f.path(roots[t], rows[r], null, 1.0);
                    pathCount[r]++;
                }
            }
        }
        for (int r = firstOob; r < m; r++) {
            double h = pathCount[r] > 0 ? pathSum[r] / pathCount[r] : f.meanPath(rows[r], null);
            f.oobScores[r - firstOob] = Math.pow(2.0, -h / f.cPsi);
        }
        return f;
    }

    /** Input dimension. */
    int dims() {
        return dims;
    }

    /** Rows per tree. */
    int psi() {
        return psi;
    }

    /** Nodes over all trees. */
    int nodes() {
        return split.length / 2;
    }

    /** Approximate heap bytes of the forest's arrays. */
    long bytes() {
        return 24L * nodes() + 4L * roots.length + 8L * oobScores.length;
    }

    /** Out-of-bag raw scores of the newest training rows, oldest first (not a copy: do not modify). */
    double[] oobScores() {
        return oobScores;
    }

    /** Raw isolation score in (0, 1]: {@code 2^(-E[h]/c(psi))}; about 0.5 and below is ordinary. */
    double score(double[] x) {
        return Math.pow(2.0, -meanPath(x, null) / cPsi);
    }

    /**
     * Raw isolation score of {@code x}, adding each feature's isolation credit to {@code credit}
     * (length {@link #dims}; summed over trees, not cleared here).
     */
    double score(double[] x, double[] credit) {
        return Math.pow(2.0, -meanPath(x, credit) / cPsi);
    }

    /** The expected path length averaged over the trees. */
    double meanPath(double[] x, double[] credit) {
        double sum = 0;
        for (int root : roots) {
            sum += path(root, x, credit, 1.0 / roots.length);
        }
        return sum / roots.length;
    }

    /**
     * Expected path length of {@code x} in the tree at {@code node} (see the class comment: the
     * range-aware form). {@code credit}, when given, receives each split feature's isolation share
     * times {@code weight}.
     */
    private double path(int at, double[] x, double[] credit, double weight) {
        double h = 0;
        double survive = 1.0; // probability the point has not been split off above this node
        int depth = 0;
        int q;
        while ((q = split[2 * at]) >= 0) {
            int o = 4 * at;
            double v = x[q];
            double l = node[o + 1];
            double u = node[o + 2];
            double gap = v < l ? l - v : (v > u ? v - u : 0.0);
            double pIso = gap > 0 ? gap / (u - l + gap) : 0.0;
            int next = v < node[o] ? at + 1 : split[2 * at + 1];
            if (credit != null) {
                // only a branch smaller than half the node counts: any point follows some split to
                // the larger side, and crediting that would spread credit over every feature
                double separated = 1.0 - node[4 * next + 3] / node[o + 3];
                double excess = Math.max(0.0, 2.0 * separated - 1.0);
                credit[q] += weight * survive * (pIso + (1.0 - pIso) * excess);
            }
            h += survive * pIso * (depth + 1);
            survive *= 1.0 - pIso;
            at = next;
            depth++;
        }
        return h + survive * node[4 * at];
    }

    /** Grows trees into flat arrays in pre-order (a node's left child is the next node). */
    private static final class Builder {
        /**
         * The training rows by feature ({@code columns[q][row]}): a split scans one feature of a
         * node's rows, which column-major reads with one load per row instead of two dependent
         * ones (the row, then its feature).
         */
        final double[][] columns;
        final int dims;
        final int limit;
        final SplittableRandom rnd;
        final int[] feature;
        final int[] right;
        final float[] value;
        final float[] lo;
        final float[] hi;
        final int[] count;
        int nodes;

        Builder(double[][] rows, int dims, int maxNodes, int limit, SplittableRandom rnd) {
            this.columns = new double[dims][rows.length];
            for (int r = 0; r < rows.length; r++) {
                for (int q = 0; q < dims; q++) {
                    columns[q][r] = rows[r][q];
                }
            }
            this.dims = dims;
            this.limit = limit;
            this.rnd = rnd;
            this.feature = new int[maxNodes];
            this.right = new int[maxNodes];
            this.value = new float[maxNodes];
            this.lo = new float[maxNodes];
            this.hi = new float[maxNodes];
            this.count = new int[maxNodes];
        }

        int grow(int[] idx, int from, int to, int depth) {
            int node = nodes++;
            int n = to - from;
            count[node] = n;
            if (depth >= limit || n <= 1) {
                return leaf(node, depth, n);
            }
            // a random feature with a spread over the node's rows; up to dims draws, so constant
            // features (an unused phase, a flat field) cost little and bias nothing
            for (int attempt = 0; attempt < dims; attempt++) {
                int q = rnd.nextInt(dims);
                double[] column = columns[q];
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (int i = from; i < to; i++) {
                    double v = column[idx[i]];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
                if (!(max > min)) {
                    continue;
                }
                // the threshold is stored as a float, so the training rows are partitioned by the
                // very value the scorer compares with
                float t = (float) (min + rnd.nextDouble() * (max - min));
                int mid = from;
                for (int i = from; i < to; i++) {
                    if (column[idx[i]] < t) {
                        int tmp = idx[mid];
                        idx[mid] = idx[i];
                        idx[i] = tmp;
                        mid++;
                    }
                }
                feature[node] = q;
                value[node] = t;
                lo[node] = (float) min;
                hi[node] = (float) max;
                grow(idx, from, mid, depth + 1);
                right[node] = grow(idx, mid, to, depth + 1);
                return node;
            }
            return leaf(node, depth, n);
        }

        private int leaf(int node, int depth, int n) {
            feature[node] = -1;
            value[node] = (float) (depth + c(n));
            return node;
        }

    }
}
