package io.vigil.detect.stl;

import io.vigil.detect.Selection;
import java.util.Arrays;

/**
 * Robust STL: Seasonal-Trend decomposition based on LOESS (Cleveland, Cleveland, McRae and
 * Terpenning, 1990, <i>Journal of Official Statistics</i> 6(1), 3-73).
 *
 * <p>The computation follows the structure of the authors' Fortran {@code stl.f} from netlib,
 * which R's {@code stats::stl} and statsmodels' {@code STL} also port: an inner loop of
 * detrending, cycle-subseries LOESS (each subseries extended by one point at both ends),
 * low-pass filtering of the extended cycle (moving averages of length np, np and 3, then LOESS),
 * {@code seasonal = cycle - lowPass}, deseasonalising and trend LOESS; and an outer loop that
 * recomputes bisquare robustness weights from the remainder with {@code h = 6 * median|R|} and
 * feeds them into the LOESS fits. LOESS is evaluated every {@code jump} points and linearly
 * interpolated in between, as in {@code stl.f}.
 *
 * <p>Two departures, neither of which changes results for the default parameters:
 *
 * <ul>
 *   <li>each local fit is computed in a single pass over the window from weighted sums (the
 *       algebra of {@code stl.f}'s {@code est}, with positions taken relative to the fitted point
 *       so the sums stay small), instead of storing and rescaling a weight vector;
 *   <li>when a jump leaves the last point unfitted, its window is recomputed for that point;
 *       {@code stl.f} reuses the window of the last fitted point, which is the same window
 *       whenever {@code jump <= (span + 1) / 2}, as every default jump is.
 * </ul>
 *
 * <p>A <b>non-seasonal mode</b> is selected with a period below 2 (what {@link PeriodDetector}
 * returns when it finds no seasonality) or {@link Builder#nonSeasonal()}: the seasonal component
 * is zero and the trend is the
 * LOESS of the data itself, with the same robustness iterations.
 *
 * <p>Built for a hot path that decomposes a rolling window once per incoming point: every work
 * array is allocated by the constructor for {@link #maxLength()} points, and {@link
 * #decompose(double[], int)} allocates nothing once the tricube weights of the neighbourhood radii
 * it meets are cached (the first call at a length; about nine values per point of {@code
 * maxLength} at the defaults, measured: 78 KB at period 288 with four periods). An instance keeps
 * no result from one call to the next (each call starts from a zero trend and unit weights), so
 * one instance can serve every series handled by a thread. <b>Not thread-safe</b>: the results
 * live in the instance's own arrays, which the next call overwrites.
 *
 * <pre>{@code
 * Stl stl = Stl.builder().period(12).maxLength(480).build();
 * stl.decompose(window, n);
 * double lastResidual = stl.residual()[n - 1];
 * }</pre>
 */
public final class Stl {

  /** Seasonal LOESS span used when none is given; statsmodels' default. */
  public static final int DEFAULT_SEASONAL_SPAN = 7;

  /** Outer (robustness) iterations of robust STL, as R's {@code stl(robust = TRUE)}. */
  public static final int DEFAULT_ROBUST_OUTER_ITERATIONS = 15;

  /** Inner iterations of robust STL: the paper's choice when robustness iterations follow. */
  public static final int DEFAULT_ROBUST_INNER_ITERATIONS = 1;

  /** Inner iterations of non-robust STL, as statsmodels (no outer loop refines the fit). */
  public static final int DEFAULT_NON_ROBUST_INNER_ITERATIONS = 5;

  /** Smallest trend span chosen by default in non-seasonal mode. */
  public static final int MIN_DEFAULT_NON_SEASONAL_TREND_SPAN = 7;

  // Resolved parameters. In non-seasonal mode the seasonal and low-pass ones are 0.
  private final int period;
  private final int maxLength;
  private final int seasonalSpan;
  private final int trendSpan;
  private final int lowPassSpan;
  private final int seasonalDegree;
  private final int trendDegree;
  private final int lowPassDegree;
  private final int seasonalJump;
  private final int trendJump;
  private final int lowPassJump;
  private final int innerIterations;
  private final int outerIterations;

  // Results, valid in [0, length).
  private final double[] seasonal;
  private final double[] trend;
  private final double[] residual;
  private final double[] weights;
  private int length;

  // Work arrays. "Extended" ones hold n + 2 * period values: the cycle-subseries smoothing
  // extrapolates one period before and after the data, and the low-pass filter's three moving
  // averages eat exactly those 2 * period values again.
  private final double[] work; // detrended, then deseasonalised series (n)
  private final double[] cycle; // smoothed cycle-subseries, extended
  private final double[] movingAverage1; // extended
  private final double[] movingAverage2; // extended
  private final double[] lowPass; // n
  private final double[] subseries; // one cycle-subseries
  private final double[] subseriesWeights;
  private final double[] subseriesFit; // one cycle-subseries, extended by one point each side
  private final double[] selectScratch; // |remainder| for the median
  /**
   * Tricube weights by neighbourhood radius h (an integer: positions are integers), filled on
   * first use: row h holds the weight of every distance r <= 0.999 h. A fit's weights depend on
   * h and the distance only, and the same few radii recur in every fit of every pass and refit,
   * so each weight is computed once instead of once per point per fit (a division and a cube).
   */
  private double[][] tricubeByRadius = new double[0][];

  private Stl(Builder b, int period, int seasonalSpan, int trendSpan, int lowPassSpan,
      int seasonalJump, int trendJump, int lowPassJump, int innerIterations,
      int outerIterations) {
    this.period = period;
    this.maxLength = b.maxLength;
    this.seasonalSpan = seasonalSpan;
    this.trendSpan = trendSpan;
    this.lowPassSpan = lowPassSpan;
    boolean seasonalMode = period >= 2;
    this.seasonalDegree = seasonalMode ? b.seasonalDegree : 0;
    this.trendDegree = b.trendDegree;
    this.lowPassDegree = seasonalMode ? b.lowPassDegree : 0;
    this.seasonalJump = seasonalJump;
    this.trendJump = trendJump;
    this.lowPassJump = lowPassJump;
    this.innerIterations = innerIterations;
    this.outerIterations = outerIterations;

    seasonal = new double[maxLength];
    trend = new double[maxLength];
    residual = new double[maxLength];
    weights = new double[maxLength];
    work = new double[maxLength];
    selectScratch = new double[maxLength];
    if (seasonalMode) {
      int extended = maxLength + 2 * period;
      int longestSubseries = (maxLength - 1) / period + 1;
      cycle = new double[extended];
      movingAverage1 = new double[extended];
      movingAverage2 = new double[extended];
      lowPass = new double[maxLength];
      subseries = new double[longestSubseries];
      subseriesWeights = new double[longestSubseries];
      subseriesFit = new double[longestSubseries + 2];
    } else {
      cycle = movingAverage1 = movingAverage2 = lowPass = null;
      subseries = subseriesWeights = subseriesFit = null;
    }
  }

  /** Returns a builder; {@link Builder#period(int)} and {@link Builder#maxLength(int)} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Decomposes {@code y[0..n)} (oldest first) into seasonal, trend and residual components.
   * {@code y} is not modified. Results are read through {@link #seasonal()}, {@link #trend()},
   * {@link #residual()} and {@link #weights()}, valid in {@code [0, n)} until the next call.
   *
   * @param y the series; only the first {@code n} values are read and they must be finite
   * @param n number of points; at least {@code 2 * period} in seasonal mode, at least 1
   *     otherwise, and at most {@link #maxLength()}
   * @throws IllegalArgumentException if {@code n} is out of range or a value is not finite
   */
  public void decompose(double[] y, int n) {
    if (y == null) {
      throw new IllegalArgumentException("y must not be null");
    }
    int minLength = isSeasonal() ? 2 * period : 1;
    if (n < minLength || n > maxLength || n > y.length) {
      throw new IllegalArgumentException("n=" + n + " must be in [" + minLength + ", "
          + Math.min(maxLength, y.length) + "] (period=" + period + ", maxLength=" + maxLength
          + ", y.length=" + y.length + ")");
    }
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("y[" + i + "]=" + y[i] + " is not finite");
      }
    }
    length = n;
    if (isSeasonal()) {
      decomposeSeasonal(y, n);
    } else {
      decomposeNonSeasonal(y, n);
    }
    for (int i = 0; i < n; i++) {
      residual[i] = y[i] - seasonal[i] - trend[i];
    }
  }

  /** stl.f's {@code stl}: inner passes, then outer passes that reweight by the remainder. */
  private void decomposeSeasonal(double[] y, int n) {
    Arrays.fill(trend, 0, n, 0.0);
    boolean useWeights = false;
    for (int pass = 0; ; pass++) {
      for (int inner = 0; inner < innerIterations; inner++) {
        innerLoop(y, n, useWeights);
      }
      if (pass >= outerIterations) {
        break;
      }
      for (int i = 0; i < n; i++) {
        work[i] = seasonal[i] + trend[i];
      }
      robustnessWeights(y, work, n);
      useWeights = true;
    }
    if (outerIterations == 0) {
      Arrays.fill(weights, 0, n, 1.0);
    }
  }

  /** The same outer loop with no seasonal step: the trend is the LOESS of the data. */
  private void decomposeNonSeasonal(double[] y, int n) {
    Arrays.fill(seasonal, 0, n, 0.0);
    boolean useWeights = false;
    for (int pass = 0; ; pass++) {
      smooth(y, n, trendSpan, trendDegree, trendJump, useWeights, weights, trend, 0);
      if (pass >= outerIterations) {
        break;
      }
      robustnessWeights(y, trend, n);
      useWeights = true;
    }
    if (outerIterations == 0) {
      Arrays.fill(weights, 0, n, 1.0);
    }
  }

  /** stl.f's {@code onestp} body, one inner iteration. */
  private void innerLoop(double[] y, int n, boolean useWeights) {
    int np = period;
    // Step 1: detrend.
    for (int i = 0; i < n; i++) {
      work[i] = y[i] - trend[i];
    }
    // Step 2: cycle-subseries smoothing into cycle[0 .. n + 2np).
    smoothCycleSubseries(work, n, useWeights);
    // Step 3: low-pass filter of the cycle, leaving n values in movingAverage1.
    movingAverage(cycle, n + 2 * np, np, movingAverage1);
    movingAverage(movingAverage1, n + np + 1, np, movingAverage2);
    movingAverage(movingAverage2, n + 2, 3, movingAverage1);
    // The low-pass LOESS never uses robustness weights: stl.f passes userw=.false. here.
    smooth(movingAverage1, n, lowPassSpan, lowPassDegree, lowPassJump, false, null, lowPass, 0);
    // Step 4: detrend the smoothed cycle; cycle[np + i] lines up with y[i].
    for (int i = 0; i < n; i++) {
      seasonal[i] = cycle[np + i] - lowPass[i];
    }
    // Steps 5 and 6: deseasonalise and smooth the trend.
    for (int i = 0; i < n; i++) {
      work[i] = y[i] - seasonal[i];
    }
    smooth(work, n, trendSpan, trendDegree, trendJump, useWeights, weights, trend, 0);
  }

  /**
   * stl.f's {@code ss}: LOESS of each cycle-subseries (all values at one phase of the period),
   * extrapolated one period before the first and after the last value, so the low-pass filter
   * that follows has a full period of support at both ends of the series.
   */
  private void smoothCycleSubseries(double[] x, int n, boolean useWeights) {
    int np = period;
    for (int phase = 0; phase < np; phase++) {
      int k = (n - 1 - phase) / np + 1;
      for (int i = 0; i < k; i++) {
        subseries[i] = x[i * np + phase];
      }
      if (useWeights) {
        for (int i = 0; i < k; i++) {
          subseriesWeights[i] = weights[i * np + phase];
        }
      }
      smooth(subseries, k, seasonalSpan, seasonalDegree, seasonalJump, useWeights,
          subseriesWeights, subseriesFit, 1);

      int right = Math.min(seasonalSpan, k) - 1;
      double before = localFit(subseries, k, seasonalSpan, seasonalDegree, -1.0, 0, right,
          useWeights, subseriesWeights);
      subseriesFit[0] = Double.isNaN(before) ? subseriesFit[1] : before;
      int left = Math.max(0, k - seasonalSpan);
      double after = localFit(subseries, k, seasonalSpan, seasonalDegree, k, left, k - 1,
          useWeights, subseriesWeights);
      subseriesFit[k + 1] = Double.isNaN(after) ? subseriesFit[k] : after;

      for (int m = 0; m < k + 2; m++) {
        cycle[m * np + phase] = subseriesFit[m];
      }
    }
  }

  /**
   * stl.f's {@code ess}: LOESS of {@code y[0..n)} with the given span and degree, evaluated at
   * every {@code jump}-th point (and the last) and linearly interpolated in between. Writes
   * {@code out[offset .. offset + n)}.
   */
  private void smooth(double[] y, int n, int span, int degree, int jump,
      boolean useWeights, double[] rw, double[] out, int offset) {
    if (n < 2) {
      out[offset] = y[0];
      return;
    }
    int step = Math.min(jump, n - 1);
    int left = 0;
    int right = n - 1;
    if (span >= n) {
      for (int i = 0; i < n; i += step) {
        out[offset + i] = fitOrKeep(y, n, span, degree, i, 0, n - 1, useWeights, rw);
      }
    } else if (step == 1) {
      // Slide the window along with the point once the point passes the window's centre.
      int halfSpan = (span + 1) / 2;
      right = span - 1;
      for (int i = 0; i < n; i++) {
        if (i >= halfSpan && right != n - 1) {
          left++;
          right++;
        }
        out[offset + i] = fitOrKeep(y, n, span, degree, i, left, right, useWeights, rw);
      }
    } else {
      int halfSpan = (span + 1) / 2;
      for (int i = 0; i < n; i += step) {
        if (i + 1 < halfSpan) {
          left = 0;
          right = span - 1;
        } else if (i >= n - halfSpan) {
          left = n - span;
          right = n - 1;
        } else {
          left = i + 1 - halfSpan;
          right = i + span - halfSpan;
        }
        out[offset + i] = fitOrKeep(y, n, span, degree, i, left, right, useWeights, rw);
      }
    }
    if (step == 1) {
      return;
    }
    for (int i = 0; i < n - step; i += step) {
      double a = out[offset + i];
      double delta = (out[offset + i + step] - a) / step;
      for (int j = i + 1; j < i + step; j++) {
        out[offset + j] = a + delta * (j - i);
      }
    }
    int lastFitted = ((n - 1) / step) * step;
    if (lastFitted != n - 1) {
      // Fit the last point with its own end window (see the class comment).
      left = span >= n ? 0 : n - span;
      out[offset + n - 1] = fitOrKeep(y, n, span, degree, n - 1, left, n - 1, useWeights, rw);
      if (lastFitted != n - 2) {
        double a = out[offset + lastFitted];
        double delta = (out[offset + n - 1] - a) / (n - 1 - lastFitted);
        for (int j = lastFitted + 1; j < n - 1; j++) {
          out[offset + j] = a + delta * (j - lastFitted);
        }
      }
    }
  }

  /** A local fit at integer position {@code i}, or {@code y[i]} when every weight is zero. */
  private double fitOrKeep(double[] y, int n, int span, int degree, int i, int left,
      int right, boolean useWeights, double[] rw) {
    double v = localFit(y, n, span, degree, i, left, right, useWeights, rw);
    return Double.isNaN(v) ? y[i] : v;
  }

  /**
   * stl.f's {@code est}: the LOESS value at position {@code xs} from the points {@code
   * [left, right]} with tricube weights (times robustness weights when {@code useWeights}), a
   * locally constant fit for degree 0 and locally linear for degree 1.
   *
   * @return the fitted value, or NaN when every weight in the window is zero (stl.f's
   *     {@code ok = .false.}); inputs are finite, so NaN never means anything else
   */
  private double localFit(double[] y, int n, int span, int degree, double xs, int left,
      int right, boolean useWeights, double[] rw) {
    double range = n - 1.0;
    double h = Math.max(xs - left, right - xs);
    if (span > n) {
      // A span longer than the series widens the neighbourhood (integer halving as stl.f).
      h += (span - n) / 2;
    }
    // Only points within 0.999 h weigh anything: walk exactly those, in stl.f's order.
    double[] tricube = tricube(h);
    int at = (int) xs;
    int reach = tricube.length - 1;
    int from = Math.max(left, at - reach);
    int to = Math.min(right, at + reach);
    // Weighted sums with positions relative to xs: sw = sum w, sx = sum w*x, sxx = sum w*x^2,
    // sy = sum w*y, sxy = sum w*x*y.
    double sw = 0;
    double sx = 0;
    double sxx = 0;
    double sy = 0;
    double sxy = 0;
    for (int j = from; j <= to; j++) {
      double x = j - xs;
      double w = tricube[Math.abs(j - at)];
      if (useWeights) {
        w *= rw[j];
      }
      double wy = w * y[j];
      sw += w;
      sx += w * x;
      sxx += w * x * x;
      sy += wy;
      sxy += wy * x;
    }
    if (sw <= 0) {
      return Double.NaN;
    }
    double mean = sx / sw; // weighted mean position (relative to xs)
    double fit = sy / sw;
    if (h > 0 && degree > 0) {
      double c = sxx / sw - mean * mean; // weighted variance of the positions
      // stl.f falls back to the local mean when the positions are nearly all the same.
      if (Math.sqrt(c) > 0.001 * range) {
        double b = -mean / c; // (xs - weighted mean) / variance, with xs at 0
        fit += b * (sxy / sw - mean * fit);
      }
    }
    return fit;
  }

  /**
   * The tricube weights {@code (1 - (r/h)^3)^3} of the distances r = 0, 1, ... up to 0.999 h (1
   * below 0.001 h), the arithmetic of stl.f's {@code est}, so a cached weight is the very double
   * the fit would have computed.
   */
  private double[] tricube(double h) {
    int radius = (int) h; // positions and spans are integers, so h is one
    if (radius >= tricubeByRadius.length) {
      tricubeByRadius = Arrays.copyOf(tricubeByRadius, Math.max(radius + 1, 2 * tricubeByRadius.length));
    }
    double[] row = tricubeByRadius[radius];
    if (row == null) {
      double h9 = 0.999 * h;
      double h1 = 0.001 * h;
      int reach = 0;
      while (reach + 1 <= h9) {
        reach++;
      }
      row = new double[reach + 1];
      for (int r = 0; r <= reach; r++) {
        if (r <= h1) {
          row[r] = 1.0;
        } else {
          double q = r / h;
          double t = 1.0 - q * q * q;
          row[r] = t * t * t;
        }
      }
      tricubeByRadius[radius] = row;
    }
    return row;
  }
  /** stl.f's {@code ma}: moving average of length {@code len}; writes {@code n - len + 1} values. */
  private static void movingAverage(double[] x, int n, int len, double[] out) {
    double sum = 0;
    for (int i = 0; i < len; i++) {
      sum += x[i];
    }
    out[0] = sum / len;
    for (int j = 1, newN = n - len + 1; j < newN; j++) {
      sum += x[j + len - 1] - x[j - 1];
      out[j] = sum / len;
    }
  }

  /**
   * stl.f's {@code rwts}: bisquare weights {@code (1 - (r/h)^2)^2} of the absolute remainder
   * {@code r = |y - fit|} with {@code h = 6 * median(r)}; 1 below {@code 0.001 h}, 0 above
   * {@code 0.999 h}. Writes {@link #weights}.
   */
  private void robustnessWeights(double[] y, double[] fit, int n) {
    for (int i = 0; i < n; i++) {
      selectScratch[i] = Math.abs(y[i] - fit[i]);
    }
    // stl.f's h = 3 * (sum of the two middle order statistics) is 6 * median; the shared
    // selection works in place on the scratch copy, so nothing is allocated.
    double cmad = 6.0 * Selection.median(selectScratch, n);
    double c9 = 0.999 * cmad;
    double c1 = 0.001 * cmad;
    for (int i = 0; i < n; i++) {
      double r = Math.abs(y[i] - fit[i]);
      if (r <= c1) {
        weights[i] = 1.0;
      } else if (r <= c9) {
        double u = r / cmad;
        double t = 1.0 - u * u;
        weights[i] = t * t;
      } else {
        weights[i] = 0.0;
      }
    }
  }

  /** Seasonal component; valid in {@code [0, length())}, overwritten by the next call. */
  public double[] seasonal() {
    return seasonal;
  }

  /** Trend component; valid in {@code [0, length())}, overwritten by the next call. */
  public double[] trend() {
    return trend;
  }

  /** {@code y - seasonal - trend}; valid in {@code [0, length())}, overwritten by the next call. */
  public double[] residual() {
    return residual;
  }

  /**
   * Robustness weights in [0, 1] used by the final pass (near 0 marks a point treated as an
   * outlier); all 1 without outer iterations. Valid in {@code [0, length())}.
   */
  public double[] weights() {
    return weights;
  }

  /** Number of points of the last {@link #decompose(double[], int)}, 0 before the first. */
  public int length() {
    return length;
  }

  /** Period np; 0 in non-seasonal mode. */
  public int period() {
    return period;
  }

  /** Whether this instance extracts a seasonal component (period at least 2). */
  public boolean isSeasonal() {
    return period >= 2;
  }

  /** Largest n accepted by {@link #decompose(double[], int)}; sizes the work arrays. */
  public int maxLength() {
    return maxLength;
  }

  /** Seasonal (cycle-subseries) LOESS span ns, in periods; 0 in non-seasonal mode. */
  public int seasonalSpan() {
    return seasonalSpan;
  }

  /** Trend LOESS span nt, in points. */
  public int trendSpan() {
    return trendSpan;
  }

  /** Low-pass LOESS span nl, in points; 0 in non-seasonal mode. */
  public int lowPassSpan() {
    return lowPassSpan;
  }

  /** Seasonal LOESS degree (0 or 1); 0 in non-seasonal mode. */
  public int seasonalDegree() {
    return seasonalDegree;
  }

  /** Trend LOESS degree (0 or 1). */
  public int trendDegree() {
    return trendDegree;
  }

  /** Low-pass LOESS degree (0 or 1); 0 in non-seasonal mode. */
  public int lowPassDegree() {
    return lowPassDegree;
  }

  /** Seasonal LOESS evaluation step; 0 in non-seasonal mode. */
  public int seasonalJump() {
    return seasonalJump;
  }

  /** Trend LOESS evaluation step. */
  public int trendJump() {
    return trendJump;
  }

  /** Low-pass LOESS evaluation step; 0 in non-seasonal mode. */
  public int lowPassJump() {
    return lowPassJump;
  }

  /** Inner-loop iterations ni per outer pass. */
  public int innerIterations() {
    return innerIterations;
  }

  /** Outer robustness iterations no; 0 for non-robust STL. */
  public int outerIterations() {
    return outerIterations;
  }

  /** Whether robustness weights are computed (outer iterations above 0). */
  public boolean isRobust() {
    return outerIterations > 0;
  }

  /** The resolved parameters, for logging. */
  @Override
  public String toString() {
    if (!isSeasonal()) {
      return "Stl{nonSeasonal, maxLength=" + maxLength + ", trendSpan=" + trendSpan
          + ", trendDegree=" + trendDegree + ", trendJump=" + trendJump + ", robust="
          + isRobust() + ", innerIterations=" + innerIterations + ", outerIterations="
          + outerIterations + "}";
    }
    return "Stl{period=" + period + ", maxLength=" + maxLength + ", seasonalSpan=" + seasonalSpan
        + ", trendSpan=" + trendSpan + ", lowPassSpan=" + lowPassSpan + ", degrees(s,t,l)="
        + seasonalDegree + "," + trendDegree + "," + lowPassDegree + ", jumps(s,t,l)="
        + seasonalJump + "," + trendJump + "," + lowPassJump + ", robust=" + isRobust()
        + ", innerIterations=" + innerIterations + ", outerIterations=" + outerIterations + "}";
  }

  /** Smallest odd integer that is at least {@code x}. */
  static int nextOdd(double x) {
    int v = (int) Math.ceil(x);
    return v % 2 == 0 ? v + 1 : v;
  }

  /**
   * Builder for {@link Stl}. Unset parameters take the defaults of statsmodels' {@code STL}
   * and R's {@code stl}, as documented on each setter; {@link #build()} validates and throws
   * {@link IllegalArgumentException} naming the parameter and its value.
   */
  public static final class Builder {
    private static final int UNSET = Integer.MIN_VALUE;

    private int period = UNSET;
    private int maxLength = UNSET;
    private int seasonalSpan = DEFAULT_SEASONAL_SPAN;
    private int trendSpan = UNSET;
    private int lowPassSpan = UNSET;
    private int seasonalDegree = 1;
    private int trendDegree = 1;
    private int lowPassDegree = 1;
    private int seasonalJump = UNSET;
    private int trendJump = UNSET;
    private int lowPassJump = UNSET;
    private boolean robust = true;
    private int innerIterations = UNSET;
    private int outerIterations = UNSET;

    private Builder() {}

    /**
     * Period np in points (required). 0 or 1 selects the non-seasonal mode, in which the
     * seasonal and low-pass settings are ignored.
     */
    public Builder period(int period) {
      this.period = period;
      return this;
    }

    /** Selects the non-seasonal mode; the same as {@code period(0)}. */
    public Builder nonSeasonal() {
      return period(0);
    }

    /** Largest series length that will be decomposed (required); sizes the work arrays. */
    public Builder maxLength(int maxLength) {
      this.maxLength = maxLength;
      return this;
    }

    /** Seasonal LOESS span ns in periods, odd and at least 3; default 7 (7 or more advised). */
    public Builder seasonalSpan(int seasonalSpan) {
      this.seasonalSpan = seasonalSpan;
      return this;
    }

    /**
     * Trend LOESS span nt in points, odd and at least 3. Default in seasonal mode: the smallest
     * odd integer at least {@code 1.5 np / (1 - 1.5 / ns)} (the paper's rule, also R's and
     * statsmodels'). Default in non-seasonal mode: the smallest odd integer at least {@code
     * max(7, maxLength / 4)}, so the trend follows changes lasting a quarter of the window while
     * shorter bumps stay in the residual; it is fixed at build time so that every window, also
     * the short ones while a window fills, is smoothed alike in absolute time.
     */
    public Builder trendSpan(int trendSpan) {
      this.trendSpan = trendSpan;
      return this;
    }

    /** Low-pass LOESS span nl in points, odd and at least 3; default the smallest odd >= np. */
    public Builder lowPassSpan(int lowPassSpan) {
      this.lowPassSpan = lowPassSpan;
      return this;
    }

    /** Seasonal LOESS degree, 0 or 1; default 1 (statsmodels; R uses 0). */
    public Builder seasonalDegree(int degree) {
      this.seasonalDegree = degree;
      return this;
    }

    /** Trend LOESS degree, 0 or 1; default 1. */
    public Builder trendDegree(int degree) {
      this.trendDegree = degree;
      return this;
    }

    /** Low-pass LOESS degree, 0 or 1; default 1. */
    public Builder lowPassDegree(int degree) {
      this.lowPassDegree = degree;
      return this;
    }

    /** Seasonal LOESS evaluation step, at least 1; default {@code ceil(ns / 10)} as in R. */
    public Builder seasonalJump(int jump) {
      this.seasonalJump = jump;
      return this;
    }

    /** Trend LOESS evaluation step, at least 1; default {@code ceil(nt / 10)} as in R. */
    public Builder trendJump(int jump) {
      this.trendJump = jump;
      return this;
    }

    /** Low-pass LOESS evaluation step, at least 1; default {@code ceil(nl / 10)} as in R. */
    public Builder lowPassJump(int jump) {
      this.lowPassJump = jump;
      return this;
    }

    /** Sets all three evaluation steps; 1 evaluates LOESS at every point. */
    public Builder jumps(int jump) {
      return seasonalJump(jump).trendJump(jump).lowPassJump(jump);
    }

    /**
     * Whether to run the robustness iterations (default true). Robust: 1 inner and 15 outer
     * iterations unless set; non-robust: 5 inner and 0 outer unless set.
     */
    public Builder robust(boolean robust) {
      this.robust = robust;
      return this;
    }

    /** Inner-loop iterations ni, at least 1. */
    public Builder innerIterations(int iterations) {
      this.innerIterations = iterations;
      return this;
    }

    /** Outer robustness iterations no: at least 1 when robust, 0 when not. */
    public Builder outerIterations(int iterations) {
      this.outerIterations = iterations;
      return this;
    }

    /**
     * Validates the parameters, resolves the defaults and allocates the work arrays.
     *
     * @throws IllegalArgumentException naming the first invalid parameter and its value
     */
    public Stl build() {
      require(period != UNSET, "period is required");
      require(maxLength != UNSET, "maxLength is required");
      require(period >= 0, "period=" + period + " must be >= 0 (0 or 1: non-seasonal)");
      requireOddSpan("seasonalSpan", seasonalSpan);
      requireDegree("seasonalDegree", seasonalDegree);
      requireDegree("trendDegree", trendDegree);
      requireDegree("lowPassDegree", lowPassDegree);
      if (trendSpan != UNSET) {
        requireOddSpan("trendSpan", trendSpan);
      }
      if (lowPassSpan != UNSET) {
        requireOddSpan("lowPassSpan", lowPassSpan);
      }
      requireJump("seasonalJump", seasonalJump);
      requireJump("trendJump", trendJump);
      requireJump("lowPassJump", lowPassJump);
      int inner = innerIterations != UNSET ? innerIterations
          : robust ? DEFAULT_ROBUST_INNER_ITERATIONS : DEFAULT_NON_ROBUST_INNER_ITERATIONS;
      int outer = outerIterations != UNSET ? outerIterations
          : robust ? DEFAULT_ROBUST_OUTER_ITERATIONS : 0;
      require(inner >= 1, "innerIterations=" + inner + " must be >= 1");
      require(robust ? outer >= 1 : outer == 0, "outerIterations=" + outer + " must be "
          + (robust ? ">= 1 when robust" : "0 when robust=false"));

      boolean seasonalMode = period >= 2;
      if (seasonalMode) {
        require(maxLength >= 2 * period, "maxLength=" + maxLength
            + " must be >= 2 * period (period=" + period + ")");
        int nt = trendSpan != UNSET ? trendSpan
            : nextOdd(1.5 * period / (1.0 - 1.5 / seasonalSpan));
        int nl = lowPassSpan != UNSET ? lowPassSpan : nextOdd(period);
        return new Stl(this, period, seasonalSpan, nt, nl,
            resolveJump(seasonalJump, seasonalSpan), resolveJump(trendJump, nt),
            resolveJump(lowPassJump, nl), inner, outer);
      }
      require(maxLength >= 1, "maxLength=" + maxLength + " must be >= 1");
      int nt = trendSpan != UNSET ? trendSpan
          : nextOdd(Math.max(MIN_DEFAULT_NON_SEASONAL_TREND_SPAN, maxLength / 4.0));
      return new Stl(this, 0, 0, nt, 0, 0, resolveJump(trendJump, nt), 0, inner, outer);
    }

    private static int resolveJump(int jump, int span) {
      return jump != UNSET ? jump : (span + 9) / 10; // ceil(span / 10)
    }

    private static void requireOddSpan(String name, int span) {
      require(span >= 3 && span % 2 == 1, name + "=" + span + " must be odd and >= 3");
    }

    private static void requireDegree(String name, int degree) {
      require(degree == 0 || degree == 1, name + "=" + degree + " must be 0 or 1");
    }

    private static void requireJump(String name, int jump) {
      require(jump == UNSET || jump >= 1, name + "=" + jump + " must be >= 1");
    }

    private static void require(boolean condition, String message) {
      if (!condition) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
