package io.vigil.detect.kmeans;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Principal components of standardized vectors, keeping the fewest leading components whose
 * explained variance reaches a configured share.
 *
 * <p>Computed as the eigendecomposition of the D × D sample covariance (commons-math3
 * {@link EigenDecomposition}, pure Java) rather than with Smile's {@code PCA}: Smile's PCA goes
 * through OpenBLAS natives (bytedeco), which works on this machine but costs about 1.2 s at the
 * first fit in a JVM (the natives are unpacked and loaded), needs a native build for the
 * TaskManager's platform and a writable cache directory, and brings OpenBLAS's own thread pool
 * into a Flink task slot. The vectors here have at most a few dozen dimensions, so the D × D
 * eigenproblem costs microseconds in plain Java and is bit-for-bit reproducible.
 *
 * <p>Eigenvectors are only defined up to sign; each is flipped so its largest-magnitude loading is
 * positive, so the same data always gives the same basis.
 */
final class PrincipalComponents {

    /** Column means of the data (the projection's origin), length D. */
    final double[] center;
    /** Loadings, row-major D × m: {@code basis[i * m + j]} is component j's weight on coordinate i. */
    final double[] basis;
    /** Components kept. */
    final int rank;
    /** Share of the total variance the kept components explain (1 when the data has none). */
    final double explained;
    /** All eigenvalues, descending. */
    final double[] variances;

    private PrincipalComponents(double[] center, double[] basis, int rank, double explained, double[] variances) {
        this.center = center;
        this.basis = basis;
        this.rank = rank;
        this.explained = explained;
        this.variances = variances;
    }

    /**
     * Fits the components of {@code x} (n rows of D values, not modified) and keeps the fewest
     * leading ones that explain at least {@code share} of the variance.
     */
    static PrincipalComponents fit(double[][] x, double share) {
        int n = x.length;
        int d = x[0].length;
        double[] center = new double[d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                center[i] += row[i];
            }
        }
        for (int i = 0; i < d; i++) {
            center[i] /= n;
        }
        double[][] cov = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double a = row[i] - center[i];
                for (int j = i; j < d; j++) {
                    cov[i][j] += a * (row[j] - center[j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                cov[i][j] /= Math.max(1, n - 1);
                cov[j][i] = cov[i][j];
            }
        }
        EigenDecomposition eig = new EigenDecomposition(new Array2DRowRealMatrix(cov, false));
        double[] values = eig.getRealEigenvalues();
        RealMatrix vectors = eig.getV();
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
            values[i] = Math.max(0.0, values[i]); // a covariance has none below 0 but rounding
        }
        // descending eigenvalue, then index: a total order, so equal eigenvalues sort the same way every time
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));
        double total = 0;
        for (double v : values) {
            total += v;
        }
        double[] sorted = new double[d];
        int rank = 0;
        double kept = 0;
        for (int c = 0; c < d; c++) {
            sorted[c] = values[order[c]];
        }
        if (total > 0) {
            while (rank < d && kept < share * total * (1 - 1e-12)) {
                kept += sorted[rank++];
            }
        }
        rank = Math.max(1, rank);
        double[] basis = new double[d * rank];
        for (int c = 0; c < rank; c++) {
            int col = order[c];
            int argmax = 0;
            for (int i = 1; i < d; i++) {
                if (Math.abs(vectors.getEntry(i, col)) > Math.abs(vectors.getEntry(argmax, col))) {
                    argmax = i;
                }
            }
            double sign = vectors.getEntry(argmax, col) < 0 ? -1.0 : 1.0;
            for (int i = 0; i < d; i++) {
                basis[i * rank + c] = sign * vectors.getEntry(i, col);
            }
        }
        double explained = total > 0 ? Math.min(1.0, kept / total) : 1.0;
        return new PrincipalComponents(center, basis, rank, explained, sorted);
    }

    /** The coordinates of {@code x} (length D) on the kept components, into {@code out} (length m). */
    void project(double[] x, double[] out) {
        int d = center.length;
        for (int c = 0; c < rank; c++) {
            out[c] = 0;
        }
        for (int i = 0; i < d; i++) {
            double a = x[i] - center[i];
            int row = i * rank;
            for (int c = 0; c < rank; c++) {
                out[c] += a * basis[row + c];
            }
        }
    }

    /** The point of the D-dimensional space with coordinates {@code p} (length m), into {@code out}. */
    void reconstruct(double[] p, double[] out) {
        int d = center.length;
        for (int i = 0; i < d; i++) {
            double v = center[i];
            int row = i * rank;
            for (int c = 0; c < rank; c++) {
                v += basis[row + c] * p[c];
            }
            out[i] = v;
        }
    }
}
