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
 * did not see it (those among the first {@link #oobTrees} trees, {@link #OOB_TREES} on average) —
 * an unbiased sample of the scores new normal points get, used to calibrate. A fixed range of
 * trees for every row (rather than each row's first 48 out-of-bag trees) lets a refit without
 * some rows ({@link Growth#without}) calibrate on trees that did not choose which rows to drop.
 *
 * <p><b>Layout.</b> Each tree is stored complete, to depth {@code ceil(log2 psi)}, in heap order
 * (the children of slot i are 2i+1 and 2i+2), so a node keeps no child pointer and every path has
 * the same number of steps. A leaf above the bottom level is padded with pass-through nodes whose
 * range is the whole line (they never isolate and add exactly nothing to the path length) down to
 * copies of the leaf at the bottom. The fixed trip count lets the scorer walk four trees at once
 * without a loop exit per path: a path is a chain of dependent loads, and four independent chains
 * keep the core busy while each waits. The out-of-bag pass of a fit, many rows through one tree,
 * goes level by level instead ({@link #paths}). The scores are bit-for-bit those of the
 * pointer-linked trees this replaced.
 */
final class Forest {

    /** Euler–Mascheroni constant, for the harmonic-number approximation in {@link #c}. */
    private static final double EULER = 0.5772156649015329;

    /**
     * Out-of-bag trees that score a training row, on average (see {@link #oobTrees}). The mean of
     * 48 path lengths served the calibration as well as the mean of
     * all ~94 (of 100 trees at subsample 128 of 2048 rows): the detector's NAB standard score on
     * the NAB files here went from 30.2 to 35.1 (low FP 24.1 to 23.8), and the out-of-bag pass,
     * which was the larger part of a fit (two forests, 3,072 rows), costs half as much. With 32
     * trees the score fell to 27.2, with 16 to 21.5.
     */
    static final int OOB_TREES = 48;

    private final int dims;
    private final int psi;
    private final double cPsi;
    private final int trees;
    /** Tree depth: internal levels of every tree. */
    private final int depth;
    /** Internal slots per tree, {@code 2^depth - 1}; the bottom level has {@code 2^depth} leaves. */
    private final int innerSlots;
    /**
     * Per internal slot, four floats: the threshold, the range [lo, hi] of the split feature over
     * the node's rows, and the split feature (its int bits). A pass-through slot has threshold +inf
     * and range [-inf, +inf]. Interleaved so a node visit touches one record, not four arrays.
     */
    private final float[] inner;
    /** Per bottom slot: depth of the leaf plus c(rows at the leaf). */
    private final float[] leaf;
    /**
     * Per slot (internal then bottom, heap order): the count of the node's rows, for attribution;
     * {@code -(n + 1)} marks a leaf that sits above the bottom level and its padding.
     */
    private final short[] count;
    /** Out-of-bag raw score of each training row, in row order. */
    private final double[] oobScores;

    private Forest(int dims, int psi, Builder b, double[] oobScores) {
        this.dims = dims;
        this.psi = psi;
        this.cPsi = c(psi);
        this.trees = b.trees;
        this.depth = b.depth;
        this.innerSlots = b.innerSlots;
        this.inner = b.inner;
        this.leaf = b.leaf;
        this.count = b.count;
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
     * Grows a forest on {@code rows} (m × dims, not retained), with the out-of-bag scores of every
     * row. Deterministic: the same rows, tree count, subsample and seed give the same forest, on
     * any thread.
     *
     * @param subsample rows per tree; capped at half the rows so every row is out of bag for
     *     about half the trees
     */
    static Forest fit(double[][] rows, int trees, int subsample, long seed) {
        return grow(rows, trees, subsample, seed).forest(rows.length);
    }

    /**
     * Grows the trees of a forest on {@code rows} (standardized; read, not copied, until the
     * growth is dropped); {@link Growth#forest} then scores the rows out of bag.
     */
    static Growth grow(double[][] rows, int trees, int subsample, long seed) {
        return new Growth(rows, trees, subsample, new SplittableRandom(seed));
    }

    /**
     * The out-of-bag trees of a sample of m rows at psi rows per tree: the first K trees, K chosen
     * so that a row is out of bag for {@link #OOB_TREES} of them on average (a row is in a tree's
     * sample with probability psi / m).
     */
    static int oobTrees(int m, int psi, int trees) {
        return (int) Math.min(trees, Math.ceil(OOB_TREES * (double) m / (m - psi)));
    }

    /**
     * A forest in the making: the training rows and each tree's sample, kept so the forest can be
     * scored out of bag and then grown again without some rows ({@link #without}) by regrowing only
     * the trees that drew them. The forests it yields do not retain it (a cached model holds no
     * training rows).
     */
    static final class Growth {
        private final double[][] rows;
        private final int subsample;
        private final int psi;
        /** Out-of-bag scores of {@link #forest} are means over the trees [0, oobTrees) that did not draw the row. */
        private final int oobTrees;
        private final Builder b;
        /** Each tree's sample, as row indices. */
        private final int[][] samples;
        /** Per row, the sum and count of its out-of-bag paths (for the rows last scored). */
        private final double[] pathSum;
        private final int[] pathCount;
        /** Membership scratch: all false between uses. */
        private final boolean[] member;
        /** Scratch of {@link Forest#paths}: row lists, paths and survival by row, level bounds. */
        private final int[] list;
        private final int[] spare;
        private final double[] path;
        private final double[] survive;
        private final int[] bounds;
        private final int[] next;

        private Growth(double[][] rows, int trees, int subsample, SplittableRandom rnd) {
            int m = rows.length;
            this.rows = rows;
            this.subsample = subsample;
            this.psi = Math.max(2, Math.min(subsample, m / 2));
            this.oobTrees = oobTrees(m, psi, trees);
            int limit = 32 - Integer.numberOfLeadingZeros(psi - 1); // ceil(log2 psi)
            this.b = new Builder(rows, rows[0].length, trees, limit, rnd);
            this.samples = new int[trees][];
            this.pathSum = new double[m];
            this.pathCount = new int[m];
            this.member = new boolean[m];
            this.list = new int[m];
            this.spare = new int[m];
            this.path = new double[m];
            this.survive = new double[m];
            this.bounds = new int[(1 << limit) + 1];
            this.next = new int[(1 << limit) + 1];
            int[] order = new int[m];
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            for (int t = 0; t < trees; t++) {
                growTree(t, order, m);
            }
        }

        /**
         * Grows tree {@code t} on psi rows drawn without replacement from {@code order[0, n)} (a
         * partial Fisher–Yates shuffle, which leaves {@code order} a permutation of itself).
         */
        private void growTree(int t, int[] order, int n) {
            int[] sample = new int[psi];
            for (int i = 0; i < psi; i++) {
                int j = i + b.rnd.nextInt(n - i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
                sample[i] = order[i];
            }
            samples[t] = sample;
            b.grow(t, sample.clone(), 0, psi, 0, 0);
        }

        /** The forest, with out-of-bag scores for the newest {@code oobRows} rows. */
        Forest forest(int oobRows) {
            int m = rows.length;
            int[] due = new int[Math.min(m, oobRows)];
            for (int k = 0; k < due.length; k++) {
                due[k] = m - due.length + k;
            }
            Forest f = new Forest(b.dims, psi, b, new double[due.length]);
            score(f, 0, oobTrees, due);
            return f;
        }

        /**
         * The forest grown without the {@code drop} rows, with out-of-bag scores for the newest
         * {@code oobRows} rows kept. A tree whose sample holds no dropped row is a uniform draw from
         * the kept rows too, so it is kept; the others are regrown from the kept rows: the result is
         * distributed as a forest grown afresh on the kept rows, at the cost of the trees that drew
         * a dropped row.
         *
         * <p>The out-of-bag scores come from the trees after the first {@code oobTrees}, which had
         * no say in which rows were dropped. Scored by the trees that chose them, the kept rows
         * would score low by selection (a row that one of those trees happened to find ordinary was
         * more likely kept), the calibration would be too tight and new points would look rarer
         * than they are: on the NAB files, about 10% more false-positive events over 12 seeds than
         * with a fresh forest. When too few trees remain for a sound calibration, or dropping the
         * rows changes psi (a small sample), the forest is grown afresh on the kept rows.
         */
        Forest without(boolean[] drop, int oobRows) {
            int m = rows.length;
            int[] kept = new int[m];
            int n = 0;
            for (int r = 0; r < m; r++) {
                if (!drop[r]) {
                    kept[n++] = r;
                }
            }
            int trees = samples.length;
            int from = oobTrees;
            int to = Math.min(trees, 2 * oobTrees);
            if (Math.max(2, Math.min(subsample, n / 2)) != psi
                    || (to - from) * (1.0 - (double) psi / n) < OOB_TREES / 2.0) {
                double[][] keep = new double[n][];
                for (int k = 0; k < n; k++) {
                    keep[k] = rows[kept[k]];
                }
                return grow(keep, trees, subsample, b.rnd.nextLong()).forest(oobRows);
            }
            int[] due = Arrays.copyOfRange(kept, n - Math.min(n, oobRows), n);
            b.detach(); // the first forest keeps its arrays
            for (int t = 0; t < trees; t++) {
                for (int r : samples[t]) {
                    if (drop[r]) {
                        growTree(t, kept, n);
                        break;
                    }
                }
            }
            Forest f = new Forest(b.dims, psi, b, new double[due.length]);
            score(f, from, to, due);
            return f;
        }

        /** The rows tree {@code t} was grown on (not a copy). */
        int[] sample(int t) {
            return samples[t];
        }

        /** Sets {@code f}'s out-of-bag scores of the {@code due} rows from the trees [from, to). */
        private void score(Forest f, int from, int to, int[] due) {
            for (int r : due) {
                pathSum[r] = 0;
                pathCount[r] = 0;
            }
            for (int t = from; t < to; t++) {
                addPaths(f, t, due);
            }
            for (int k = 0; k < due.length; k++) {
                int r = due[k];
                double h = pathCount[r] > 0 ? pathSum[r] / pathCount[r] : f.meanPath(rows[r]);
                f.oobScores[k] = Math.pow(2.0, -h / f.cPsi);
            }
        }

        /** Adds the path of each {@code due} row that tree {@code t} did not draw (and 1 to its count). */
        private void addPaths(Forest f, int t, int[] due) {
            for (int r : samples[t]) {
                member[r] = true;
            }
            int n = 0;
            for (int r : due) {
                if (!member[r]) {
                    list[n++] = r;
                }
            }
            for (int r : samples[t]) {
                member[r] = false;
            }
            int[] done = f.paths(t, b.columns, list, n, spare, path, survive, bounds, next);
            for (int k = 0; k < n; k++) {
                int r = done[k];
                pathSum[r] += path[r];
                pathCount[r]++;
            }
        }
    }

    /** Input dimension. */
    int dims() {
        return dims;
    }

    /** Rows per tree. */
    int psi() {
        return psi;
    }

    /** Slots over all trees (internal and bottom, padding included). */
    int nodes() {
        return count.length;
    }

    /** Approximate heap bytes of the forest's arrays. */
    long bytes() {
        return 4L * inner.length + 4L * leaf.length + 2L * count.length + 8L * oobScores.length;
    }

    /** Out-of-bag raw scores of the newest training rows, oldest first (not a copy: do not modify). */
    double[] oobScores() {
        return oobScores;
    }

    /** Raw isolation score in (0, 1]: {@code 2^(-E[h]/c(psi))}; about 0.5 and below is ordinary. */
    double score(double[] x) {
        return Math.pow(2.0, -meanPath(x) / cPsi);
    }

    /**
     * Raw isolation score of {@code x}, adding each feature's isolation credit to {@code credit}
     * (length {@link #dims}; summed over trees, not cleared here). Equal to {@link #score(double[])};
     * slower, so the detector asks for credit only when it needs it.
     */
    double score(double[] x, double[] credit) {
        double sum = 0;
        double weight = 1.0 / trees;
        for (int t = 0; t < trees; t++) {
            sum += pathWithCredit(t, x, credit, weight);
        }
        return Math.pow(2.0, -(sum / trees) / cPsi);
    }

    /** The expected path length averaged over the trees. */
    double meanPath(double[] x) {
        double sum = 0;
        int t = 0;
        for (; t + 4 <= trees; t += 4) {
            sum = path4Trees(t, x, sum);
        }
        for (; t < trees; t++) {
            sum += path(t, x);
        }
        return sum / trees;
    }

    /**
     * Expected path length of {@code x} in tree {@code t} (see the class comment: the range-aware
     * form). Pass-through slots have gap 0, so they add exactly 0 to {@code h} and leave
     * {@code survive} unchanged.
     */
    double path(int t, double[] x) {
        float[] in = inner;
        int base = t * innerSlots;
        int i = 0;
        double h = 0;
        double survive = 1.0; // probability the point has not been split off above this node
        for (int d = 0; d < depth; d++) {
            int o = 4 * (base + i);
            double v = x[Float.floatToRawIntBits(in[o + 3])];
            double pIso = isolation(v, in[o + 1], in[o + 2]);
            h += survive * pIso * (d + 1);
            survive *= 1.0 - pIso;
            i = 2 * i + (v < in[o] ? 1 : 2);
        }
        return h + survive * leaf[(base + t) + i - innerSlots];
    }

    /**
     * {@code sum} plus the paths of {@code x} in trees t..t+3, walked side by side and added one by
     * one in tree order (so the total is bit-for-bit that of a loop over the trees).
     */
    private double path4Trees(int t, double[] x, double sum) {
        float[] in = inner;
        int b0 = t * innerSlots;
        int b1 = b0 + innerSlots;
        int b2 = b1 + innerSlots;
        int b3 = b2 + innerSlots;
        int i0 = 0;
        int i1 = 0;
        int i2 = 0;
        int i3 = 0;
        double h0 = 0;
        double h1 = 0;
        double h2 = 0;
        double h3 = 0;
        double s0 = 1.0;
        double s1 = 1.0;
        double s2 = 1.0;
        double s3 = 1.0;
        for (int d = 0; d < depth; d++) {
            int level = d + 1;
            int o0 = 4 * (b0 + i0);
            int o1 = 4 * (b1 + i1);
            int o2 = 4 * (b2 + i2);
            int o3 = 4 * (b3 + i3);
            double v0 = x[Float.floatToRawIntBits(in[o0 + 3])];
            double v1 = x[Float.floatToRawIntBits(in[o1 + 3])];
            double v2 = x[Float.floatToRawIntBits(in[o2 + 3])];
            double v3 = x[Float.floatToRawIntBits(in[o3 + 3])];
            double p0 = isolation(v0, in[o0 + 1], in[o0 + 2]);
            double p1 = isolation(v1, in[o1 + 1], in[o1 + 2]);
            double p2 = isolation(v2, in[o2 + 1], in[o2 + 2]);
            double p3 = isolation(v3, in[o3 + 1], in[o3 + 2]);
            h0 += s0 * p0 * level;
            h1 += s1 * p1 * level;
            h2 += s2 * p2 * level;
            h3 += s3 * p3 * level;
            s0 *= 1.0 - p0;
            s1 *= 1.0 - p1;
            s2 *= 1.0 - p2;
            s3 *= 1.0 - p3;
            i0 = 2 * i0 + (v0 < in[o0] ? 1 : 2);
            i1 = 2 * i1 + (v1 < in[o1] ? 1 : 2);
            i2 = 2 * i2 + (v2 < in[o2] ? 1 : 2);
            i3 = 2 * i3 + (v3 < in[o3] ? 1 : 2);
        }
        int leaves = innerSlots + 1;
        sum += h0 + s0 * leaf[t * leaves + i0 - innerSlots];
        sum += h1 + s1 * leaf[(t + 1) * leaves + i1 - innerSlots];
        sum += h2 + s2 * leaf[(t + 2) * leaves + i2 - innerSlots];
        sum += h3 + s3 * leaf[(t + 3) * leaves + i3 - innerSlots];
        return sum;
    }

    /**
     * Paths of the rows {@code a[0, n)} (of the training rows by feature, {@code columns[q][row]})
     * in tree {@code t}, into {@code h} (indexed by row): the rows are pushed down the tree level
     * by level, each node's rows partitioned between its children (scratch {@code b}, at least n long, and the level bounds {@code bounds} and
     * {@code next}, at least {@code 2^depth + 1} long; {@code s} is scratch indexed by row).
     * Every row takes the same arithmetic as {@link #path}, so the values are bit for bit its
     * own; a node's parameters stay in registers while its rows stream past, which keeps the
     * out-of-bag pass of a fit off the chain of dependent loads a single path is. Returns the
     * array ({@code a} or {@code b}) that holds the n rows at the end, in leaf order.
     */
    int[] paths(int t, double[][] columns, int[] a, int n, int[] b, double[] h, double[] s, int[] bounds,
            int[] next) {
        for (int k = 0; k < n; k++) {
            int r = a[k];
            h[r] = 0;
            s[r] = 1.0;
        }
        float[] in = inner;
        int base = t * innerSlots;
        int[] cur = a;
        int[] nxt = b;
        int[] bd = bounds;
        int[] nb = next;
        bd[0] = 0;
        bd[1] = n;
        for (int d = 0; d < depth; d++) {
            int level = d + 1;
            int nodes = 1 << d;
            int first = nodes - 1; // heap index of the level's first node
            for (int k = 0; k < nodes; k++) {
                int from = bd[k];
                int to = bd[k + 1];
                int lo = from;
                int hi = to - 1;
                int o = 4 * (base + first + k);
                float threshold = in[o];
                float low = in[o + 1];
                float high = in[o + 2];
                double[] column = columns[Float.floatToRawIntBits(in[o + 3])];
                for (int j = from; j < to; j++) {
                    int r = cur[j];
                    double v = column[r];
                    double p = isolation(v, low, high);
                    if (p > 0) { // p = 0 would leave both unchanged
                        h[r] += s[r] * p * level;
                        s[r] *= 1.0 - p;
                    }
                    // left rows fill [from, lo) upwards, right ones (to - 1 ... lo] downwards;
                    // writing both slots keeps the loop free of a branch on the split
                    nxt[lo] = r;
                    nxt[hi] = r;
                    int left = v < threshold ? 1 : 0;
                    lo += left;
                    hi -= 1 - left;
                }
                nb[2 * k] = from;
                nb[2 * k + 1] = lo;
            }
            nb[2 * nodes] = n;
            int[] swap = cur;
            cur = nxt;
            nxt = swap;
            swap = bd;
            bd = nb;
            nb = swap;
        }
        int lb = t * (innerSlots + 1);
        for (int k = 0, leaves = innerSlots + 1; k < leaves; k++) {
            float value = leaf[lb + k];
            for (int j = bd[k]; j < bd[k + 1]; j++) {
                int r = cur[j];
                h[r] = h[r] + s[r] * value;
            }
        }
        return cur;
    }

    /** Probability that a node with split range [l, u] splits off a point at v outside it. */
    private static double isolation(double v, double l, double u) {
        double gap = v < l ? l - v : (v > u ? v - u : 0.0);
        return gap > 0 ? gap / (u - l + gap) : 0.0;
    }

    /**
     * {@link #path} that also credits each split feature with its isolation share times
     * {@code weight}; it stops at a leaf above the bottom level (its padding splits nothing).
     */
    private double pathWithCredit(int t, double[] x, double[] credit, double weight) {
        float[] in = inner;
        int base = t * innerSlots;
        int slots = 2 * innerSlots + 1;
        int cb = t * slots;
        int i = 0;
        double h = 0;
        double survive = 1.0;
        for (int d = 0; d < depth; d++) {
            int o = 4 * (base + i);
            double v = x[Float.floatToRawIntBits(in[o + 3])];
            double l = in[o + 1];
            double u = in[o + 2];
            double gap = v < l ? l - v : (v > u ? v - u : 0.0);
            double pIso = gap > 0 ? gap / (u - l + gap) : 0.0;
            int next = 2 * i + (v < in[o] ? 1 : 2);
            if (count[cb + i] < 0) {
                break; // a leaf above the bottom level: no split here or below
            }
            int q = Float.floatToRawIntBits(in[o + 3]);
            // only a branch smaller than half the node counts: any point follows some split to
            // the larger side, and crediting that would spread credit over every feature
            // (a float quotient, as when the counts were stored as floats: same credit bits)
            double separated = 1.0 - (float) rows(count[cb + next]) / (float) count[cb + i];
            double excess = Math.max(0.0, 2.0 * separated - 1.0);
            credit[q] += weight * survive * (pIso + (1.0 - pIso) * excess);
            h += survive * pIso * (d + 1);
            survive *= 1.0 - pIso;
            i = next;
        }
        // below a shallow leaf the padding routes to a bottom copy of it
        for (int d = 0; d < depth && i < innerSlots; d++) {
            i = 2 * i + 1;
        }
        return h + survive * leaf[t * (innerSlots + 1) + i - innerSlots];
    }

    private static int rows(short encoded) {
        return encoded < 0 ? -encoded - 1 : encoded;
    }

    /** Grows trees into complete heap-ordered arrays (see the class comment on the layout). */
    private static final class Builder {
        /**
         * The training rows by feature ({@code columns[q][row]}): a split scans one feature of a
         * node's rows, which column-major reads with one load per row instead of two dependent
         * ones (the row, then its feature).
         */
        final double[][] columns;
        final int dims;
        final int trees;
        final int depth;
        final int innerSlots;
        final SplittableRandom rnd;
        float[] inner;
        float[] leaf;
        short[] count;

        Builder(double[][] rows, int dims, int trees, int depth, SplittableRandom rnd) {
            this.columns = new double[dims][rows.length];
            for (int r = 0; r < rows.length; r++) {
                for (int q = 0; q < dims; q++) {
                    columns[q][r] = rows[r][q];
                }
            }
            this.dims = dims;
            this.trees = trees;
            this.depth = depth;
            this.innerSlots = (1 << depth) - 1;
            this.rnd = rnd;
            this.inner = new float[4 * trees * innerSlots];
            this.leaf = new float[trees * (innerSlots + 1)];
            this.count = new short[trees * (2 * innerSlots + 1)];
        }

        /** Continues on copies of the arrays, so the forest already built on them stays as it is. */
        void detach() {
            inner = inner.clone();
            leaf = leaf.clone();
            count = count.clone();
        }

        /** Grows the node at heap slot {@code slot} of tree {@code t} from rows idx[from, to). */
        void grow(int t, int[] idx, int from, int to, int level, int slot) {
            int n = to - from;
            if (level >= depth || n <= 1) {
                leaf(t, slot, level, n);
                return;
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
                float th = (float) (min + rnd.nextDouble() * (max - min));
                int mid = from;
                for (int i = from; i < to; i++) {
                    if (column[idx[i]] < th) {
                        int tmp = idx[mid];
                        idx[mid] = idx[i];
                        idx[i] = tmp;
                        mid++;
                    }
                }
                int o = 4 * (t * innerSlots + slot);
                inner[o] = th;
                inner[o + 1] = (float) min;
                inner[o + 2] = (float) max;
                inner[o + 3] = Float.intBitsToFloat(q);
                count[t * (2 * innerSlots + 1) + slot] = (short) n;
                grow(t, idx, from, mid, level + 1, 2 * slot + 1);
                grow(t, idx, mid, to, level + 1, 2 * slot + 2);
                return;
            }
            leaf(t, slot, level, n);
        }

        /** A leaf at {@code slot}; above the bottom level, padded down to copies at the bottom. */
        private void leaf(int t, int slot, int level, int n) {
            pad(t, slot, (float) (level + c(n)), level < depth ? (short) (-n - 1) : (short) n);
        }

        private void pad(int t, int slot, float value, short n) {
            count[t * (2 * innerSlots + 1) + slot] = n;
            if (slot >= innerSlots) {
                leaf[t * (innerSlots + 1) + slot - innerSlots] = value;
                return;
            }
            int o = 4 * (t * innerSlots + slot);
            inner[o] = Float.POSITIVE_INFINITY;
            inner[o + 1] = Float.NEGATIVE_INFINITY;
            inner[o + 2] = Float.POSITIVE_INFINITY;
            inner[o + 3] = Float.intBitsToFloat(0);
            pad(t, 2 * slot + 1, value, n);
            pad(t, 2 * slot + 2, value, n);
        }
    }
}
