package io.vigil.detect.forecast;

import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Holt-Winters exponential smoothing with a damped trend (Gardner and McKenzie 1985; the error
 * correction forms of Hyndman et al., "Forecasting with Exponential Smoothing", 2008), additive or
 * multiplicative seasonality at the main period (further periods are ignored by this model; the
 * AR and Fourier models use them). Non-seasonal series get damped Holt (level and trend).
 *
 * <p>Per point, O(1): forecast {@code l + phi b + s[k]} (additive) or {@code (l + phi b) s[k]}
 * (multiplicative), then the smoothing step with the learnt value.
 *
 * <p>Fit, at every refit: alpha, beta, gamma and phi minimize the sum of squared one-step errors
 * over the window, starting from a classical initialization (level = mean of the first period,
 * trend = difference of the first two periods' means over the period, season = first period's
 * deviations or ratios). A coarse grid of 48 settings (plus the current parameters, a warm start)
 * picks the start, then Nelder-Mead (commons-math3, deterministic) refines it for at most 150
 * evaluations in a logistic parametrization that keeps every parameter in its box:
 * alpha in [0.01, 0.99], beta in [0.001, 0.5], gamma in [0.001, 0.9], phi in [0.8, 0.98] (1 when
 * not damped). The components are then re-run through the window with the fitted parameters. A
 * fit costs about 200 filter passes over the window; at one fit per half window that is some 400
 * filter steps per point, amortized.
 *
 * <p>Multiplicative seasonality needs positive values: a window holding a value at or below zero
 * is fitted additively (recorded in {@code coef[4]}).
 *
 * <p>State layout: {@code coef = [alpha, beta, gamma, phi, multiplicative 0|1]},
 * {@code comp = [level, trend, season[0..m)]} with {@code season[index mod m]}.
 */
final class HoltWinters extends Forecaster {

    private static final double[] ALPHAS = {0.05, 0.2, 0.5, 0.8};
    private static final double[] BETAS = {0.01, 0.1};
    private static final double[] GAMMAS = {0.01, 0.1, 0.3};
    private static final double[] PHIS = {0.9, 0.98};
    private static final int MAX_EVAL = 150;
    private static final double A_LO = 0.01;
    private static final double A_HI = 0.99;
    private static final double B_LO = 0.001;
    private static final double B_HI = 0.5;
    private static final double G_LO = 0.001;
    private static final double G_HI = 0.9;
    private static final double P_LO = 0.8;
    private static final double P_HI = 0.98;

    private final ForecastConfig config;
    private final int minNonSeasonal;
    private double[] season = new double[0];
    private final double[] levelTrend = new double[2];

    HoltWinters(ForecastConfig config) {
        this.config = config;
        this.minNonSeasonal = Math.max(16, config.nonSeasonalWindow() / 2);
    }

    @Override
    String label() {
        return "holt-winters";
    }

    @Override
    int minFit(int[] periods) {
        return periods.length > 0 ? 2 * periods[0] : minNonSeasonal;
    }

    @Override
    void fit(ForecastState s, double[] y, int n, int[] periods) {
        int m = periods.length > 0 ? periods[0] : 0;
        if (season.length < m) {
            season = new double[m];
        }
        boolean mult = config.seasonality() == ForecastConfig.Seasonality.MULTIPLICATIVE && m > 0 && allPositive(y, n);
        long g0 = s.grid - n;
        boolean damped = config.damped();
        double[] best = {0.2, 0.05, 0.1, damped ? 0.98 : 1.0};
        double bestSse = Double.POSITIVE_INFINITY;
        if (s.coef.length == 5 && s.model == ForecastConfig.Model.HOLT_WINTERS.ordinal()) {
            best = new double[] {s.coef[0], s.coef[1], s.coef[2], s.coef[3]};
            bestSse = run(best[0], best[1], best[2], best[3], mult, y, n, g0, m);
        }
        for (double a : ALPHAS) {
            for (double b : BETAS) {
                for (double g : GAMMAS) {
                    for (double p : damped ? PHIS : new double[] {1.0}) {
                        double sse = run(a, b, g, p, mult, y, n, g0, m);
                        if (sse < bestSse) {
                            bestSse = sse;
                            best = new double[] {a, b, g, p};
                        }
                    }
                }
            }
        }
        best = refine(best, bestSse, mult, y, n, g0, m, damped);
        run(best[0], best[1], best[2], best[3], mult, y, n, g0, m);
        s.coef = new double[] {best[0], best[1], best[2], best[3], mult ? 1 : 0};
        double[] comp = s.comp.length == 2 + m ? s.comp : new double[2 + m];
        comp[0] = levelTrend[0];
        comp[1] = levelTrend[1];
        System.arraycopy(season, 0, comp, 2, m);
        s.comp = comp;
    }

    /** Nelder-Mead from the grid's best, in the logistic parametrization; keeps the best point seen. */
    private double[] refine(double[] start, double startSse, boolean mult, double[] y, int n, long g0, int m,
            boolean damped) {
        int dims = damped ? 4 : 3;
        double[] x0 = new double[dims];
        x0[0] = unsquash(start[0], A_LO, A_HI);
        x0[1] = unsquash(start[1], B_LO, B_HI);
        x0[2] = unsquash(start[2], G_LO, G_HI);
        if (damped) {
            x0[3] = unsquash(start[3], P_LO, P_HI);
        }
        double[] best = start.clone();
        double[] bestSse = {startSse};
        ObjectiveFunction f = new ObjectiveFunction(x -> {
            double a = squash(x[0], A_LO, A_HI);
            double b = squash(x[1], B_LO, B_HI);
            double g = squash(x[2], G_LO, G_HI);
            double p = damped ? squash(x[3], P_LO, P_HI) : 1.0;
            double sse = run(a, b, g, p, mult, y, n, g0, m);
            if (sse < bestSse[0]) {
                bestSse[0] = sse;
                best[0] = a;
                best[1] = b;
                best[2] = g;
                best[3] = p;
            }
            return sse;
        });
        try {
            new SimplexOptimizer(1e-7, 1e-10).optimize(new MaxEval(MAX_EVAL), f, GoalType.MINIMIZE,
                    new InitialGuess(x0), new NelderMeadSimplex(dims, 1.0));
        } catch (TooManyEvaluationsException e) {
            // the budget bounds the cost of a refit; the best point seen is kept
        }
        return best;
    }

    private static boolean allPositive(double[] y, int n) {
        for (int i = 0; i < n; i++) {
            if (!(y[i] > 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the smoother over {@code y[0..n)} from the classical initialization; returns the sum of
     * squared one-step errors and leaves the final components in {@link #levelTrend} and
     * {@link #season}.
     */
    private double run(double a, double b, double g, double phi, boolean mult, double[] y, int n, long g0, int m) {
        double level;
        double trend;
        int start;
        if (m > 0) {
            double m0 = 0;
            double m1 = 0;
            for (int i = 0; i < m; i++) {
                m0 += y[i];
                m1 += y[i + m];
            }
            m0 /= m;
            m1 /= m;
            trend = (m1 - m0) / m;
            level = m0 + trend * (m - 1) / 2.0;
            for (int i = 0; i < m; i++) {
                int k = (int) Math.floorMod(g0 + i, (long) m);
                season[k] = mult ? (m0 != 0 ? y[i] / m0 : 1.0) : y[i] - m0;
            }
            start = m;
        } else {
            int k = Math.min(n - 1, 8);
            level = y[0];
            trend = k > 0 ? (y[k] - y[0]) / k : 0;
            start = 1;
        }
        double sse = 0;
        int k = m > 0 ? (int) Math.floorMod(g0 + start, (long) m) : 0;
        for (int i = start; i < n; i++) {
            double base = level + phi * trend;
            double sk = m > 0 ? season[k] : (mult ? 1.0 : 0.0);
            double f = mult ? base * sk : base + sk;
            double e = y[i] - f;
            sse += e * e;
            double newLevel;
            if (mult) {
                newLevel = a * (y[i] / Math.max(sk, 1e-9)) + (1 - a) * base;
                season[k] = g * (y[i] / Math.max(base, 1e-9)) + (1 - g) * sk;
            } else {
                newLevel = a * (y[i] - sk) + (1 - a) * base;
                if (m > 0) {
                    season[k] = g * (y[i] - base) + (1 - g) * sk;
                }
            }
            trend = b * (newLevel - level) + (1 - b) * phi * trend;
            level = newLevel;
            if (m > 0 && ++k == m) {
                k = 0;
            }
        }
        levelTrend[0] = level;
        levelTrend[1] = trend;
        return Double.isFinite(sse) ? sse : Double.MAX_VALUE;
    }

    @Override
    boolean matches(ForecastState s, int[] periods) {
        return s.coef.length == 5 && s.comp.length == 2 + (periods.length > 0 ? periods[0] : 0);
    }

    @Override
    double forecast(ForecastState s, int[] periods) {
        double[] c = s.comp;
        double base = c[0] + s.coef[3] * c[1];
        int m = c.length - 2;
        if (m <= 0) {
            return base;
        }
        double sk = c[2 + (int) Math.floorMod(s.grid, (long) m)];
        return s.coef[4] == 1 ? base * sk : base + sk;
    }

    @Override
    void update(ForecastState s, double y, double forecast, int[] periods) {
        double[] c = s.comp;
        double a = s.coef[0];
        double b = s.coef[1];
        double g = s.coef[2];
        double phi = s.coef[3];
        boolean mult = s.coef[4] == 1;
        int m = c.length - 2;
        double level = c[0];
        double base = level + phi * c[1];
        if (m <= 0) {
            c[0] = a * y + (1 - a) * base;
        } else {
            int k = 2 + (int) Math.floorMod(s.grid - 1, (long) m);
            double sk = c[k];
            if (mult) {
                c[0] = a * (y / Math.max(sk, 1e-9)) + (1 - a) * base;
                c[k] = g * (y / Math.max(base, 1e-9)) + (1 - g) * sk;
            } else {
                c[0] = a * (y - sk) + (1 - a) * base;
                c[k] = g * (y - base) + (1 - g) * sk;
            }
        }
        c[1] = b * (c[0] - level) + (1 - b) * phi * c[1];
    }
}
