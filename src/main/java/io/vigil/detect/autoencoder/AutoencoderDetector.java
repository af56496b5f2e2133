package io.vigil.detect.autoencoder;

import io.vigil.detect.RetrainClock;
import io.vigil.detect.PointDetector;
import io.vigil.detect.PointVerdict;
import io.vigil.detect.TailCalibrator;
import io.vigil.detect.Verdict;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The autoencoder detector: a small dense autoencoder ({@link DenseAutoencoder}) trained per
 * series on a bounded sliding sample, a point judged by how badly the model reconstructs it.
 *
 * <p><b>Inputs.</b> A multivariate point is one vector of its fields. A univariate series is judged
 * by sliding windows of its last {@code window} values, the newest window being the vector judged.
 * Inputs are standardized with the mean and standard deviation of the training sample (per field;
 * pooled over the positions of a window, which are exchangeable). Windows keep their level:
 * subtracting each window's mean (so the network learns shapes only) scored NAB standard 10.8
 * against 15.5 without, on the 18 NAB files here (window 32), because many of their anomalies
 * are levels the series never had.
 *
 * <p><b>Score.</b> The per-input squared standardized reconstruction errors are each field's
 * {@code contribution}; their root mean square, divided by the root mean square over the training
 * sample, is the magnitude ("times the typical training error"). The magnitude is ranked by a
 * {@link TailCalibrator} of {@code calibrationWindow} magnitudes — empirical below its 90th
 * percentile, an exponential tail fitted to the excesses above it (peaks over threshold) — so the
 * score is a calibrated tail probability in [0,1], comparable with STL's and across series. The
 * calibration sample starts as the first model's training errors and then takes each scored
 * point's error (after scoring it, and only if it joins the training sample, see below): errors
 * measured on the points a network was fitted to are optimistic, and ranking new points against
 * them alone fired several times too often on the test series; errors of points the model had not
 * seen are the distribution a new point's error belongs to. Magnitudes of successive models share
 * their unit (each model's typical training error), so retraining keeps the calibration.
 * {@code expected} is the reconstruction in original units (for a window, of its newest value).
 * A window is scored by the root mean square over all its positions: on the 18 NAB files here
 * (window 32) that scored NAB standard 26.2, against 18.3 for the window's largest error and 0.0
 * for an even blend with the newest position's error, whose reconstruction at the window's edge is
 * noisy. The price: one spiked value is diluted by the square root of the window, so a spike must
 * stand out by several noise scales per {@code sqrt(window)} to fire at once; until it fires it
 * keeps raising the scores of the windows it is in.
 *
 * <p><b>Threshold.</b> {@code contamination: c} cuts at score 1 − c: the (1 − c) quantile of the
 * calibration errors, PyOD's meaning. {@code auto} cuts at 0.999 on the same score, i.e. where the
 * fitted exponential tail gives one in a thousand: it needs no guess of the anomaly rate, it
 * extrapolates beyond the largest error seen (an empirical 0.999 quantile of 1,000 errors is their
 * maximum, one unlucky point), and it is the rarity STL cuts at by default, so combining detectors
 * by their largest score compares like with like.
 *
 * <p><b>Training.</b> The first model is trained as soon as the sample holds {@code minSample}
 * vectors (no verdict before: the cold start); then every {@code retrainEvery} points, or when
 * {@code retrainInterval} of event time has passed, on the sample as it is then, warm-started from
 * the previous weights. A point is scored before it joins the sample, so a score depends only on
 * earlier points. Retraining runs synchronously inside {@link #update}: the Flink operator is
 * single-threaded per key, and a background training would make which model scores which point
 * depend on thread timing, so a backtest would no longer predict the deployed job and a restore
 * from a checkpoint would not replay the same verdicts (exactly-once). Its cost is bounded by
 * {@code sampleSize}, {@code maxEpochs} and early stopping, and amortized over
 * {@code retrainEvery} points. Every training draws its random numbers from
 * {@code seed} and the model version only: the same points give the same models and verdicts.
 *
 * <p><b>Anomalies stay out of the sample.</b> A point flagged anomalous does not join the
 * training sample (for a univariate series, its value is replaced in the ring by the
 * reconstruction, so later windows and trainings see the corrected value and a spike does not
 * keep firing while it slides through the window) — unless the last {@value #REGIME_RUN} points
 * were all anomalous: a changed series must be learned, not flagged forever.
 *
 * <p><b>Gaps.</b> A univariate series whose timestamps jump by more than {@code window} sampling
 * intervals (median of the last nine) restarts its window and sample (the model is kept): a window
 * across such a gap would join values that never followed each other. Shorter gaps and jitter are
 * ignored. A multivariate point is judged on its own, whatever its timestamp.
 *
 * <p><b>Schema.</b> The fields of a multivariate series are matched by name; a point with the same
 * fields in another order is reordered. A point with other fields gets no verdict and leaves the
 * state as it was (a sensor that skipped one reading must not cost the series its model), unless
 * {@value #REGIME_RUN} points in a row did not match: then the series has a new schema, and the
 * detector restarts on it (sample and model), since the model's inputs no longer exist.
 *
 * <p><b>Per point</b>: one forward pass on preallocated work arrays (no allocation); the verdict
 * itself (a record and two arrays of the point's width) is the only allocation, and explanations
 * are built only for anomalies.
 *
 * <p>Instances hold configuration, per-shape networks (layer sizes and work arrays, never weights)
 * and scratch arrays; all per-series memory is the {@link AutoencoderState}. Not thread-safe.
 */
public final class AutoencoderDetector implements PointDetector<AutoencoderState> {

    /** The detector's name in outputs and the job spec. */
    public static final String NAME = "autoencoder";

    /** Smallest standard deviation, relative to 1 + |mean|: a constant input standardizes to 0. */
    private static final double MIN_STD = 1e-9;

    /** Smallest typical training error (standardized units): a perfect fit must not blow up noise. */
    private static final double MIN_ERROR_SCALE = 1e-3;

    private static final int EXPLAIN_TOP = 3;

    /**
     * Anomalies are kept out of the training sample — an autoencoder with spare capacity learns to
     * reconstruct an anomaly it was trained on, and the next one like it passes — but only until
     * this many points in a row were anomalous: then the series has changed, and the new regime
     * must enter the sample so the next model learns it.
     */
    static final int REGIME_RUN = 16;

    private final AutoencoderConfig config;
    private final Map<Integer, DenseAutoencoder> networks = new HashMap<>();
    private final long[] deltaWork = new long[AutoencoderState.DELTAS];
    private double[] raw = new double[0];
    private double[] x = new double[0];
    private double[] data = new double[0];
    private int[] perm = new int[0];

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

    public AutoencoderDetector(AutoencoderConfig config) {
        this.config = config;
    }

    public AutoencoderConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<AutoencoderState> stateType() {
        return AutoencoderState.class;
    }

    @Override
    public AutoencoderState newState() {
        return new AutoencoderState();
    }

    @Override
    public PointVerdict update(AutoencoderState s, long ts, String[] fields, double[] values) {
        s.points++;
        if (!schema(s, fields)) {
            if (s.fields != null && ++s.schemaMisses < REGIME_RUN) {
                return PointVerdict.COLD; // a point without the model's fields: skipped, the model kept
            }
            s.reset(fields);
            for (int j = 0; j < fields.length; j++) {
                perm[j] = j;
            }
        }
        s.schemaMisses = 0;
        int n = s.univariate() ? config.window() : s.stride;
        int capacity = s.univariate() ? config.sampleSize() + config.window() - 1 : config.sampleSize() * s.stride;
        if (s.capacity != capacity) {
            s.resize(capacity);
        }
        ensureScratch(n);
        PointVerdict verdict = PointVerdict.COLD;
        if (s.univariate()) {
            gap(s, ts);
            s.push(values[0]);
            if (s.size >= n) {
                for (int j = 0; j < n; j++) {
                    raw[j] = s.back(n - 1 - j);
                }
                if (s.modelVersion > 0) {
                    verdict = score(s, n, fields);
                    if (verdict.anomaly() && s.flaggedRun < REGIME_RUN) {
                        s.replaceNewest(verdict.expected()[0]);
                    }
                }
            }
        } else {
            for (int j = 0; j < n; j++) {
                raw[j] = values[perm[j]];
            }
            if (s.modelVersion > 0) {
                verdict = score(s, n, fields);
            }
            if (!verdict.anomaly() || s.flaggedRun >= REGIME_RUN) {
                for (int j = 0; j < n; j++) {
                    s.push(raw[j]);
                }
            }
        }
        s.flaggedRun = verdict.anomaly() ? Math.min(s.flaggedRun + 1, REGIME_RUN) : 0;
        s.sinceTrain++;
        if (due(s, ts)) {
            train(s, ts);
        }
        return verdict;
    }

    /**
     * Whether the point's fields are the state's (after which {@link #perm} maps the state's input
     * order to the point's); false when the state must restart for a new schema.
     */
    private boolean schema(AutoencoderState s, String[] fields) {
        if (perm.length < fields.length) {
            perm = new int[fields.length];
        }
        if (s.fields == null || s.fields.length != fields.length) {
            return false;
        }
        for (int j = 0; j < fields.length; j++) {
            int at = -1;
            if (s.fields[j].equals(fields[j])) {
                at = j;
            } else {
                for (int i = 0; i < fields.length; i++) {
                    if (s.fields[j].equals(fields[i])) {
                        at = i;
                        break;
                    }
                }
            }
            if (at < 0) {
                return false;
            }
            perm[j] = at;
        }
        return true;
    }

    private void gap(AutoencoderState s, long ts) {
        if (s.lastTs != Long.MIN_VALUE) {
            long delta = ts - s.lastTs;
            if (delta > 0) {
                long interval = s.interval(deltaWork);
                if (interval > 0 && delta > (long) config.window() * interval && s.size > 0) {
                    s.clearSample();
                    s.restarts++;
                } else {
                    s.addDelta(delta);
                }
            }
        }
        s.lastTs = Math.max(ts, s.lastTs);
    }

    private boolean due(AutoencoderState s, long ts) {
        if (s.rows(config.window()) < config.minSample()) {
            return false;
        }
        if (s.modelVersion == 0 || s.sinceTrain >= config.retrainEvery()) {
            return true;
        }
        return config.retrainIntervalMillis() > 0 && s.lastTrainTs != Long.MIN_VALUE
                && ts - s.lastTrainTs >= config.retrainIntervalMillis();
    }

    private PointVerdict score(AutoencoderState s, int n, String[] fields) {
        for (int j = 0; j < n; j++) {
            x[j] = (raw[j] - s.mean[j]) / s.std[j];
        }
        double[] out = network(n).reconstruct(s.params, x);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double e = out[j] - x[j];
            sum += e * e;
        }
        double magnitude = Math.sqrt(sum / n) / s.errorScale;
        double score = 1.0 - s.calibrator.tailProbability(magnitude, 1, config.tailFraction());
        boolean anomaly = score >= config.threshold();
        if (!anomaly || s.flaggedRun >= REGIME_RUN) {
            s.calibrator.add(magnitude); // after scoring: a score depends only on earlier points
        }
        double[] expected;
        double[] contribution;
        if (s.univariate()) {
            expected = new double[] {out[n - 1] * s.std[n - 1] + s.mean[n - 1]};
            contribution = new double[] {sum};
        } else {
            expected = new double[n];
            contribution = new double[n];
            for (int j = 0; j < n; j++) {
                double e = out[j] - x[j];
                expected[perm[j]] = out[j] * s.std[j] + s.mean[j];
                contribution[perm[j]] = e * e;
            }
        }
        String explanation = anomaly ? explain(s, n, out, magnitude, fields) : "";
        return new PointVerdict(true, score, anomaly, magnitude, expected, contribution, explanation);
    }

    /** Names the inputs with the largest reconstruction errors (only for anomalies: it allocates). */
    private String explain(AutoencoderState s, int n, double[] out, double magnitude, String[] fields) {
        Integer[] idx = new Integer[n];
        double[] err = new double[n];
        for (int j = 0; j < n; j++) {
            idx[j] = j;
            err[j] = (out[j] - x[j]) * (out[j] - x[j]);
        }
        Arrays.sort(idx, (a, b) -> Double.compare(err[b], err[a]));
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "autoencoder: reconstruction error %.1fx the training typical (model v%d); largest ",
                magnitude, s.modelVersion));
        for (int k = 0; k < Math.min(EXPLAIN_TOP, n); k++) {
            int j = idx[k];
            if (k > 0) {
                sb.append(", ");
            }
            String name = s.univariate() ? "t-" + (n - 1 - j) : fields[perm[j]];
            sb.append(name).append(" (").append(Verdict.format(raw[j])).append(" vs ")
                    .append(Verdict.format(out[j] * s.std[j] + s.mean[j])).append(" reconstructed)");
        }
        return sb.toString();
    }

    /** Trains a new model on the sample: standardize, fit, measure the training errors. */
    /** Trains the model, counted and timed for the {@code detector.<name>.retrain*} metrics. */
    private void train(AutoencoderState s, long ts) {
        retrainClock.time(() -> trainUntimed(s, ts));
    }

    private void trainUntimed(AutoencoderState s, long ts) {
        int w = config.window();
        int n = s.univariate() ? w : s.stride;
        int rows = s.rows(w);
        if (data.length < rows * n) {
            data = new double[rows * n];
        }
        double[] mean = new double[n];
        double[] std = new double[n];
        for (int r = 0; r < rows; r++) {
            int at = r * n;
            if (s.univariate()) {
                for (int j = 0; j < n; j++) {
                    data[at + j] = s.at(r + j);
                }
            } else {
                for (int j = 0; j < n; j++) {
                    data[at + j] = s.at(at + j);
                }
            }
        }
        standardization(rows, n, s.univariate(), mean, std);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                data[r * n + j] = (data[r * n + j] - mean[j]) / std[j];
            }
        }
        int[] sizes = DenseAutoencoder.layerSizes(n, config.hidden());
        DenseAutoencoder net = network(n);
        int version = s.modelVersion + 1;
        SplittableRandom rnd = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + version);
        double[] params;
        if (config.warmStart() && Arrays.equals(s.sizes, sizes)) {
            params = s.params.clone();
        } else {
            params = new double[net.paramCount()];
            net.initialize(params, rnd);
        }
        DenseAutoencoder.Training t = net.train(params, data, rows, config, rnd);
        double[] mse = new double[rows];
        double total = 0;
        for (int r = 0; r < rows; r++) {
            mse[r] = net.rowLoss(params, data, r);
            total += mse[r];
        }
        double scale = Math.max(MIN_ERROR_SCALE, Math.sqrt(total / rows));
        TailCalibrator calibrator = s.calibrator;
        if (calibrator == null) {
            calibrator = new TailCalibrator(config.calibrationWindow());
            for (int r = 0; r < rows; r++) {
                calibrator.add(Math.sqrt(mse[r]) / scale);
            }
        }
        s.modelVersion = version;
        s.sizes = sizes;
        s.params = params;
        s.mean = mean;
        s.std = std;
        s.errorScale = scale;
        s.calibrator = calibrator;
        s.lastEpochs = t.epochs();
        s.lastTrainLoss = t.trainLoss();
        s.lastValidationLoss = t.validationLoss();
        s.sinceTrain = 0;
        s.lastTrainTs = ts;
    }

    /** Mean and standard deviation per input over the first {@code rows} rows of {@link #data}. */
    private void standardization(int rows, int n, boolean pooled, double[] mean, double[] std) {
        for (int j = 0; j < n; j++) {
            double m = 0;
            for (int r = 0; r < rows; r++) {
                m += data[r * n + j];
            }
            mean[j] = m / rows;
        }
        if (pooled) {
            double m = mean(mean, 0, n);
            Arrays.fill(mean, m);
        }
        for (int j = 0; j < n; j++) {
            double v = 0;
            for (int r = 0; r < rows; r++) {
                double d = data[r * n + j] - mean[j];
                v += d * d;
            }
            std[j] = v / rows;
        }
        if (pooled) {
            double v = mean(std, 0, n);
            Arrays.fill(std, v);
        }
        for (int j = 0; j < n; j++) {
            std[j] = Math.max(Math.sqrt(std[j]), MIN_STD * (1 + Math.abs(mean[j])));
        }
    }

    private static double mean(double[] a, int from, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += a[from + j];
        }
        return s / n;
    }

    private DenseAutoencoder network(int n) {
        DenseAutoencoder net = networks.get(n);
        if (net == null) {
            net = new DenseAutoencoder(DenseAutoencoder.layerSizes(n, config.hidden()), config.activation());
            networks.put(n, net);
        }
        return net;
    }

    private void ensureScratch(int n) {
        if (raw.length < n) {
            raw = new double[n];
            x = new double[n];
        }
    }
}
