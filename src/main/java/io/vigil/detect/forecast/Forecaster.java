package io.vigil.detect.forecast;

/**
 * One forecasting model behind the {@link ForecastDetector}: a strategy without series state.
 * Everything it fits or updates lives in the {@link ForecastState} ({@code coef}, {@code comp},
 * and the ring of learnt values), so one instance serves every series of a task; instances hold
 * configuration and scratch only. Not thread-safe.
 *
 * <p>Time is the index on the seasonal grid: the ring's newest value has index
 * {@code s.grid - 1}, the value to forecast has index {@code s.grid}, so seasonal phases are
 * {@code index mod period} whatever gaps were filled.
 */
abstract class Forecaster {

    /**
     * Points the window must hold before the first fit.
     *
     * @param periods the series' seasonal periods (main first; empty when non-seasonal)
     */
    abstract int minFit(int[] periods);

    /**
     * Fits the model on the window {@code y[0..n)} (oldest first; {@code y[n-1]} has grid index
     * {@code s.grid - 1}) and sets {@code s.coef} and {@code s.comp} so that {@link #forecast}
     * predicts index {@code s.grid}. Runs every {@code refitEvery} points, never per point.
     */
    abstract void fit(ForecastState s, double[] y, int n, int[] periods);

    /**
     * Whether the fitted coefficients in {@code s} have this model's layout for these periods (a
     * state restored under a changed job spec may not; it is then refitted from its window).
     */
    abstract boolean matches(ForecastState s, int[] periods);

    /** The one-step forecast of the value at index {@code s.grid}. O(1) or O(period), no allocation. */
    abstract double forecast(ForecastState s, int[] periods);

    /**
     * Advances the online components after {@code learnt} was pushed into the ring (so it has
     * index {@code s.grid - 1}); {@code forecast} is what {@link #forecast} predicted for it.
     */
    abstract void update(ForecastState s, double learnt, double forecast, int[] periods);

    /** The model's name in explanations. */
    abstract String label();

    /** A logistic map of the real line onto {@code (lo, hi)}: lets an unconstrained optimizer search a box. */
    static double squash(double x, double lo, double hi) {
        return lo + (hi - lo) / (1.0 + Math.exp(-x));
    }

    /** The inverse of {@link #squash}. */
    static double unsquash(double v, double lo, double hi) {
        double u = (v - lo) / (hi - lo);
        u = Math.min(1 - 1e-9, Math.max(1e-9, u));
        return Math.log(u / (1 - u));
    }
}
