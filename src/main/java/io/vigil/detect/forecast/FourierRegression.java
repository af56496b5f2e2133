package io.vigil.detect.forecast;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;

/**
 * Trend with changepoints plus Fourier seasonality, the Prophet idea (Taylor and Letham 2018) as a
 * rolling regression: over the window, with {@code tau = (index - t0) / n} in [0, 1),
 * {@code y = a + b tau + sum_k delta_k max(0, tau - c_k) + sum_P sum_{j<=K} (A cos(2 pi j t / P) + B sin(2 pi j t / P))}
 * for every seasonal period P (main and further periods; K = {@code fourierOrder}, capped at
 * {@code (P - 1) / 2}). The {@code changepoints} c_k are spread evenly over the first 80% of the
 * window, as Prophet does, and their slope changes are shrunk by a ridge penalty
 * ({@code RIDGE * n * delta^2}, the counterpart of Prophet's Laplace prior on them) so that noise
 * does not bend the trend. Fit by least squares (commons-math3 OLS on the design augmented with
 * the penalty rows) at every refit; between refits the fitted function is extrapolated, trend
 * included.
 *
 * <p>A regression fitted every half window cannot follow a level change in between, so an
 * exponentially smoothed offset of the one-step errors (rate {@link #OFFSET_RATE}) rides on top of
 * it; after a refit the offset is replayed over the window's last points so it starts from the new
 * fit's recent residuals, not from zero.
 *
 * <p>Per point, O(K × periods): the Fourier terms at the point's phase come from a table per
 * period computed once per detector (not state), so no trigonometry runs per point.
 *
 * <p>State layout: {@code coef = [a, b, delta_1..delta_C, (A_1, B_1, .., A_K, B_K) per period]},
 * {@code comp = [t0, n, offset]}.
 */
final class FourierRegression extends Forecaster {

    /** Share of the window over which changepoints are placed (Prophet's changepoint_range). */
    static final double CHANGEPOINT_RANGE = 0.8;

    /** Ridge weight on the changepoint slope changes, per window point. */
    static final double RIDGE = 0.05;

    /** Rate of the online offset that follows level changes between refits. */
    static final double OFFSET_RATE = 0.3;

    private final ForecastConfig config;
    private final int minNonSeasonal;
    /** Per period: cos/sin of 2 pi j k / P for phase k and j = 1..K, row-major by phase. */
    private final Map<Integer, double[]> tables = new HashMap<>();
    private int[] cachedFor = null;
    private double[][] cachedTables = new double[0][];
    private int[] orders = new int[0];

    FourierRegression(ForecastConfig config) {
        this.config = config;
        this.minNonSeasonal = Math.max(16, config.nonSeasonalWindow() / 2);
    }

    @Override
    String label() {
        return "trend+Fourier";
    }

    /** Fourier pairs used for a period: K, capped so that no sine column vanishes on the grid. */
    private int order(int period) {
        return Math.min(config.fourierOrder(), (period - 1) / 2);
    }

    /** The basis tables and Fourier orders of one set of periods. */
    private record Plan(double[][] tables, int[] orders) {}

    private final Map<int[], Plan> plans = new IdentityHashMap<>();

    private void prepare(int[] periods) {
        if (periods == cachedFor) { // the detector keeps one array per period setting
            return;
        }
        cachedFor = periods;
        Plan plan = plans.computeIfAbsent(periods, ps -> {
            double[][] t = new double[ps.length][];
            int[] k = new int[ps.length];
            for (int i = 0; i < ps.length; i++) {
                k[i] = order(ps[i]);
                int order = k[i];
                t[i] = tables.computeIfAbsent(ps[i], q -> table(q, order));
            }
            return new Plan(t, k);
        });
        cachedTables = plan.tables();
        orders = plan.orders();
    }

    private static double[] table(int p, int k) {
        double[] t = new double[p * 2 * k];
        for (int phase = 0; phase < p; phase++) {
            for (int j = 1; j <= k; j++) {
                double angle = 2 * Math.PI * j * phase / p;
                t[phase * 2 * k + 2 * (j - 1)] = Math.cos(angle);
                t[phase * 2 * k + 2 * (j - 1) + 1] = Math.sin(angle);
            }
        }
        return t;
    }

    @Override
    int minFit(int[] periods) {
        return periods.length > 0 ? 2 * periods[longest(periods)] : minNonSeasonal;
    }

    private static int longest(int[] periods) {
        int at = 0;
        for (int i = 1; i < periods.length; i++) {
            if (periods[i] > periods[at]) {
                at = i;
            }
        }
        return at;
    }

    private int columns() {
        int c = 2 + config.changepoints();
        for (int k : orders) {
            c += 2 * k;
        }
        return c;
    }

    @Override
    void fit(ForecastState s, double[] y, int n, int[] periods) {
        prepare(periods);
        int cols = columns();
        int cps = config.changepoints();
        long t0 = s.grid - n;
        double ridge = Math.sqrt(RIDGE * n);
        double[] target = new double[n + cps];
        double[][] x = new double[n + cps][];
        for (int i = 0; i < n; i++) {
            double[] row = new double[cols];
            basis(row, t0 + i, (double) i / n, cps);
            x[i] = row;
            target[i] = y[i];
        }
        for (int k = 0; k < cps; k++) {
            double[] row = new double[cols];
            row[2 + k] = ridge;
            x[n + k] = row;
        }
        double[] coef;
        try {
            OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
            ols.setNoIntercept(true); // the intercept is column 0, so the penalty rows leave it free
            ols.newSampleData(target, x);
            coef = ols.estimateRegressionParameters();
            for (double v : coef) {
                if (!Double.isFinite(v)) {
                    throw new SingularMatrixException();
                }
            }
        } catch (IllegalArgumentException e) { // SingularMatrixException is one
            // degenerate window (e.g. constant): the mean, flat
            coef = new double[cols];
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += y[i];
            }
            coef[0] = mean / n;
        }
        s.coef = coef;
        double[] comp = s.comp.length == 3 ? s.comp : new double[3];
        comp[0] = t0;
        comp[1] = n;
        comp[2] = 0;
        s.comp = comp;
        // the offset starts from the new fit's recent residuals (an EWMA replayed over the window's end)
        int from = Math.max(0, n - (int) Math.ceil(3 / OFFSET_RATE));
        double offset = 0;
        for (int i = from; i < n; i++) {
            double f = evaluate(coef, t0 + i, (double) i / n, cps);
            offset += OFFSET_RATE * (y[i] - f - offset);
        }
        comp[2] = offset;
    }

    /** The design row of index {@code t} at window position {@code tau}. */
    private void basis(double[] row, long t, double tau, int cps) {
        row[0] = 1;
        row[1] = tau;
        for (int k = 0; k < cps; k++) {
            row[2 + k] = Math.max(0, tau - changepoint(k, cps));
        }
        int c = 2 + cps;
        for (int i = 0; i < orders.length; i++) {
            int p = cachedFor[i];
            int w = 2 * orders[i];
            System.arraycopy(cachedTables[i], (int) Math.floorMod(t, (long) p) * w, row, c, w);
            c += w;
        }
    }

    private static double changepoint(int k, int cps) {
        return CHANGEPOINT_RANGE * (k + 1) / (cps + 1);
    }

    /** The fitted function at index {@code t} (window position {@code tau}), without the offset. */
    private double evaluate(double[] coef, long t, double tau, int cps) {
        double v = coef[0] + coef[1] * tau;
        for (int k = 0; k < cps; k++) {
            double h = tau - changepoint(k, cps);
            if (h > 0) {
                v += coef[2 + k] * h;
            }
        }
        int c = 2 + cps;
        for (int i = 0; i < orders.length; i++) {
            int w = 2 * orders[i];
            double[] table = cachedTables[i];
            int at = (int) Math.floorMod(t, (long) cachedFor[i]) * w;
            for (int j = 0; j < w; j++) {
                v += coef[c + j] * table[at + j];
            }
            c += w;
        }
        return v;
    }

    @Override
    boolean matches(ForecastState s, int[] periods) {
        prepare(periods);
        return s.coef.length == columns() && s.comp.length == 3;
    }

    @Override
    double forecast(ForecastState s, int[] periods) {
        prepare(periods);
        double[] comp = s.comp;
        long t = s.grid;
        double tau = (t - comp[0]) / comp[1];
        return evaluate(s.coef, t, tau, config.changepoints()) + comp[2];
    }

    @Override
    void update(ForecastState s, double learnt, double forecast, int[] periods) {
        s.comp[2] += OFFSET_RATE * (learnt - forecast);
    }
}
