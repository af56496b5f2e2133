package io.vigil.detect;

/**
 * The robust scale of a detector's recent one-step forecast errors, which turns an error into a
 * magnitude in error-scale units before calibration: {@code max(1.4826 MAD, 0.25 RMS)} — the MAD
 * (about zero) for robustness to earlier anomalies, the RMS floor because on quantized or spiky
 * series the MAD is often zero and would blow routine spikes up to enormous magnitudes — floored at
 * {@code 1e-9 |expected|} so floating-point noise on large flat values never scores. Shared by the
 * STL and forecast detectors so that their magnitudes mean the same thing.
 */
public final class ErrorScale {

    private ErrorScale() {}

    /**
     * The scale of the {@code n} newest errors of a ring whose next write goes to {@code head}.
     *
     * <p>The sum runs oldest to newest: a restored state holds the same errors at other ring
     * positions, and a floating-point sum must see them in the same order for the detector to
     * continue bit for bit.
     *
     * @param work scratch of at least {@code n} values, overwritten (spares an allocation per point)
     * @param expected the forecast the scale will be applied to, for the relative floor
     */
    public static double of(double[] errors, int head, int n, double[] work, double expected) {
        double sumSq = 0;
        int start = Math.floorMod(head - n, errors.length);
        for (int i = 0; i < n; i++) {
            double e = errors[(start + i) % errors.length];
            work[i] = Math.abs(e);
            sumSq += e * e;
        }
        double mad = 1.4826 * Selection.median(work, n);
        double rms = Math.sqrt(sumSq / Math.max(1, n));
        double scale = Math.max(Math.max(mad, 0.25 * rms), 1e-9 * Math.abs(expected));
        return scale > 1e-12 ? scale : 1e-12;
    }
}
