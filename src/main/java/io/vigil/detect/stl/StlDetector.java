package io.vigil.detect.stl;

import io.vigil.detect.Verdict;
import java.util.HashMap;
import java.util.Map;

/**
 * The STL detector: robust STL over a rolling window of the series, the newest point's residual
 * scored against the series' own recent residuals.
 *
 * <p>Per point: the window (the last {@code windowPeriods} periods, at least two periods before any
 * verdict) is decomposed by robust {@link Stl}; the newest residual r is divided by the window's
 * residual scale s, {@code max(1.4826 * MAD, 0.25 * RMS)} of the other residuals — MAD for
 * robustness to earlier spikes in the window, the RMS floor because on quantized or spiky series
 * the MAD is often zero and would blow routine spikes up to enormous z. The magnitude |r / s| is
 * then calibrated by the series' {@link io.vigil.detect.TailCalibrator} into a score in [0,1].
 * {@code expected} is trend + seasonal at the newest point and the band is
 * {@code expected ± z* s} where z* is the magnitude whose calibrated score equals the threshold.
 *
 * <p>Period: from the config, or, when {@code auto}, detected by {@link PeriodDetector} on the
 * warm-up data at 32, 64, 128, … points (a candidate needs three cycles in the data); after
 * {@code 3 × maxPeriod} points without a significant period the series is treated as
 * non-seasonal (trend-only robust LOESS over {@code nonSeasonalWindow} points). No verdicts until
 * the period is resolved and the window holds two periods (or the non-seasonal window is half
 * full).
 *
 * <p>Gaps and irregular timestamps: the sampling interval is the median of the last nine positive
 * timestamp differences. A difference of more than 1.5 intervals means missing points; up to
 * {@code maxGapFill} of them (default one period) are filled with the value one period earlier
 * (the last value for non-seasonal series) so the window stays on the seasonal grid; a longer gap
 * restarts the window (the calibration sample and the period are kept). Jitter below 1.5
 * intervals and duplicated timestamps are treated as consecutive points.
 *
 * <p>Instances hold configuration and work arrays only, no series state: one instance serves all
 * series of a task, and all per-series memory lives in {@link StlState}. Not thread-safe.
 */
public final class StlDetector {

    /** Detection is attempted when the warm-up buffer reaches these sizes (and at its cap). */
    private static final int FIRST_DETECTION = 32;

    private final StlConfig config;
    private final Map<Integer, Stl> stlByLength = new HashMap<>();
    private double[] window = new double[0];
    private double[] absWork = new double[0];

    public StlDetector(StlConfig config) {
        this.config = config;
    }

    public StlConfig config() {
        return config;
    }

    /** A fresh state for a new series field. */
    public StlState newState() {
        int capacity = config.period() == StlConfig.AUTO
                ? detectionCap()
                : config.windowPeriods() * config.period();
        StlState s = new StlState(capacity, config.calibrationWindow());
        if (config.period() != StlConfig.AUTO) {
            s.period = config.period();
        }
        return s;
    }

    private int detectionCap() {
        return Math.max(3 * config.maxPeriod(), config.nonSeasonalWindow());
    }

    /** Updates the state with the next value of the series and returns the verdict on it. */
    public Verdict update(StlState s, long ts, double value) {
        s.points++;
        handleTime(s, ts);
        s.push(value);
        if (s.period == StlState.UNRESOLVED) {
            resolvePeriod(s);
            if (s.period == StlState.UNRESOLVED) {
                return Verdict.COLD;
            }
        }
        int needed = s.period > 0 ? 2 * s.period : Math.max(8, config.nonSeasonalWindow() / 2);
        if (s.size < needed) {
            return Verdict.COLD;
        }
        return score(s, value);
    }

    private void handleTime(StlState s, long ts) {
        if (s.lastTs != Long.MIN_VALUE) {
            long delta = ts - s.lastTs;
            long interval = s.interval();
            if (delta > 0) {
                if (interval > 0 && delta * 2 > 3 * interval && s.size > 0) {
                    long missing = Math.round((double) delta / interval) - 1;
                    int maxFill = config.maxGapFill() >= 0 ? config.maxGapFill()
                            : (s.period > 0 ? s.period : config.nonSeasonalWindow() / 4);
                    if (missing <= maxFill) {
                        for (long i = 0; i < missing; i++) {
                            int p = s.period > 0 ? s.period : 1;
                            s.push(s.size >= p ? s.back(p - 1) : s.back(0));
                        }
                        s.gapsFilled += missing;
                    } else {
                        s.clearWindow();
                        s.restarts++;
                    }
                } else {
                    s.addDelta(delta);
                }
            }
        }
        s.lastTs = Math.max(ts, s.lastTs);
    }

    private void resolvePeriod(StlState s) {
        int n = s.size;
        boolean checkpoint = n >= FIRST_DETECTION && Integer.bitCount(n) == 1;
        boolean atCap = n >= detectionCap();
        if (!checkpoint && !atCap) {
            return;
        }
        ensureWindow(n);
        s.copyTo(window);
        int maxP = Math.min(config.maxPeriod(), n / 3);
        int p = maxP >= config.minPeriod() ? PeriodDetector.detect(window, n, config.minPeriod(), maxP) : 0;
        if (p >= 2) {
            s.period = p;
            s.resize(config.windowPeriods() * p);
        } else if (atCap) {
            s.period = 0;
            s.resize(config.nonSeasonalWindow());
        }
    }

    private Verdict score(StlState s, double value) {
        int n = s.copyTo(ensureWindow(s.size));
        Stl stl = stlFor(s.period, n);
        stl.decompose(window, n);
        double[] seasonal = stl.seasonal();
        double[] trend = stl.trend();
        double[] resid = stl.residual();
        int last = n - 1;
        double expected = trend[last] + seasonal[last];
        double r = value - expected;
        // the relative floor keeps floating-point noise of STL on large flat values from scoring
        double scale = Math.max(residualScale(resid, last), 1e-9 * Math.abs(expected));
        double magnitude = Math.abs(r) / scale;

        double tail = s.calibrator.tailProbability(magnitude, config.minCalibration(), config.tailFraction());
        double score = 1.0 - tail;
        double zStar = s.calibrator.magnitudeFor(1.0 - config.threshold(), config.minCalibration(),
                config.tailFraction());
        s.calibrator.add(magnitude);
        return new Verdict(true, score, score >= config.threshold(), expected, expected - zStar * scale,
                expected + zStar * scale, magnitude);
    }

    /** Robust scale of residuals [0, m): max(1.4826 MAD, 0.25 RMS), with an absolute floor. */
    private double residualScale(double[] resid, int m) {
        if (absWork.length < m) {
            absWork = new double[Math.max(m, 16)];
        }
        double sumSq = 0;
        for (int i = 0; i < m; i++) {
            absWork[i] = Math.abs(resid[i]);
            sumSq += resid[i] * resid[i];
        }
        double mad = 1.4826 * io.vigil.detect.Selection.median(absWork, m);
        double rms = Math.sqrt(sumSq / Math.max(1, m));
        double scale = Math.max(mad, 0.25 * rms);
        return scale > 1e-12 ? scale : 1e-12;
    }

    private double[] ensureWindow(int n) {
        if (window.length < n) {
            window = new double[Math.max(n, 64)];
        }
        return window;
    }

    private Stl stlFor(int period, int n) {
        // one Stl (with its work arrays) per window length: lengths grow from 2 periods to the full window
        return stlByLength.computeIfAbsent(period * 1_000_003 + n, k -> {
            Stl.Builder b = Stl.builder().maxLength(n).robust(config.robust());
            if (period > 0) {
                b.period(period).seasonalSpan(config.seasonalSpan());
            } else {
                b.nonSeasonal();
            }
            return b.build();
        });
    }
}
