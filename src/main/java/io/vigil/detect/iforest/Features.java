package io.vigil.detect.iforest;

import io.vigil.detect.Selection;

/**
 * The feature vector of one point, computed from the series' recent raw points in an
 * {@link IForestState}: the same function serves the point being scored and, at a fit, every
 * training row, so the model sees exactly what the scorer feeds it.
 *
 * <p>Per field, in this order: the value; its first difference (spikes and steps); its seasonal
 * difference against the value one period earlier (a value normal for the time of the season);
 * its deviation from the rolling median of the previous {@code rollingWindow} points in their
 * robust standard deviation ({@code max(1.4826 MAD, 0.25 RMS)}), and that rolling deviation
 * itself (bursts of volatility, which no single value reveals). Then, once per point: the hour
 * of day and the day of week (UTC) and the phase of the configured period, each as sin/cos so
 * midnight sits next to 23:00; a time feature is held constant until the training sample spans
 * its whole cycle (see {@link #timeFeatures}). Rows need
 * {@link IForestConfig#lookback()} earlier points; gaps are ignored (differences are between
 * consecutive points).
 */
final class Features {

    private static final double DAY = 86_400_000.0;
    /** Rolling deviations are clipped here: on a flat window any change would be infinite. */
    private static final double MAX_ROLLING_Z = 50.0;

    private final IForestConfig config;
    private final int perField;
    private final int fields;
    private final int dims;
    private final String[] names;
    private final double[] window;
    private final double[] held;
    /** Per field, the rolling median of the row last computed (when rolling features are on). */
    private final double[] center;
    /** Per field, the value one period before the row last computed (when a period is set). */
    private final double[] seasonAgo;

    Features(IForestConfig config, String[] fieldNames) {
        this.config = config;
        this.window = new double[config.rollingWindow()];
        this.held = new double[config.rollingWindow()];
        this.center = new double[fieldNames.length];
        this.seasonAgo = new double[fieldNames.length];
        this.fields = fieldNames.length;
        this.perField = 1 + (config.differences() ? 1 : 0) + (config.seasonalPeriod() > 0 ? 1 : 0)
                + (config.rollingWindow() > 0 ? 2 : 0);
        int global = (config.timeOfDay() ? 2 : 0) + (config.dayOfWeek() ? 2 : 0)
                + (config.seasonalPeriod() > 0 ? 2 : 0);
        this.dims = fields * perField + global;
        this.names = new String[dims];
        int i = 0;
        for (String f : fieldNames) {
            names[i++] = f;
            if (config.differences()) {
                names[i++] = f + " change";
            }
            if (config.seasonalPeriod() > 0) {
                names[i++] = f + " change over a season";
            }
            if (config.rollingWindow() > 0) {
                names[i++] = f + " vs rolling median";
                names[i++] = f + " rolling volatility";
            }
        }
        if (config.timeOfDay()) {
            names[i++] = "hour of day (sin)";
            names[i++] = "hour of day (cos)";
        }
        if (config.dayOfWeek()) {
            names[i++] = "day of week (sin)";
            names[i++] = "day of week (cos)";
        }
        if (config.seasonalPeriod() > 0) {
            names[i++] = "season phase (sin)";
            names[i++] = "season phase (cos)";
        }
    }

    int dims() {
        return dims;
    }

    /** Features per field; field {@code f}'s own features are {@code [f * perField, (f + 1) * perField)}. */
    int perField() {
        return perField;
    }

    /**
     * A typical value of field {@code f} for the row last computed, from the points before it:
     * the value one season earlier when a period is configured (a rolling median would lag a
     * cycle), else the rolling median, else NaN.
     */
    double typical(int f) {
        if (config.seasonalPeriod() > 0) {
            return seasonAgo[f];
        }
        return config.rollingWindow() > 0 ? center[f] : Double.NaN;
    }

    /** Index of field {@code f}'s value feature. */
    int valueIndex(int f) {
        return f * perField;
    }

    /** The field a feature belongs to, or -1 for a time feature. */
    int fieldOf(int feature) {
        return feature < fields * perField ? feature / perField : -1;
    }

    /**
     * The time features whose cycle a training sample of {@code rows} points spanning
     * {@code spanMillis} of event time does not yet cover.
     */
    int[] timeFeatures(long spanMillis, int rows) {
        int[] out = new int[6];
        int n = 0;
        int i = fields * perField;
        if (config.timeOfDay()) {
            if (spanMillis < DAY) {
                out[n++] = i;
                out[n++] = i + 1;
            }
            i += 2;
        }
        if (config.dayOfWeek()) {
            if (spanMillis < 7 * DAY) {
                out[n++] = i;
                out[n++] = i + 1;
            }
            i += 2;
        }
        if (config.seasonalPeriod() > 0 && rows < config.seasonalPeriod()) {
            out[n++] = i;
            out[n++] = i + 1;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    String name(int feature) {
        return names[feature];
    }

    /** Writes the features of row {@code r} (which needs its look-back held) into {@code out}. */
    void compute(IForestState s, long r, double[] out) {
        row(s, r, out, null);
    }

    /**
     * The features of rows {@code [first, first + out.length)} into {@code out}, equal to
     * {@link #compute} row by row (up to the sign of a zero median). A fit needs a whole training
     * sample of rows; instead of two selections per row and field, each field's rolling window
     * is kept sorted as it slides (one value out, one in) and the median and MAD are read from it.
     */
    void computeRows(IForestState s, long first, double[][] out) {
        int w = config.rollingWindow();
        if (w == 0 || out.length == 0) {
            for (int i = 0; i < out.length; i++) {
                row(s, first + i, out[i], null);
            }
            return;
        }
        double[][] sorted = new double[fields][w];
        for (int f = 0; f < fields; f++) {
            for (int k = 0; k < w; k++) {
                sorted[f][k] = s.value(first - w + k, f);
            }
            java.util.Arrays.sort(sorted[f]);
        }
        for (int i = 0; i < out.length; i++) {
            long r = first + i;
            if (i > 0) {
                for (int f = 0; f < fields; f++) {
                    slide(sorted[f], s.value(r - 1 - w, f), s.value(r - 1, f));
                }
            }
            row(s, r, out[i], sorted);
        }
    }

    /** Replaces one occurrence of {@code out} in the sorted array {@code a} by {@code in}, keeping it sorted. */
    private static void slide(double[] a, double out, double in) {
        int n = a.length;
        int at = -1;
        long bits = Double.doubleToLongBits(out);
        for (int k = 0; k < n; k++) {
            if (Double.doubleToLongBits(a[k]) == bits) {
                at = k;
                break;
            }
        }
        if (at < 0) { // not expected (the window held it); stay correct regardless
            a[0] = in;
            java.util.Arrays.sort(a);
            return;
        }
        // move the hole at `at` to where `in` belongs, shifting the values between
        while (at > 0 && Double.compare(a[at - 1], in) > 0) {
            a[at] = a[at - 1];
            at--;
        }
        while (at < n - 1 && Double.compare(a[at + 1], in) < 0) {
            a[at] = a[at + 1];
            at++;
        }
        a[at] = in;
    }

    /** The median of a sorted array, as {@link Selection#median} computes it. */
    private static double sortedMedian(double[] a) {
        int n = a.length;
        int mid = n >>> 1;
        return (n & 1) == 1 ? a[mid] : 0.5 * (a[mid - 1] + a[mid]);
    }

    /**
     * The median of {@code |a[k] - med|} over a sorted array {@code a} (as {@link Selection#median}
     * computes it): the deviations fall to the left of the median and rise to its right, so the
     * two sides merge in order from the middle out.
     */
    private static double sortedDeviationMedian(double[] a, double med) {
        int n = a.length;
        int mid = n >>> 1;
        int right = 0;
        while (right < n && a[right] < med) {
            right++;
        }
        int left = right - 1;
        double previous = 0;
        double current = 0;
        for (int k = 0; k <= mid; k++) {
            double dl = left >= 0 ? Math.abs(a[left] - med) : Double.POSITIVE_INFINITY;
            double dr = right < n ? Math.abs(a[right] - med) : Double.POSITIVE_INFINITY;
            previous = current;
            if (dl <= dr) {
                current = dl;
                left--;
            } else {
                current = dr;
                right++;
            }
        }
        return (n & 1) == 1 ? current : 0.5 * (previous + current);
    }

    /**
     * The features of row {@code r}; {@code sorted}, when given, holds each field's rolling
     * window (the {@code rollingWindow} values before r) in ascending order.
     */
    private void row(IForestState s, long r, double[] out, double[][] sorted) {
        int i = 0;
        int period = config.seasonalPeriod();
        int w = config.rollingWindow();
        // slots are found once per row: a long modulo per value read cost more than the features
        double[] v = s.values;
        int cap = s.ts.length;
        int slot = s.slot(r);
        int prev = slot == 0 ? cap - 1 : slot - 1;
        int seasonSlot = period > 0 ? s.slot(r - period) : 0;
        int windowStart = w > 0 ? s.slot(r - w) : 0;
        for (int f = 0; f < fields; f++) {
            double x = v[slot * fields + f];
            out[i++] = x;
            if (config.differences()) {
                out[i++] = x - v[prev * fields + f];
            }
            if (period > 0) {
                seasonAgo[f] = v[seasonSlot * fields + f];
                out[i++] = x - seasonAgo[f];
            }
            if (w > 0) {
                // robust centre and scale (median, MAD), so one spike does not disturb the rolling
                // features of the w points after it — they would look odd too and, in the training
                // sample, mask the next spike; the RMS floor keeps quantized windows (MAD 0) finite
                for (int k = 0, at = windowStart; k < w; k++, at = at + 1 == cap ? 0 : at + 1) {
                    window[k] = v[at * fields + f];
                    held[k] = window[k];
                }
                double med = sorted != null ? sortedMedian(sorted[f]) : Selection.median(window, w);
                center[f] = med;
                double ss = 0;
                for (int k = 0; k < w; k++) {
                    double e = held[k] - med;
                    window[k] = Math.abs(e);
                    ss += e * e; // in time order, whichever way the median was found: same sum
                }
                double mad = sorted != null ? sortedDeviationMedian(sorted[f], med) : Selection.median(window, w);
                double sd = Math.max(1.4826 * mad, 0.25 * Math.sqrt(ss / w));
                double z = (x - med) / Math.max(sd, 1e-9 * Math.max(1.0, Math.abs(med)));
                out[i++] = Math.max(-MAX_ROLLING_Z, Math.min(MAX_ROLLING_Z, z));
                out[i++] = sd;
            }
        }
        long t = s.ts(r);
        if (config.timeOfDay()) {
            double a = 2 * Math.PI * (Math.floorMod(t, (long) DAY) / DAY);
            out[i++] = Math.sin(a);
            out[i++] = Math.cos(a);
        }
        if (config.dayOfWeek()) {
            // 1970-01-01 was a Thursday; the fraction of the day keeps the phase continuous
            double days = Math.floorMod(t, 7 * (long) DAY) / DAY;
            double a = 2 * Math.PI * days / 7.0;
            out[i++] = Math.sin(a);
            out[i++] = Math.cos(a);
        }
        if (period > 0) {
            double a = 2 * Math.PI * Math.floorMod(r, (long) period) / period;
            out[i++] = Math.sin(a);
            out[i++] = Math.cos(a);
        }
    }
}
