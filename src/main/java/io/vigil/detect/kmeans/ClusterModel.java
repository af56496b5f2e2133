package io.vigil.detect.kmeans;

import io.vigil.detect.TailCalibrator;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * One fitted k-means model of a series, as kept in its state: the standardization, the centroids of
 * the clusters that model normal behaviour, their sizes, and the calibration sample of training
 * distances. Immutable once fitted.
 *
 * <p>The centroids are stored in the standardized space (D coordinates), mapped back from the PCA
 * space k-means ran in: a centroid found in PCA coordinates c is {@code center + V c}. Scoring in the
 * standardized space needs no PCA matrix at all — the nearest centroid is the same one (every
 * centroid lies in the PCA subspace, so the off-subspace part of a point's distance is the same to
 * all of them) — and the distance then includes that off-subspace part, so a point that breaks the
 * correlations PCA found (price up, booking window unchanged) is far even when its projection is
 * not. So the PCA matrix is a training-time tool and is not stored; the model records only how
 * many components it kept and the variance they explained.
 *
 * <p>Only large clusters are kept (see {@link KMeansTrainer}); {@code clusters} says how many were
 * fitted.
 */
final class ClusterModel {

    /** Fit number within the series, from 1: the model version. */
    final int version;
    /** Training vectors the model was fitted on. */
    final int trainedOn;
    /** Clusters fitted (the elbow's k or the configured one), small ones included. */
    final int clusters;
    /** Principal components the clustering used (D when PCA is off). */
    final int components;
    /** Variance share those components explained. */
    final double explained;
    /** Per coordinate: x = mean + scale * z. */
    final double[] mean;
    final double[] scale;
    /** Large clusters' centroids in standardized coordinates, row-major k × D. */
    final double[] centroids;
    /** Training vectors nearest to each kept centroid. */
    final int[] sizes;
    /** Distances of the training vectors to their nearest kept centroid. */
    final TailCalibrator calibration;

    ClusterModel(int version, int trainedOn, int clusters, int components, double explained, double[] mean,
            double[] scale, double[] centroids, int[] sizes, TailCalibrator calibration) {
        this.version = version;
        this.trainedOn = trainedOn;
        this.clusters = clusters;
        this.components = components;
        this.explained = explained;
        this.mean = mean;
        this.scale = scale;
        this.centroids = centroids;
        this.sizes = sizes;
        this.calibration = calibration;
    }

    /** Dimension D of the vectors. */
    int dims() {
        return mean.length;
    }

    /** Kept (large) clusters. */
    int k() {
        return sizes.length;
    }

    /**
     * Index of the kept centroid nearest to the standardized vector {@code z}, with the squared
     * distance to it in {@code dist2[0]}. Ties go to the lower index. No allocation.
     */
    int nearest(double[] z, double[] dist2) {
        int d = mean.length;
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0, off = 0; c < sizes.length; c++, off += d) {
            double s = 0;
            for (int i = 0; i < d && s < bestD; i++) {
                double e = z[i] - centroids[off + i];
                s += e * e;
            }
            if (s < bestD) {
                bestD = s;
                best = c;
            }
        }
        dist2[0] = bestD;
        return best;
    }

    void write(DataOutput out) throws IOException {
        int d = mean.length;
        out.writeInt(version);
        out.writeInt(trainedOn);
        out.writeShort(clusters);
        out.writeShort(components);
        out.writeDouble(explained);
        out.writeShort(d);
        for (int i = 0; i < d; i++) {
            out.writeDouble(mean[i]);
            out.writeDouble(scale[i]);
        }
        out.writeShort(sizes.length);
        for (int c = 0; c < sizes.length; c++) {
            out.writeInt(sizes[c]);
            for (int i = 0; i < d; i++) {
                out.writeDouble(centroids[c * d + i]);
            }
        }
        calibration.write(out);
    }

    static ClusterModel read(DataInput in) throws IOException {
        int version = in.readInt();
        int trainedOn = in.readInt();
        int clusters = in.readUnsignedShort();
        int components = in.readUnsignedShort();
        double explained = in.readDouble();
        int d = in.readUnsignedShort();
        if (d == 0) {
            throw new IOException("corrupt k-means model: 0 dimensions");
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (int i = 0; i < d; i++) {
            mean[i] = in.readDouble();
            scale[i] = in.readDouble();
        }
        int k = in.readUnsignedShort();
        if (k == 0 || k > clusters) {
            throw new IOException("corrupt k-means model: " + k + " kept clusters of " + clusters);
        }
        int[] sizes = new int[k];
        double[] centroids = new double[k * d];
        for (int c = 0; c < k; c++) {
            sizes[c] = in.readInt();
            for (int i = 0; i < d; i++) {
                centroids[c * d + i] = in.readDouble();
            }
        }
        return new ClusterModel(version, trainedOn, clusters, components, explained, mean, scale, centroids, sizes, TailCalibrator.read(in));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterModel m && version == m.version && trainedOn == m.trainedOn
                && clusters == m.clusters && components == m.components
                && Double.compare(explained, m.explained) == 0 && Arrays.equals(mean, m.mean)
                && Arrays.equals(scale, m.scale) && Arrays.equals(centroids, m.centroids)
                && Arrays.equals(sizes, m.sizes) && calibration.equals(m.calibration);
    }

    @Override
    public int hashCode() {
        return 31 * version + Arrays.hashCode(centroids);
    }
}
