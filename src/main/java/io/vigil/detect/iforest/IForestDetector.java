package io.vigil.detect.iforest;

import io.vigil.detect.RetrainClock;
import io.vigil.detect.PointDetector;
import io.vigil.detect.PointVerdict;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Isolation Forest detector: each point of a series — all its fields, with features from the
 * series' recent past ({@link Features}) — is scored by an isolation forest trained on a sliding
 * sample of the series' own recent feature vectors and retrained periodically.
 *
 * <p><b>Per point.</b> The point joins the state's ring; its feature vector is standardized with
 * the current model's training statistics and scored by the forest ({@link Forest}, range-aware
 * path length), then calibrated against the out-of-bag scores of the training rows
 * ({@link FittedModel}) into a score in [0,1] comparable with the other detectors. The threshold
 * is {@link IForestConfig#threshold()} ({@code contamination}, or the contamination-free
 * {@code auto} cut). With several fields, each field's contribution is the isolation credit of its
 * own features (value, change, …); a univariate point's one contribution is its raw score, and the
 * credit is computed only for an anomaly's explanation (it costs a second walk). The explanation names the features that isolated the point and how many standard
 * deviations off they were. {@code expected} is a typical value of the field from the points
 * before: the value one season earlier when {@code seasonalPeriod} is set, else the rolling median
 * of the previous {@code rollingWindow} points, else the training mean — the nearest normal value
 * for a spike, not a forecast (an isolation forest has none).
 *
 * <p><b>Training sample and retraining.</b> The model is trained on the feature vectors of the
 * last {@code sampleSize} points before the point that triggers the fit (the point itself is
 * scored by the new model, never trained on first). Anomalies stay in the sample: the forest's
 * subsampling tolerates a few, and a level shift must become the new normal. Fits happen when due:
 * the first once {@code minSample} complete feature vectors exist (cold start: no verdict before
 * it); while the sample is still growing, whenever it has grown by half (64, 96, 144, … rows),
 * so early models do not stay naive; then every {@code retrainEvery} points, or earlier once
 * {@code retrainInterval} of event time has passed since the last fit. The seed of fit k is a
 * hash of the job's seed and k, so the whole sequence of models is reproducible.
 *
 * <p><b>Retraining is synchronous</b>, inside {@link #update}, on the operator's thread. The
 * operator handles one key at a time in event-time order; fitting on another thread would make
 * which model scores which point depend on thread timing, so a backtest would no longer predict
 * the deployed job and a replay after a failure (exactly-once) could publish different anomalies.
 * The cost (JMH on a shared 2-core machine, univariate at the defaults: about 6.5 ms per fit — the
 * out-of-bag pass over the whole sample that finds the rows to mask, the calibration pass over the
 * newest rows, growing the trees; see {@link #build}) is amortized over the {@code retrainEvery}
 * points between fits: about 17 µs per point at the default 512, 28 µs at 256 (2026-12; RCF
 * raw100 about 50 µs in the same run). Retraining every 512 rather than 256 points costs about 2
 * points of NAB standard score (mean over 12 seeds 35.0 → 32.8), the price of a 20 µs budget; a
 * job that can afford the time sets 256.
 *
 * <p><b>Model and state.</b> The fitted forest (about 280 KB of heap at the defaults) is not state: the
 * state keeps the raw points from which the training rows are recomputed, the standardization,
 * the seed and the model version, and a 128-bit content hash of them ({@link IForestState}). This
 * instance keeps an
 * LRU cache of fitted models keyed by that hash; on a miss (after a restore, or eviction when more
 * series than {@code modelCache} are active) the model is rebuilt from the state, which yields the
 * identical forest. Nothing is deserialized per event.
 *
 * <p>A change in a series' field set starts the series over (cold start). Instances hold
 * configuration, scratch arrays and the model cache; not thread-safe.
 */
public final class IForestDetector implements PointDetector<IForestState> {

    /** The detector's name in outputs and the job spec. */
    public static final String NAME = "iforest";

    /**
     * The newest training rows whose out-of-bag scores calibrate the model: enough for the tail
     * fit (100 values above the 90th percentile), and it bounds the scoring cost of a fit.
     */
    static final int CALIBRATION_ROWS = 1024;

    private final IForestConfig config;
    private final int capacity;
    private final Map<Key, FittedModel> cache;
    private Features features;
    private String[] featureFields = new String[0];
    private double[] x = new double[0];
    private double[] credit = new double[0];
    /** The model of the last point scored: most points of a series come in runs. */
    private Key lastKey;
    private FittedModel lastModel;
    long fits;
    long rebuilds;

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

    public IForestDetector(IForestConfig config) {
        this.config = config;
        this.capacity = config.sampleSize() + config.retrainEvery() + config.lookback() + 1;
        int max = config.modelCache();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, FittedModel> eldest) {
                return size() > max;
            }
        };
    }

    public IForestConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<IForestState> stateType() {
        return IForestState.class;
    }

    @Override
    public IForestState newState() {
        return new IForestState(capacity);
    }

    /** Models in the cache. */
    public int cachedModels() {
        return cache.size();
    }

    /** Approximate heap bytes of the cached models (what {@code modelCache} bounds). */
    public long cachedModelBytes() {
        long sum = 0;
        for (FittedModel m : cache.values()) {
            sum += m.bytes();
        }
        return sum;
    }

    @Override
    public PointVerdict update(IForestState s, long ts, String[] fields, double[] values) {
        if (!Arrays.equals(s.fields, fields)) {
            s.reset(fields);
        }
        if (s.capacity != capacity) {
            // the config changed since this state was written: keep the points, retrain when due
            s.resize(capacity);
            s.clearModel();
        }
        Features feats = featuresFor(fields);
        if (s.hasModel() && s.mean.length != feats.dims()) {
            s.clearModel(); // the feature set changed with the config: retrain when due
        }
        s.push(ts, values);
        long newest = s.pushed - 1;
        long lookback = config.lookback();
        if (newest < lookback) {
            return PointVerdict.COLD;
        }
        long usable = newest - lookback; // complete feature rows before the newest point
        if (due(s, newest, ts, usable)) {
            fit(s, feats, newest, ts, usable);
        }
        if (!s.hasModel()) {
            return PointVerdict.COLD;
        }
        return score(s, feats, newest);
    }

    private boolean due(IForestState s, long newest, long ts, long usable) {
        if (!s.hasModel()) {
            return usable >= config.minSample();
        }
        long since = newest - s.fitEnd;
        if (since >= config.retrainEvery()) {
            return true; // also keeps the training rows inside the ring
        }
        if (config.retrainIntervalMillis() > 0 && ts - s.fitTs >= config.retrainIntervalMillis()) {
            return true;
        }
        // warm-up: refit each time the growing sample has grown by half (64, 96, 144, … rows), so
        // a young model is never older than half its own sample — on a slow series (monthly
        // data) retrainEvery points can be years
        return s.fitRows < config.sampleSize() && usable >= s.fitRows + s.fitRows / 2;
    }

    private void fit(IForestState s, Features feats, long newest, long ts, long usable) {
        int rows = (int) Math.min(config.sampleSize(), usable);
        s.modelVersion++;
        s.fitEnd = newest;
        s.fitRows = rows;
        s.fitTs = ts;
        s.fitSeed = config.seed();
        double[][] raw = trainingRows(s, feats);
        int d = feats.dims();
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] r : raw) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows;
        }
        for (double[] r : raw) {
            for (int j = 0; j < d; j++) {
                double e = r[j] - mean[j];
                scale[j] += e * e;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / rows);
            // a constant feature keeps unit scale: the forest cannot split on it anyway
            scale[j] = sd > 1e-12 * Math.max(1.0, Math.abs(mean[j])) ? sd : 1.0;
        }
        // A time feature enters the model only once the sample spans its whole cycle: before, a
        // phase the sample has not seen (tonight, for a model fitted this afternoon) would isolate
        // every new point by its time alone. An infinite scale standardizes it to a constant 0,
        // on which the forest never splits.
        long span = s.ts(newest - 1) - s.ts(newest - rows);
        for (int j : feats.timeFeatures(span, rows)) {
            mean[j] = 0.0;
            scale[j] = Double.POSITIVE_INFINITY;
        }
        s.mean = mean;
        s.scale = scale;
        long[] key = contentKey(s, feats);
        s.keyHi = key[0];
        s.keyLo = key[1];
        FittedModel model = build(s, raw);
        fits++;
        remember(new Key(s.keyHi, s.keyLo), model);
    }

    /** The feature vectors of the current model's training rows, unstandardized. */
    private static double[][] trainingRows(IForestState s, Features feats) {
        double[][] raw = new double[s.fitRows][feats.dims()];
        feats.computeRows(s, s.fitEnd - s.fitRows, raw);
        return raw;
    }

    /**
     * Grows the forest of the state's current model, counted and timed for the
     * {@code detector.<name>.retrain*} metrics; {@code raw} is consumed (standardized in place).
     * Rows of its own sample that the forest isolates at the threshold's rarity are dropped and
     * the trees that drew them grown again (see the comment inside).
     */
    private FittedModel build(IForestState s, double[][] raw) {
        FittedModel[] built = new FittedModel[1];
        retrainClock.time(() -> built[0] = buildUntimed(s, raw));
        return built[0];
    }

    private FittedModel buildUntimed(IForestState s, double[][] raw) {
        for (double[] r : raw) {
            for (int j = 0; j < r.length; j++) {
                r[j] = (r[j] - s.mean[j]) / s.scale[j];
            }
        }
        long seed = fitSeed(s);
        double rarity = 1.0 - config.threshold();
        Forest.Growth growth = Forest.grow(raw, config.trees(), config.subsample(), seed);
        FittedModel model = new FittedModel(growth.forest(raw.length), rarity, config.tailFraction());
        if (model.trimmed == 0) {
            return model;
        }
        // Masking: a past anomaly in the sample (unjudged in the cold start, or not flagged) makes
        // the next one like it look familiar. The rows the first forest itself isolates at the
        // threshold's rarity are left out and the trees that drew them are grown again (the rest
        // are kept; the calibration comes from trees that had no say in the drop, see
        // Forest.Growth#without). A level shift is not removed
        // this way: once a few dozen points sit at the new level they are no longer rare.
        double[] oob = model.forest.oobScores();
        boolean[] drop = new boolean[raw.length];
        for (int i = 0; i < raw.length; i++) {
            drop[i] = model.magnitude(oob[i]) >= model.cut;
        }
        return new FittedModel(growth.without(drop, CALIBRATION_ROWS), rarity, config.tailFraction());
    }

    /** The seed of a fit: the job's seed and the model version, mixed so neighbouring fits differ. */
    static long fitSeed(IForestState s) {
        return mix(s.fitSeed ^ mix(s.modelVersion + 0x9E3779B97F4A7C15L));
    }

    /**
     * Two independent 64-bit hashes of everything the model is a function of: the seed, the model
     * version, the training rows' position and their raw points (with the look-back the features
     * read) and the standardization. A cached model is served only under an equal key.
     */
    private long[] contentKey(IForestState s, Features feats) {
        long a = 0x243F6A8885A308D3L;
        long b = 0x13198A2E03707344L;
        long[] parts = {s.fitSeed, s.modelVersion, s.fitEnd, s.fitRows, feats.dims()};
        for (long v : parts) {
            a = mix(a ^ v);
            b = mix(b + v * 0xC2B2AE3D27D4EB4FL);
        }
        long from = s.fitEnd - s.fitRows - config.lookback();
        for (long r = from; r < s.fitEnd; r++) {
            long t = s.ts(r);
            a = mix(a ^ t);
            b = mix(b + t * 0xC2B2AE3D27D4EB4FL);
            for (int f = 0; f < s.fieldCount(); f++) {
                long v = Double.doubleToLongBits(s.value(r, f));
                a = mix(a ^ v);
                b = mix(b + v * 0xC2B2AE3D27D4EB4FL);
            }
        }
        for (int j = 0; j < s.mean.length; j++) {
            long v = Double.doubleToLongBits(s.mean[j]) ^ Long.rotateLeft(Double.doubleToLongBits(s.scale[j]), 17);
            a = mix(a ^ v);
            b = mix(b + v * 0xC2B2AE3D27D4EB4FL);
        }
        return new long[] {a, b};
    }

    /** SplitMix64's finalizer: a bijective 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private FittedModel model(IForestState s, Features feats) {
        if (lastKey != null && lastKey.hi == s.keyHi && lastKey.lo == s.keyLo) {
            return lastModel;
        }
        Key key = new Key(s.keyHi, s.keyLo);
        FittedModel m = cache.get(key);
        if (m == null) {
            // a restored state, or a model evicted by other series: the same rows and seed grow the
            // same forest; the key is checked first so a state that does not match its key fails
            long[] k = contentKey(s, feats);
            if (k[0] != s.keyHi || k[1] != s.keyLo) {
                throw new IllegalStateException("iforest state of model version " + s.modelVersion
                        + " does not match its content key (corrupt state?)");
            }
            m = build(s, trainingRows(s, feats));
            rebuilds++;
            cache.put(key, m);
        }
        lastKey = key;
        lastModel = m;
        return m;
    }

    private void remember(Key key, FittedModel m) {
        cache.put(key, m);
        lastKey = key;
        lastModel = m;
    }

    private PointVerdict score(IForestState s, Features feats, long newest) {
        FittedModel m = model(s, feats);
        int d = feats.dims();
        feats.compute(s, newest, x);
        for (int j = 0; j < d; j++) {
            x[j] = (x[j] - s.mean[j]) / s.scale[j];
        }
        int nf = s.fieldCount();
        // Attribution walks the trees a second, slower way; a univariate point needs it only for
        // the explanation of an anomaly (its one field carries the whole verdict). A multivariate
        // point always needs it: the scorer gives the score, anomalous or not, to the fields that
        // explain it (PointVerdict#attributes).
        double raw = m.forest.score(x);
        double score = m.calibrated(raw);
        boolean anomaly = score >= config.threshold();
        double[] expected = new double[nf];
        double[] contribution = new double[nf];
        if (anomaly || nf > 1) {
            Arrays.fill(credit, 0, d, 0.0);
            m.forest.score(x, credit); // the same raw score, with each feature's credit
            for (int j = 0; j < d; j++) {
                int f = feats.fieldOf(j);
                if (f >= 0) {
                    contribution[f] += credit[j];
                }
            }
        }
        if (nf == 1) {
            contribution[0] = raw; // the one field explains the whole magnitude
        }
        for (int f = 0; f < nf; f++) {
            double recent = feats.typical(f);
            expected[f] = Double.isNaN(recent) ? s.mean[feats.valueIndex(f)] : recent;
        }
        String explanation = anomaly ? explain(m, feats, raw, s.modelVersion) : "";
        return new PointVerdict(true, score, anomaly, raw, expected, contribution, explanation);
    }

    /**
     * Names the features that isolated the point (those with at least half the largest credit) and
     * the model version that judged it (the anomaly event's {@code modelVersion} counts the
     * series' points, not this detector's fits).
     */
    private String explain(FittedModel m, Features feats, double raw, long version) {
        int d = feats.dims();
        double max = 0;
        for (int j = 0; j < d; j++) {
            max = Math.max(max, credit[j]);
        }
        StringBuilder sb = new StringBuilder(96);
        sb.append(String.format(Locale.ROOT, "iforest: isolated in %.1f splits (typical %.1f, model %d)", m.pathOf(raw),
                m.typicalPath, version));
        int named = 0;
        for (int pass = 0; pass < 3 && max > 0; pass++) {
            int best = -1;
            for (int j = 0; j < d; j++) {
                if (credit[j] >= 0.5 * max && (best < 0 || credit[j] > credit[best])) {
                    best = j;
                }
            }
            if (best < 0) {
                break;
            }
            sb.append(named == 0 ? " by " : ", ");
            sb.append(feats.name(best)).append(String.format(Locale.ROOT, " (%+.1f sd)", x[best]));
            credit[best] = -credit[best]; // used; restored below
            named++;
        }
        for (int j = 0; j < d; j++) {
            credit[j] = Math.abs(credit[j]);
        }
        return sb.toString();
    }

    private Features featuresFor(String[] fields) {
        if (features == null || !Arrays.equals(featureFields, fields)) {
            features = new Features(config, fields);
            featureFields = fields.clone();
            x = new double[features.dims()];
            credit = new double[features.dims()];
        }
        return features;
    }

    /** A model's content key. */
    private record Key(long hi, long lo) {}
}
