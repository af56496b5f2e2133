package io.vigil.detect.kmeans;

import io.vigil.detect.RetrainClock;
import io.vigil.detect.PointDetector;
import io.vigil.detect.PointVerdict;
import io.vigil.detect.Verdict;
import java.util.Arrays;
import java.util.Locale;

/**
 * The k-means detector (the seed text's clustering method, done streaming): a point is anomalous
 * when it is far, in standardized units, from the nearest centroid of the clusters that describe
 * the series' normal behaviour.
 *
 * <p>What is clustered: a multivariate point's fields as one vector; for a univariate series the
 * lag embedding of its last {@code window} values, so a value is judged in the context of the
 * values before it (a spike, a dip or a break in the usual shape all move the vector away from the
 * clusters of ordinary windows).
 *
 * <p>Per point, O(k·D) with no allocation beyond the verdict: the vector is standardized with the
 * model's means and sds, its squared distance to each kept centroid computed, and the distance to
 * the nearest is the raw magnitude. It is calibrated against the training distances of the same
 * model ({@link io.vigil.detect.TailCalibrator}: empirical below the top {@code tailFraction},
 * an exponential tail above), so {@code score = 1 - P(training distance >= distance)} means the same
 * rarity as the other detectors' scores. {@code expected} is the nearest centroid in original units
 * (for a lag embedding, the centroid's coordinate for the newest value); {@code contribution[i]}
 * is field i's squared standardized deviation from it, so the contributions add up to the squared
 * distance and name the fields that are off.
 *
 * <p>Training ({@link KMeansTrainer}): on the sliding sample of the last {@code sampleSize}
 * vectors. Cold start: no verdict until the first model, which is fitted once {@code minSample}
 * vectors are held. While the sample is not yet full, the model is refitted every
 * {@code min(retrainEvery, vectors at the last fit)} points (so an early model on a small sample is
 * soon replaced: fits at 100, 200 and 400 vectors, then every 250 points at the defaults); once it
 * is full, every {@code retrainEvery} points; and in any case once {@code retrainInterval} of event
 * time has passed since the last fit. A point is scored by the model fitted before it and then
 * joins the sample, so its own verdict never depends on itself. A point with a non-finite value is
 * neither judged nor learned.
 *
 * <p>Retraining is synchronous, inside {@link #update}, on the point that makes it due. The Flink
 * operator is single-threaded per key, and which model scores which point is then a function of
 * the data alone: a backtest predicts the deployed job, and a restore from a checkpoint continues
 * with identical verdicts. Retraining in the background would let wall-clock timing decide when a
 * new model takes over. The cost — one retrain (PCA, the elbow search's k-means fits on a
 * 250-vector subsample, the chosen k's fits on the sample, the calibration), about 1 ms for one
 * field and 1.7 ms for 25 on the 1000-vector default sample with k up to 16, measured on two busy
 * cores ({@code KMeansDetectorBench}) — is paid once every {@code retrainEvery} points of a series
 * (4–8 µs per point amortized at the default 250); scoring alone costs a few hundred nanoseconds.
 *
 * <p>Field layout: the first point fixes the fields and their order; a later point with the same
 * fields in another order is mapped by name; a point with a different set of fields restarts the
 * state on the new layout (a cold start again), since vectors of different fields cannot share a
 * model.
 *
 * <p>Instances hold configuration and work arrays only; all per-series memory lives in
 * {@link KMeansState}. Not thread-safe.
 */
public final class KMeansDetector implements PointDetector<KMeansState> {

    /** The detector's name in outputs and the job spec. */
    public static final String NAME = "kmeans";

    /** Fields named in an explanation at most. */
    private static final int EXPLAIN_FIELDS = 3;

    private final KMeansConfig config;
    private final KMeansTrainer trainer;
    private double[] x = new double[0];
    private double[] z = new double[0];
    private int[] order = new int[0];
    private final double[] dist2 = new double[1];

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

    public KMeansDetector(KMeansConfig config) {
        this.config = config;
        this.trainer = new KMeansTrainer(config);
    }

    public KMeansConfig config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<KMeansState> stateType() {
        return KMeansState.class;
    }

    @Override
    public KMeansState newState() {
        return new KMeansState();
    }

    @Override
    public PointVerdict update(KMeansState s, long ts, String[] fields, double[] values) {
        if (fields.length == 0) {
            return PointVerdict.COLD; // nothing to cluster
        }
        for (double v : values) {
            if (!Double.isFinite(v)) {
                // the parser refuses such points; one that slipped through must not poison the
                // sample (a NaN would make every later standardization NaN): no verdict, not learned
                return PointVerdict.COLD;
            }
        }
        s.points++;
        if (!mapFields(s, fields)) {
            if (s.fields.length > 0) {
                s.restarts++;
            }
            s.layout(fields, config.window(), config.sampleSize());
            mapFields(s, fields);
        }
        s.push(values, order);
        s.sinceFit++;
        PointVerdict verdict = s.model != null && s.vectors() > 0 ? score(s, s.model) : PointVerdict.COLD;
        if (retrainDue(s, ts)) {
            retrain(s, ts);
        }
        return verdict;
    }

    /**
     * Fills {@link #order} so that layout field i is {@code fields[order[i]]}; false when the
     * point's fields are not the layout's.
     */
    private boolean mapFields(KMeansState s, String[] fields) {
        int w = fields.length;
        if (s.fields.length != w) {
            return false;
        }
        if (order.length < w) {
            order = new int[w];
        }
        for (int i = 0; i < w; i++) {
            if (s.fields[i].equals(fields[i])) {
                order[i] = i; // the usual case: same order as the first point
                continue;
            }
            int at = -1;
            for (int j = 0; j < w && at < 0; j++) {
                if (s.fields[i].equals(fields[j])) {
                    at = j;
                }
            }
            if (at < 0) {
                return false;
            }
            order[i] = at;
        }
        return true;
    }

    private boolean retrainDue(KMeansState s, long ts) {
        int n = s.vectors();
        if (n < config.minSample()) {
            return false;
        }
        ClusterModel m = s.model;
        if (m == null) {
            return true;
        }
        // while the sample grows, refit once it has doubled since the last fit (or retrainEvery passed)
        long every = n < config.sampleSize() ? Math.min(config.retrainEvery(), m.trainedOn) : config.retrainEvery();
        return s.sinceFit >= every
                || (config.retrainIntervalMs() > 0 && ts - s.lastFitTs >= config.retrainIntervalMs());
    }

    /** Retrains the model, counted and timed for the {@code detector.<name>.retrain*} metrics. */
    private void retrain(KMeansState s, long ts) {
        retrainClock.time(() -> retrainUntimed(s, ts));
    }

    private void retrainUntimed(KMeansState s, long ts) {
        s.model = trainer.fit(s);
        s.fits = s.model.version;
        s.sinceFit = 0;
        s.lastFitTs = ts;
    }

    private PointVerdict score(KMeansState s, ClusterModel m) {
        int d = m.dims();
        if (x.length < d) {
            x = new double[d];
            z = new double[d];
        }
        s.vector(0, x);
        for (int i = 0; i < d; i++) {
            z[i] = (x[i] - m.mean[i]) / m.scale[i];
        }
        int c = m.nearest(z, dist2);
        double distance = Math.sqrt(dist2[0]);
        double score = m.calibration.score(distance, 1, config.tailFraction());
        boolean anomaly = score >= config.threshold();
        int off = c * d;
        double[] expected;
        double[] contribution;
        if (s.fields.length == 1) {
            int newest = d - 1;
            expected = new double[] {m.mean[newest] + m.scale[newest] * m.centroids[off + newest]};
            contribution = new double[] {dist2[0]};
        } else {
            expected = new double[d];
            contribution = new double[d];
            for (int i = 0; i < d; i++) {
                double e = z[i] - m.centroids[off + i];
                int at = order[i]; // back into the point's own field order
                contribution[at] = e * e;
                expected[at] = m.mean[i] + m.scale[i] * m.centroids[off + i];
            }
        }
        String explanation = anomaly ? explain(s, m, distance, expected, contribution) : "";
        return new PointVerdict(true, score, anomaly, distance, expected, contribution, explanation);
    }

    /** One clause: how far, from how many clusters, and the fields that deviate most. */
    private String explain(KMeansState s, ClusterModel m, double distance, double[] expected, double[] contribution) {
        StringBuilder sb = new StringBuilder(96);
        sb.append(String.format(Locale.ROOT, "kmeans: %.1f sd from the nearest of %d normal clusters", distance, m.k()));
        if (s.fields.length == 1) {
            sb.append(String.format(Locale.ROOT, " (last %d values; newest %s, cluster %s)", s.window,
                    Verdict.format(x[m.dims() - 1]), Verdict.format(expected[0])));
            return sb.toString();
        }
        Integer[] byContribution = new Integer[contribution.length];
        for (int i = 0; i < byContribution.length; i++) {
            byContribution[i] = i;
        }
        Arrays.sort(byContribution, (a, b) -> Double.compare(contribution[b], contribution[a]));
        double max = contribution[byContribution[0]];
        String sep = "; ";
        for (int r = 0; r < Math.min(EXPLAIN_FIELDS, byContribution.length); r++) {
            int f = byContribution[r];
            if (r > 0 && contribution[f] < 0.5 * max) {
                break; // only the fields the score is attributed to
            }
            int i = layoutIndex(f, contribution.length);
            double sd = (x[i] - expected[f]) / m.scale[i];
            sb.append(sep).append(String.format(Locale.ROOT, "%s %s vs %s (%+.1f sd)", s.fields[i],
                    Verdict.format(x[i]), Verdict.format(expected[f]), sd));
            sep = ", ";
        }
        return sb.toString();
    }

    /** The layout index of the point's field {@code f}. */
    private int layoutIndex(int f, int width) {
        for (int i = 0; i < width; i++) {
            if (order[i] == f) {
                return i;
            }
        }
        return f;
    }
}
