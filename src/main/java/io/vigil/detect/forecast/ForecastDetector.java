package io.vigil.detect.forecast;

import io.vigil.detect.RetrainClock;
import io.vigil.detect.ErrorScale;
import io.vigil.detect.FieldDetector;
import io.vigil.detect.Verdict;
import io.vigil.detect.stl.PeriodDetector;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The forecast detector, the seed text's ARIMA/Prophet method made streaming: each value is judged
 * against a one-step forecast made before it is seen, and a value outside the forecast's
 * prediction interval is an anomaly whose importance is its distance beyond the bound over the
 * value (computed by {@link io.vigil.detect.SeriesScorer}).
 *
 * <p><b>Models</b> ({@code model}): {@link HoltWinters} (additive or multiplicative season, damped
 * trend), {@link SeasonalAr} (AR on seasonally differenced values, least squares) and
 * {@link FourierRegression} (trend with changepoints plus Fourier terms of every configured
 * period). Each forecasts and updates in O(1) or O(period) per point, without allocation, and is
 * refitted on the rolling window of the last {@code windowPeriods} periods (of the longest period;
 * {@code nonSeasonalWindow} points without one) every {@code refitEvery} points (default half the
 * window), never per point: a refit's cost is amortized over half a window of points.
 *
 * <p><b>Interval and score.</b> The one-step error e is divided by the robust scale s of the last
 * 64 one-step errors ({@link ErrorScale}, as the STL detector does) and the magnitude |e / s| is
 * calibrated against the series' own last {@code calibrationWindow} magnitudes
 * ({@link io.vigil.detect.TailCalibrator}): score = 1 − tail probability, so a score means the
 * same rarity as the other detectors' scores. The prediction interval of width w is
 * {@code forecast ± z_w s}, where z_w is the magnitude whose tail probability is 1 − w, so it is
 * the interval that the rolling distribution of one-step errors says covers w of the values (a
 * test checks about 1% of clean points fall outside a 0.99 interval). A point is anomalous when
 * its score reaches {@code threshold} (default 0.999, at least the interval width, so every
 * anomaly lies outside the interval).
 *
 * <p><b>Anomalies do not poison the model</b> ({@code onAnomaly}): what the model learns from a
 * value outside the interval is the value clipped to the interval (default), the forecast, or the
 * value itself; the ring the refits read holds the learnt values too. After {@code shiftAfter}
 * consecutive values beyond the same bound the values are learnt as they are, so a lasting level
 * shift is adopted rather than fought forever.
 *
 * <p><b>Cold start</b>, as the STL detector does it: with a configured period, no verdict until
 * the window holds the model's minimum (two periods for Holt-Winters and Fourier; the lag span
 * plus the regression rows for AR) and eight forecast errors are known. With {@code period: auto}
 * the period is found by {@link PeriodDetector#resolveWarmUp} at 32, 64, 128, … points of
 * warm-up (no period after {@code 3 × maxPeriod}: non-seasonal), and the warm-up is then replayed
 * so that the first verdict comes with a warm calibration.
 *
 * <p><b>Gaps and irregular timestamps</b>: the sampling interval is the median of the last nine
 * positive timestamp differences. A difference above 1.5 intervals means missing points; up to
 * {@code maxGapFill} of them (default one period) are filled with the model's own forecasts (the
 * model steps through the gap without learning anything and without scoring); a longer gap is
 * bridged: only (missing mod the longest period) points are filled, which keeps the seasonal grid,
 * and the model goes on ({@code restarts} counts these bridges). Jitter below 1.5
 * intervals and repeated timestamps count as consecutive points.
 *
 * <p>Instances hold configuration and scratch only; all per-series memory is in
 * {@link ForecastState}. Not thread-safe.
 */
public final class ForecastDetector implements FieldDetector<ForecastState> {

    /** The detector's name in outputs and the job spec. */
    public static final String NAME = "forecast";

    /** Forecast errors needed before the first verdict (as the STL detector). */
    static final int MIN_ERRORS = 8;

    private static final int[] NO_PERIODS = new int[0];

    private final ForecastConfig config;
    private final Forecaster forecaster;
    private final int modelOrdinal;
    private final long[] deltaWork = new long[ForecastState.DELTAS];
    private double[] window = new double[0];
    private int periodsFor = Integer.MIN_VALUE;
    private int[] periods = NO_PERIODS;
    private final Map<Integer, int[]> periodsByPeriod = new HashMap<>();

    /** Retrains run by this instance (for all the series it served), and their total time. */
    private final RetrainClock retrainClock = new RetrainClock();

    @Override
    public long retrains() {
        return retrainClock.retrains();
    }

    @Override
    public long retrainNanos() {
        return retrainClock.nanos();
    }

    public ForecastDetector(ForecastConfig config) {
        this.config = config;
        this.modelOrdinal = config.model().ordinal();
        this.forecaster = switch (config.model()) {
            case HOLT_WINTERS -> new HoltWinters(config);
            case AR -> new SeasonalAr(config);
            case FOURIER -> new FourierRegression(config);
        };
    }

    public ForecastConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<ForecastState> stateType() {
        return ForecastState.class;
    }

    @Override
    public ForecastState newState() {
        int capacity = config.period() == ForecastConfig.AUTO ? detectionCap() : capacity(config.period());
        ForecastState s = new ForecastState(capacity, config.calibrationWindow());
        if (config.period() != ForecastConfig.AUTO) {
            s.period = config.period();
        }
        return s;
    }

    @Override
    public String explain(ForecastState s, double value, Verdict v) {
        return String.format(Locale.ROOT,
                "forecast: %s is %.1f error scales %s the %s forecast %s (%s%% interval %s to %s%s)",
                Verdict.format(value), v.magnitude(), value > v.expected() ? "above" : "below", forecaster.label(),
                Verdict.format(v.expected()), Verdict.format(100 * config.intervalWidth()), Verdict.format(v.lower()),
                Verdict.format(v.upper()), s.period > 0 ? ", period " + s.period : "");
    }

    @Override
    public Verdict update(ForecastState s, long ts, double value) {
        s.points++;
        handleTime(s, ts);
        if (s.period == ForecastState.UNRESOLVED) {
            s.push(value);
            if (!resolvePeriod(s)) {
                return Verdict.COLD;
            }
        }
        return step(s, value);
    }

    /** The seasonal periods of a resolved series: the main one first, then the further ones. */
    private int[] periods(ForecastState s) {
        if (s.period != periodsFor) { // one array per period setting, not per point
            // one array per period, kept: the forecasters cache their per-period tables by it, so
            // series of different periods interleaving in one task allocate nothing per point
            periodsFor = s.period;
            periods = periodsByPeriod.computeIfAbsent(s.period, this::periodsOf);
        }
        return periods;
    }

    private int[] periodsOf(int period) {
        int[] extra = config.extraPeriods();
        int[] p = new int[(period > 0 ? 1 : 0) + extra.length];
        int n = 0;
        if (period > 0) {
            p[n++] = period;
        }
        for (int e : extra) {
            if (e != period) {
                p[n++] = e;
            }
        }
        return n == 0 ? NO_PERIODS : Arrays.copyOf(p, n);
    }

    private Verdict step(ForecastState s, double value) {
        int[] ps = periods(s);
        if (!s.fitted || s.model != modelOrdinal || !forecaster.matches(s, ps)) {
            if (s.size < minFit(s)) {
                learn(s, value, value, ps, false);
                return Verdict.COLD;
            }
            fit(s, ps);
        } else if (s.sinceRefit >= refitEvery(s)) {
            fit(s, ps);
        }
        double expected = forecaster.forecast(s, ps);
        if (!Double.isFinite(expected)) {
            // a diverged fit (possible with an explosive AR on wild data): start the model over
            s.unfit();
            learn(s, value, value, ps, false);
            return Verdict.COLD;
        }
        double error = value - expected;
        if (s.errors.count() < MIN_ERRORS) {
            s.errors.add(error);
            learn(s, value, expected, ps, true);
            return Verdict.COLD;
        }
        double scale = s.errors.scale(expected);
        double magnitude = Math.abs(error) / scale;
        double score = s.calibrator.score(magnitude, config.minCalibration(), config.tailFraction());
        double z = s.calibrator.magnitudeFor(1.0 - config.intervalWidth(), config.minCalibration(),
                config.tailFraction());
        double lower = expected - z * scale;
        double upper = expected + z * scale;
        boolean anomaly = score >= config.threshold();
        s.calibrator.add(magnitude);
        s.errors.add(error);
        learn(s, learnt(s, value, expected, lower, upper), expected, ps, true);
        return new Verdict(true, score, anomaly, expected, lower, upper, magnitude);
    }

    /** What the model learns from {@code value}: see the class comment on anomalies. */
    private double learnt(ForecastState s, double value, double expected, double lower, double upper) {
        if (value > upper) {
            s.run = s.run > 0 ? s.run + 1 : 1;
        } else if (value < lower) {
            s.run = s.run < 0 ? s.run - 1 : -1;
        } else {
            s.run = 0;
            return value;
        }
        if (Math.abs(s.run) > config.shiftAfter()) {
            return value;
        }
        return switch (config.onAnomaly()) {
            case CLIP -> Math.max(lower, Math.min(upper, value));
            case EXPECTED -> expected;
            case OBSERVED -> value;
        };
    }

    private void learn(ForecastState s, double learnt, double forecast, int[] ps, boolean modelled) {
        s.push(learnt);
        if (modelled) {
            forecaster.update(s, learnt, forecast, ps);
            s.sinceRefit++;
        }
    }

    /** Fits the model, counted and timed for the {@code detector.<name>.retrain*} metrics. */
    private void fit(ForecastState s, int[] ps) {
        retrainClock.time(() -> fitUntimed(s, ps));
    }

    private void fitUntimed(ForecastState s, int[] ps) {
        int n = s.copyTo(ensureWindow(s.size));
        forecaster.fit(s, window, n, ps);
        s.model = modelOrdinal;
        s.fitted = true;
        s.sinceRefit = 0;
        s.run = 0;
        s.refits++;
    }

    private void handleTime(ForecastState s, long ts) {
        if (s.lastTs != Long.MIN_VALUE) {
            long delta = ts - s.lastTs;
            long interval = s.interval(deltaWork);
            if (delta > 0) {
                if (interval > 0 && delta * 2 > 3 * interval && s.size > 0) {
                    long missing = Math.round((double) delta / interval) - 1;
                    int[] ps = periods(s);
                    int longest = ps.length > 0 ? Arrays.stream(ps).max().getAsInt() : 0;
                    int maxFill = config.maxGapFill() >= 0 ? config.maxGapFill()
                            : (longest > 0 && s.period != ForecastState.UNRESOLVED ? longest
                                    : config.nonSeasonalWindow() / 4);
                    // A longer gap is bridged: only missing mod the longest period points are filled
                    // (the seasonal grid is kept) and the model goes on where it left off; clearing
                    // left bursty series cold forever (see StlDetector).
                    long fill = missing <= maxFill ? missing : (longest > 0 ? missing % longest : 0);
                    for (long i = 0; i < fill; i++) {
                        fill(s, ps);
                    }
                    s.gapsFilled += fill;
                    if (missing > maxFill) {
                        s.restarts++;
                    }
                } else {
                    s.addDelta(delta);
                }
            }
        }
        s.lastTs = Math.max(ts, s.lastTs);
    }

    /** One missing point: the model steps with its own forecast, or, before a fit, a value a period back. */
    private void fill(ForecastState s, int[] ps) {
        if (s.fitted && s.model == modelOrdinal && forecaster.matches(s, ps)) {
            double f = forecaster.forecast(s, ps);
            if (Double.isFinite(f)) {
                learn(s, f, f, ps, true);
                return;
            }
        }
        int p = s.period > 0 ? s.period : 1;
        s.push(s.size >= p ? s.back(p - 1) : s.back(0));
    }

    private int detectionCap() {
        return Math.max(3 * config.maxPeriod(), config.nonSeasonalWindow());
    }

    /**
     * Tries to resolve the period on the warm-up buffer; once it is known, the buffer (all but the
     * newest value, which the caller scores) is replayed point by point exactly as if the period had
     * been configured, so the model, the error scale and the calibration are warm at the first
     * verdict. One-off cost, and causal: every replayed forecast uses only the points before it.
     */
    private boolean resolvePeriod(ForecastState s) {
        int n = s.size;
        if (!PeriodDetector.isWarmUpCheckpoint(n, detectionCap())) {
            return false;
        }
        s.copyTo(ensureWindow(n));
        int p = PeriodDetector.resolveWarmUp(window, n, config.minPeriod(), config.maxPeriod(), detectionCap());
        if (p == PeriodDetector.UNDECIDED) {
            return false;
        }
        double[] values = Arrays.copyOf(window, n);
        s.period = p;
        s.resetRing(capacity(p));
        s.grid -= n;
        s.unfit();
        for (int i = 0; i < n - 1; i++) {
            step(s, values[i]);
        }
        return true;
    }

    /** Ring capacity: the fit window, and at least what the model needs for a fit. */
    private int capacity(int period) {
        int[] ps = periodsOf(period);
        int longest = ps.length > 0 ? Arrays.stream(ps).max().getAsInt() : 0;
        int window = longest > 0 ? config.windowPeriods() * longest : config.nonSeasonalWindow();
        return Math.max(window, forecaster.minFit(ps));
    }

    private int minFit(ForecastState s) {
        return Math.min(forecaster.minFit(periods(s)), s.capacity);
    }

    private int refitEvery(ForecastState s) {
        return config.refitEvery() > 0 ? config.refitEvery() : Math.max(1, s.capacity / 2);
    }

    private double[] ensureWindow(int n) {
        if (window.length < n) {
            window = new double[Math.max(n, 64)];
        }
        return window;
    }
}
