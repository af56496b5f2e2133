package io.vigil.detect.iforest;

import io.vigil.detect.Selection;
import io.vigil.detect.TailCalibrator;

/**
 * A fitted forest and its calibration: everything derived from one fit, held in the detector's
 * cache and never in state (it is a pure function of the state's training rows and seed).
 *
 * <p>Calibration: the raw isolation score s of a point is turned into a magnitude, its robust z
 * against the out-of-bag scores of the training rows ({@code (s - median) / (1.4826 MAD)}), and
 * the magnitude into a tail probability by a {@link TailCalibrator} holding the training rows'
 * own magnitudes (empirical in the body, an exponential tail over the top {@code tailFraction}).
 * The z step puts the scores on the unit scale the calibrator's tail fit expects; the ranking is
 * unchanged by it.
 */
final class FittedModel {

    /** Smallest score scale: isolation scores of a near-constant sample barely differ. */
    private static final double MIN_SCALE = 1e-4;

    /** Below this many calibration values the calibrator uses a Gaussian tail. */
    static final int MIN_CALIBRATION = 16;

    final Forest forest;
    final double median;
    final double scale;
    final TailCalibrator calibrator;
    final double tailFraction;
    /** Training rows left out of the calibration as anomalies of their own. */
    final int trimmed;
    /** The magnitude at and beyond which a training row counts as an anomaly of its own. */
    final double cut;
    /** Mean out-of-bag path length of the training rows, for explanations. */
    final double typicalPath;

    /**
     * @param trimRarity training rows rarer than this under the first tail fit are left out of the
     *     calibration (the threshold's rarity, {@code 1 - threshold})
     */
    FittedModel(Forest forest, double trimRarity, double tailFraction) {
        this.forest = forest;
        this.tailFraction = tailFraction;
        double[] oob = forest.oobScores();
        int m = oob.length;
        double[] work = oob.clone();
        this.median = Selection.median(work, m);
        for (int i = 0; i < m; i++) {
            work[i] = Math.abs(oob[i] - median);
        }
        this.scale = Math.max(MIN_SCALE, 1.4826 * Selection.median(work, m));
        // Masking: anomalies of the recent past sit in the training sample (and a spike makes
        // several odd rows: its change, the next change, the rolling window after it). Left in,
        // they stretch the fitted tail and hide the next anomaly like them. One trimming pass drops
        // the rows the model itself flags at the threshold's rarity, then calibrates on the rest.
        // added in ascending order, each insert into the calibrator's sorted copy is O(log n)
        double[] magnitudes = new double[m];
        double pathSum = 0;
        for (int i = 0; i < m; i++) {
            magnitudes[i] = magnitude(oob[i]);
            pathSum += pathOf(oob[i]);
        }
        this.typicalPath = pathSum / m;
        java.util.Arrays.sort(magnitudes);
        TailCalibrator all = new TailCalibrator(m);
        for (double x : magnitudes) {
            all.add(x);
        }
        double cut = all.magnitudeFor(trimRarity, MIN_CALIBRATION, tailFraction);
        this.cut = cut;
        this.calibrator = new TailCalibrator(m);
        for (double x : magnitudes) {
            if (x < cut) {
                calibrator.add(x);
            }
        }
        this.trimmed = m - calibrator.size();
    }

    /** Calibrated score of a raw isolation score: one minus its tail probability. */
    double calibrated(double rawScore) {
        return calibrator.score(magnitude(rawScore), MIN_CALIBRATION, tailFraction);
    }

    /** Robust z of a raw score against the training scores, floored at 0 (below typical is normal). */
    double magnitude(double rawScore) {
        return Math.max(0.0, (rawScore - median) / scale);
    }

    /** The mean path length a raw score stands for. */
    double pathOf(double rawScore) {
        return -Math.log(rawScore) / Math.log(2.0) * Forest.c(forest.psi());
    }

    /** Approximate heap bytes. */
    long bytes() {
        return forest.bytes() + 16L * calibrator.capacity() + 64;
    }
}
