package io.vigil.detect.forecast;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Seasonal autoregression on differenced values, an ARIMA-style model without moving-average
 * terms: {@code w = (1 - B)^d (1 - B^m)^D y} (d = {@code differencing}, D =
 * {@code seasonalDifferencing}, m the main period), and
 * {@code w[t] = c + sum_i phi_i w[t-i] + sum_j Phi_j w[t-j m] + sum_e psi_e w[t-P_e] + e[t]} with
 * p = {@code arOrder} short lags, P = {@code seasonalArOrder} seasonal lags and one lag at each
 * further period P_e. The forecast of y undoes the differencing:
 * {@code y[t] = w[t] - sum_{k>=1} delta_k y[t-k]} where {@code delta} are the coefficients of the
 * differencing polynomial.
 *
 * <p>Per point, O(p + P + extra periods), independent of the period length: the lagged w are
 * differenced on the fly from the ring of learnt values (a handful of terms each), so nothing but
 * the ring is kept. Fit, at every refit: ordinary least squares (commons-math3
 * {@link OLSMultipleLinearRegression}, QR) of w on its lags over the window. A singular design
 * (a constant or perfectly periodic series) leaves only the intercept: the forecast is then the
 * differenced series' mean, i.e. seasonal naive (or last value) plus drift.
 *
 * <p>Non-seasonal series: the seasonal terms drop out (ARIMA(p, d, 0)).
 *
 * <p>State layout: {@code coef = [c, phi_1..phi_p, Phi_1..Phi_P, psi_1..psi_E]}, {@code comp}
 * unused.
 */
final class SeasonalAr extends Forecaster {

    private final ForecastConfig config;
    /** Differencing polynomial and lags of {@link #cachedFor}. */
    private int[] cachedFor = null;
    private int[] diffLag = new int[0];
    private double[] diffCoef = new double[0];
    private int maxDiffLag;
    private int[] lags = new int[0];
    private int maxLag;

    SeasonalAr(ForecastConfig config) {
        this.config = config;
    }

    @Override
    String label() {
        return "seasonal AR";
    }

    /** The differencing polynomial and the lags for one set of periods. */
    private record Plan(int[] diffLag, double[] diffCoef, int maxDiffLag, int[] lags, int maxLag) {}

    private final Map<int[], Plan> plans = new IdentityHashMap<>();

    private void prepare(int[] periods) {
        if (periods == cachedFor) { // the detector keeps one array per period setting
            return;
        }
        cachedFor = periods;
        Plan p = plans.computeIfAbsent(periods, this::plan);
        diffLag = p.diffLag();
        diffCoef = p.diffCoef();
        maxDiffLag = p.maxDiffLag();
        lags = p.lags();
        maxLag = p.maxLag();
    }

    private Plan plan(int[] periods) {
        int m = periods.length > 0 ? periods[0] : 0;
        int d = config.differencing();
        int bigD = m > 0 ? config.seasonalDifferencing() : 0;
        double[] poly = {1.0};
        for (int i = 0; i < d; i++) {
            poly = times(poly, 1);
        }
        for (int i = 0; i < bigD; i++) {
            poly = times(poly, m);
        }
        int terms = 0;
        for (int k = 1; k < poly.length; k++) {
            if (poly[k] != 0) {
                terms++;
            }
        }
        int[] dl = new int[terms];
        double[] dc = new double[terms];
        for (int k = 1, j = 0; k < poly.length; k++) {
            if (poly[k] != 0) {
                dl[j] = k;
                dc[j++] = poly[k];
            }
        }
        int seasonalLags = m > 0 ? config.seasonalArOrder() : 0;
        int[] lg = new int[config.arOrder() + seasonalLags + Math.max(0, periods.length - 1)];
        int j = 0;
        for (int i = 1; i <= config.arOrder(); i++) {
            lg[j++] = i;
        }
        for (int i = 1; i <= seasonalLags; i++) {
            lg[j++] = i * m;
        }
        for (int e = 1; e < periods.length; e++) {
            lg[j++] = periods[e];
        }
        int ml = 0;
        for (int l : lg) {
            ml = Math.max(ml, l);
        }
        return new Plan(dl, dc, poly.length - 1, lg, ml);
    }

    /** {@code poly * (1 - B^lag)}. */
    private static double[] times(double[] poly, int lag) {
        double[] out = new double[poly.length + lag];
        for (int k = 0; k < poly.length; k++) {
            out[k] += poly[k];
            out[k + lag] -= poly[k];
        }
        return out;
    }

    @Override
    int minFit(int[] periods) {
        prepare(periods);
        // the lag span plus enough rows for a well-posed least-squares fit
        return maxDiffLag + maxLag + Math.max(24, 4 * (lags.length + 1));
    }

    @Override
    void fit(ForecastState s, double[] y, int n, int[] periods) {
        prepare(periods);
        double[] w = new double[n];
        for (int i = maxDiffLag; i < n; i++) {
            double v = y[i];
            for (int k = 0; k < diffLag.length; k++) {
                v += diffCoef[k] * y[i - diffLag[k]];
            }
            w[i] = v;
        }
        int first = maxDiffLag + maxLag;
        int rows = n - first;
        double[] coef = new double[1 + lags.length];
        double mean = 0;
        for (int i = first; i < n; i++) {
            mean += w[i];
        }
        coef[0] = rows > 0 ? mean / rows : 0;
        if (lags.length > 0 && rows > lags.length + 1) {
            double[] target = new double[rows];
            double[][] x = new double[rows][lags.length];
            for (int r = 0; r < rows; r++) {
                int t = first + r;
                target[r] = w[t];
                for (int j = 0; j < lags.length; j++) {
                    x[r][j] = w[t - lags[j]];
                }
            }
            try {
                OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
                ols.newSampleData(target, x);
                double[] beta = ols.estimateRegressionParameters();
                boolean finite = true;
                for (double v : beta) {
                    finite &= Double.isFinite(v);
                }
                if (finite) {
                    coef = beta;
                }
            } catch (IllegalArgumentException e) { // SingularMatrixException is one
                // collinear lags (constant or exactly periodic differences): intercept only
            }
        }
        s.coef = coef;
        if (s.comp.length != 0) {
            s.comp = new double[0];
        }
    }

    /** w at {@code back} steps before the value to forecast (back >= 1), differenced from the ring. */
    private double w(ForecastState s, int back) {
        double v = s.back(back - 1);
        for (int k = 0; k < diffLag.length; k++) {
            v += diffCoef[k] * s.back(back - 1 + diffLag[k]);
        }
        return v;
    }

    @Override
    boolean matches(ForecastState s, int[] periods) {
        prepare(periods);
        return s.coef.length == 1 + lags.length;
    }

    @Override
    double forecast(ForecastState s, int[] periods) {
        prepare(periods);
        double[] c = s.coef;
        double w = c[0];
        for (int j = 0; j < lags.length; j++) {
            w += c[1 + j] * w(s, lags[j]);
        }
        double y = w;
        for (int k = 0; k < diffLag.length; k++) {
            y -= diffCoef[k] * s.back(diffLag[k] - 1);
        }
        return y;
    }

    @Override
    void update(ForecastState s, double learnt, double forecast, int[] periods) {
        // the ring is the whole online state
    }
}
