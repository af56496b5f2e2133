package io.vigil.detect.autoencoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.JobSpec;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.PointVerdict;
import io.vigil.detect.SeriesScorer;
import io.vigil.detect.SeriesState;
import io.vigil.model.FieldScore;
import io.vigil.model.InputPoint;
import io.vigil.model.ScoredPoint;
import io.vigil.io.CsvSeriesReader;
import io.vigil.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealVector;
import org.junit.jupiter.api.Test;

class AutoencoderDetectorTest {

    private static final long MIN = 60_000L;
    private static final String[] FOUR = {"a", "b", "c", "d"};
    private static final String[] VALUE = {"value"};

    /** Small and quick for tests; the shape of the defaults. */
    private static AutoencoderConfig.Builder small() {
        return AutoencoderConfig.builder().sampleSize(256).minSample(128).retrainEvery(300).maxEpochs(40).seed(7);
    }

    /** Four fields driven by one latent factor, noise 5% of the signal. */
    private static double[][] correlated(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][4];
        for (int t = 0; t < n; t++) {
            double z = r.nextGaussian();
            x[t][0] = 100 + 10 * z + 0.5 * r.nextGaussian();
            x[t][1] = 20 - 3 * z + 0.15 * r.nextGaussian();
            x[t][2] = 5 + 2 * z + 0.1 * r.nextGaussian();
            x[t][3] = 50 + 5 * z + 0.25 * r.nextGaussian();
        }
        return x;
    }

    private static List<PointVerdict> run(AutoencoderDetector d, AutoencoderState s, double[][] x, String[] fields,
            int from, int to) {
        List<PointVerdict> out = new ArrayList<>();
        for (int t = from; t < to; t++) {
            out.add(d.update(s, t * MIN, fields, x[t]));
        }
        return out;
    }

    @Test
    void findsPointsThatBreakTheCorrelationBetweenFields() {
        int n = 1500;
        double[][] x = correlated(n, 3);
        List<Integer> planted = new ArrayList<>();
        for (int t = 400; t < n; t += 100) {
            // field c flipped against the common factor: each value is ordinary on its own
            double z = (x[t][0] - 100) / 10;
            double flip = z > 0 ? -1.5 : 1.5;
            x[t][2] = 5 + 2 * flip;
            planted.add(t);
        }
        AutoencoderDetector d = new AutoencoderDetector(small().build());
        AutoencoderState s = d.newState();
        List<PointVerdict> v = run(d, s, x, FOUR, 0, n);
        List<Integer> flagged = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            if (v.get(t).anomaly()) {
                flagged.add(t);
            }
        }
        assertThat(flagged).containsAll(planted);
        // Attribution by reconstruction error is not exact: a point off the manifold can pull the
        // encoding away and spread the error over the other fields. Most planted points are still
        // attributed to c, and there the reconstruction of c is closer to the truth than its value.
        int attributed = 0;
        for (int t : planted) {
            PointVerdict p = v.get(t);
            assertThat(p.explanation()).startsWith("autoencoder: reconstruction error").contains("largest ");
            if (p.attributes(2)) {
                attributed++;
                double truth = 5 + 2 * (x[t][0] - 100) / 10;
                assertThat(Math.abs(p.expected(2) - truth)).as("reconstruction of c at %d", t)
                        .isLessThan(Math.abs(x[t][2] - truth));
            }
        }
        assertThat(attributed).as("planted points attributed to c").isGreaterThanOrEqualTo(8);
        // threshold 0.999 on ~1370 scored points: a few false alarms at most
        assertThat(flagged.size() - planted.size()).as("false alarms in %s", flagged).isLessThanOrEqualTo(4);
        assertThat(s.modelVersion()).isGreaterThanOrEqualTo(4);
        assertThat(s.layerSizes()).containsExactly(4, 8, 2, 8, 4);
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    /** Daily-style cycle of 24 points with noise. */
    private static double[] cycle(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = 50 + 10 * Math.sin(2 * Math.PI * t / 24) + 0.5 * r.nextGaussian();
        }
        return y;
    }

    private static List<PointVerdict> runUni(AutoencoderDetector d, AutoencoderState s, double[] y) {
        List<PointVerdict> out = new ArrayList<>();
        for (int t = 0; t < y.length; t++) {
            out.add(d.update(s, t * MIN, VALUE, new double[] {y[t]}));
        }
        return out;
    }

    @Test
    void univariateWindowsFindASpikeAndAFlattenedCycle() {
        int n = 1400;
        double[] y = cycle(n, 5);
        y[700] += 10; // 20 noise scales, the cycle's amplitude: diluted by sqrt(32) over the window
        for (int t = 1000; t < 1012; t++) {
            y[t] = 50; // half a cycle missing: every value is within the normal range
        }
        AutoencoderDetector d = new AutoencoderDetector(small().build());
        AutoencoderState s = d.newState();
        List<PointVerdict> v = runUni(d, s, y);
        List<Integer> flagged = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            if (v.get(t).anomaly()) {
                flagged.add(t);
            }
        }
        assertThat(flagged).contains(700);
        assertThat(v.get(700).explanation()).contains("t-0 (");
        assertThat(v.get(700).expected(0)).as("expected of the spike").isCloseTo(y[700] - 10, within(2.0));
        assertThat(flagged).as("the flat half cycle").anyMatch(t -> t >= 1000 && t < 1012 + 16);
        // a flagged value is replaced by its reconstruction in the window: the spike does not linger
        assertThat(flagged).noneMatch(t -> t > 700 && t < 732);
        long outside = flagged.stream().filter(t -> t != 700 && !(t >= 1000 && t < 1012 + 32)).count();
        assertThat(outside).as("false alarms in %s", flagged).isLessThanOrEqualTo(4);
    }

    @Test
    void coldUntilTheFirstModel() {
        AutoencoderConfig c = small().minSample(64).build();
        AutoencoderDetector d = new AutoencoderDetector(c);
        AutoencoderState s = d.newState();
        double[][] x = correlated(100, 1);
        List<PointVerdict> v = run(d, s, x, FOUR, 0, 100);
        for (int t = 0; t < 64; t++) {
            assertThat(v.get(t).ready()).as("cold at %d", t).isFalse();
        }
        assertThat(v.get(64).ready()).isTrue();
        assertThat(v.get(64).score()).isBetween(0.0, 1.0);
        assertThat(v.get(64).expected()).hasSize(4);
        // univariate: the first model needs minSample complete windows
        AutoencoderState u = d.newState();
        List<PointVerdict> w = runUni(d, u, cycle(100, 2));
        int first = 64 + c.window() - 1; // windows = points - window + 1
        for (int t = 0; t < first; t++) {
            assertThat(w.get(t).ready()).as("cold at %d", t).isFalse();
        }
        assertThat(w.get(first).ready()).isTrue();
        assertThat(u.modelVersion()).isEqualTo(1);
    }

    @Test
    void sameSeedSameVerdictsOtherSeedOtherModel() {
        double[][] x = correlated(800, 9);
        List<PointVerdict> a = run(new AutoencoderDetector(small().build()), new AutoencoderState(), x, FOUR, 0, 800);
        List<PointVerdict> b = run(new AutoencoderDetector(small().build()), new AutoencoderState(), x, FOUR, 0, 800);
        for (int t = 0; t < 800; t++) {
            assertSame(a.get(t), b.get(t), t);
        }
        AutoencoderState s1 = new AutoencoderState();
        AutoencoderState s2 = new AutoencoderState();
        run(new AutoencoderDetector(small().build()), s1, x, FOUR, 0, 200);
        run(new AutoencoderDetector(small().seed(8).build()), s2, x, FOUR, 0, 200);
        assertThat(s1.params).isNotEqualTo(s2.params);
    }

    private static void assertSame(PointVerdict a, PointVerdict b, int t) {
        assertThat(b.ready()).as("ready at %d", t).isEqualTo(a.ready());
        assertThat(b.score()).as("score at %d", t).isEqualTo(a.score());
        assertThat(b.anomaly()).isEqualTo(a.anomaly());
        assertThat(b.magnitude()).isEqualTo(a.magnitude());
        assertThat(b.expected()).containsExactly(a.expected());
        assertThat(b.contribution()).containsExactly(a.contribution());
        assertThat(b.explanation()).isEqualTo(a.explanation());
    }

    private static AutoencoderState roundTrip(AutoencoderState s) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bo));
        return AutoencoderState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
    }

    @Test
    void stateRoundTripContinuesWithIdenticalVerdicts() throws IOException {
        double[][] x = correlated(1300, 4);
        x[1000][1] += 12;
        AutoencoderDetector d = new AutoencoderDetector(small().build());
        AutoencoderState s = d.newState();
        assertThat(roundTrip(s)).isEqualTo(s); // empty
        run(d, s, x, FOUR, 0, 50);
        assertThat(roundTrip(s)).isEqualTo(s); // cold, sample only
        run(d, s, x, FOUR, 50, 700);
        AutoencoderState copy = roundTrip(s);
        assertThat(copy).isEqualTo(s);
        // a second detector instance: nothing but the state carries over
        List<PointVerdict> a = run(d, s, x, FOUR, 700, 1300);
        List<PointVerdict> b = run(new AutoencoderDetector(small().build()), copy, x, FOUR, 700, 1300);
        for (int t = 0; t < a.size(); t++) {
            assertSame(a.get(t), b.get(t), 700 + t);
        }
        assertThat(a.get(300).anomaly()).isTrue();
        assertThat(copy).isEqualTo(s);
        assertThat(s.modelVersion()).isGreaterThanOrEqualTo(3); // retrained after the copy

        // univariate, across a gap restart as well
        double[] y = cycle(900, 6);
        AutoencoderState u = d.newState();
        for (int t = 0; t < 400; t++) {
            d.update(u, t * MIN, VALUE, new double[] {y[t]});
        }
        AutoencoderState uc = roundTrip(u);
        AutoencoderDetector d2 = new AutoencoderDetector(small().build());
        for (int t = 400; t < 900; t++) {
            long ts = (t < 600 ? t : t + 100) * MIN; // a 100-interval gap at 600 restarts the window
            assertSame(d.update(u, ts, VALUE, new double[] {y[t]}), d2.update(uc, ts, VALUE, new double[] {y[t]}), t);
        }
        assertThat(u.restarts()).isEqualTo(1);
        assertThat(uc).isEqualTo(u);
    }

    @Test
    void runsInTheSeriesScorerAndTheSeriesStateCodecCarriesIt() throws IOException {
        double[][] x = correlated(900, 8);
        x[800][3] += 8;
        SeriesScorer scorer = new SeriesScorer(DetectorSettings.of(small().build()), JobSpec.defaults().alerting());
        SeriesState s = scorer.newState();
        for (int t = 0; t < 500; t++) {
            scorer.score(s, new InputPoint("plant", t * MIN, FOUR, x[t], Map.of()));
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bo));
        SeriesState copy = SeriesState.read(new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(copy.pointState("autoencoder")).isEqualTo(s.pointState("autoencoder"));
        SeriesScorer other = new SeriesScorer(DetectorSettings.of(small().build()), JobSpec.defaults().alerting());
        for (int t = 500; t < 900; t++) {
            InputPoint p = new InputPoint("plant", t * MIN, FOUR, x[t], Map.of());
            ScoredPoint a = scorer.score(s, p);
            ScoredPoint b = other.score(copy, p);
            assertThat(b).isEqualTo(a); // records: NaN bands compare equal
            if (t == 800) {
                FieldScore d = a.fields().get(3);
                assertThat(d.anomaly()).isTrue();
                assertThat(d.fired()).containsExactly("autoencoder");
                assertThat(d.explanation()).contains("largest d (");
                assertThat(d.expected()).isCloseTo(x[t][3] - 8, within(1.0));
            }
        }
    }

    @Test
    void fieldsAreMatchedByNameAndANewSchemaRestarts() {
        double[][] x = correlated(400, 2);
        AutoencoderDetector d = new AutoencoderDetector(small().build());
        AutoencoderState s1 = d.newState();
        AutoencoderState s2 = d.newState();
        String[] reversed = {"d", "c", "b", "a"};
        for (int t = 0; t < 400; t++) {
            double[] r = {x[t][3], x[t][2], x[t][1], x[t][0]};
            PointVerdict a = d.update(s1, t * MIN, FOUR, x[t]);
            PointVerdict b = d.update(s2, t * MIN, t < 10 ? FOUR : reversed, t < 10 ? x[t] : r);
            assertThat(b.score()).isEqualTo(a.score());
            if (a.ready()) {
                assertThat(b.expected()[0]).isEqualTo(a.expected()[3]);
                assertThat(b.contribution()[1]).isEqualTo(a.contribution()[2]);
            }
        }
        assertThat(s2.fields()).containsExactly(FOUR);
        // a point missing a field is skipped; the model stays
        int version = s1.modelVersion();
        String[] other = {"a", "b", "e"};
        assertThat(d.update(s1, 400 * MIN, other, new double[] {1, 2, 3}).ready()).isFalse();
        assertThat(s1.modelVersion()).isEqualTo(version);
        assertThat(d.update(s1, 401 * MIN, FOUR, x[0]).ready()).isTrue();
        // a new schema that persists restarts the detector on it
        for (int t = 0; t < AutoencoderDetector.REGIME_RUN - 1; t++) {
            assertThat(d.update(s1, (402 + t) * MIN, other, new double[] {1, 2, 3}).ready()).isFalse();
            assertThat(s1.fields()).containsExactly(FOUR);
        }
        assertThat(d.update(s1, 500 * MIN, other, new double[] {1, 2, 3}).ready()).isFalse();
        assertThat(s1.modelVersion()).isZero();
        assertThat(s1.fields()).containsExactly("a", "b", "e");
    }

    /**
     * Data like the seed text's (PyOD's generate_data: 25 features, 500 training and 500 test
     * points, 10% outliers, fixed seed): inliers on a 3-dimensional subspace with noise, outliers
     * uniform over the inliers' range. The model is trained once on the 500 training points (their
     * outliers included, as PyOD trains) and the test points are scored without retraining.
     */
    @Test
    void rocAucOnSeedLikeData() {
        int nf = 25;
        SplittableRandom r = new SplittableRandom(2024);
        double[][] w = new double[3][nf];
        for (double[] row : w) {
            for (int j = 0; j < nf; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[][] x = new double[1000][nf];
        boolean[] outlier = new boolean[1000];
        for (int i = 0; i < 1000; i++) {
            outlier[i] = (i % 500) >= 450;
            for (int j = 0; j < nf; j++) {
                if (outlier[i]) {
                    x[i][j] = -4 + 8 * r.nextDouble();
                } else {
                    r.nextGaussian(); // a draw kept so the seeded data set stays the same; inliers are filled below
                }
            }
            if (!outlier[i]) {
                double z1 = r.nextGaussian();
                double z2 = r.nextGaussian();
                double z3 = r.nextGaussian();
                for (int j = 0; j < nf; j++) {
                    x[i][j] = (w[0][j] * z1 + w[1][j] * z2 + w[2][j] * z3) / Math.sqrt(3) + 0.3 * r.nextGaussian();
                }
            }
        }
        // shuffle each half so outliers are spread over time
        for (int half = 0; half < 2; half++) {
            for (int i = 499; i > 0; i--) {
                int j = r.nextInt(i + 1);
                double[] tx = x[half * 500 + i];
                x[half * 500 + i] = x[half * 500 + j];
                x[half * 500 + j] = tx;
                boolean to = outlier[half * 500 + i];
                outlier[half * 500 + i] = outlier[half * 500 + j];
                outlier[half * 500 + j] = to;
            }
        }
        String[] names = new String[nf];
        for (int j = 0; j < nf; j++) {
            names[j] = "f" + j;
        }
        AutoencoderConfig c = AutoencoderConfig.builder().hidden(8, 3, 8).sampleSize(500).minSample(500)
                .retrainEvery(100_000).maxEpochs(100).contamination(0.1).seed(42).build();
        AutoencoderDetector d = new AutoencoderDetector(c);
        AutoencoderState s = d.newState();
        double[] score = new double[500];
        for (int i = 0; i < 1000; i++) {
            PointVerdict v = d.update(s, i * MIN, names, x[i]);
            if (i >= 500) {
                assertThat(v.ready()).isTrue();
                score[i - 500] = v.magnitude();
            }
        }
        assertThat(s.modelVersion()).isEqualTo(1);
        double auc = auc(score, Arrays.copyOfRange(outlier, 500, 1000));
        System.out.printf("autoencoder ROC-AUC on seed-like test set: %.4f%n", auc);
        // PyOD reports ROC-AUC near 1 for its autoencoder on generate_data; outliers uniform over
        // 25 dimensions lie far from a 3-dimensional subspace, so anything below 0.95 is a defect
        assertThat(auc).isGreaterThan(0.95);
    }

    /**
     * Points on a curve (a parabola) that a one-component PCA cannot follow: anomalies above the
     * curve's vertex lie close to the PCA line, so PCA's reconstruction error ranks them below the
     * curve's own ends, while the autoencoder (same bottleneck of one) bends along the curve.
     */
    @Test
    void catchesWhatLinearReconstructionMissesOnACurvedManifold() {
        SplittableRandom r = new SplittableRandom(17);
        int train = 600;
        int test = 300;
        double[][] x = new double[train + test][];
        boolean[] anomalous = new boolean[test];
        for (int i = 0; i < train + test; i++) {
            double t = -1 + 2 * r.nextDouble();
            x[i] = new double[] {t + 0.02 * r.nextGaussian(), t * t + 0.02 * r.nextGaussian()};
            if (i >= train && (i - train) % 10 == 0) {
                anomalous[i - train] = true;
                double u = -0.3 + 0.6 * r.nextDouble();
                x[i] = new double[] {u, u * u + 0.4 + 0.1 * r.nextDouble()};
            }
        }
        AutoencoderConfig c = AutoencoderConfig.builder().hidden(16, 1, 16).sampleSize(train).minSample(train)
                .retrainEvery(100_000).maxEpochs(300).patience(20).seed(3).build();
        AutoencoderDetector d = new AutoencoderDetector(c);
        AutoencoderState s = d.newState();
        String[] names = {"x", "y"};
        double[] ae = new double[test];
        for (int i = 0; i < train + test; i++) {
            PointVerdict v = d.update(s, i * MIN, names, x[i]);
            if (i >= train) {
                ae[i - train] = v.magnitude();
            }
        }
        double[] pca = pcaErrors(Arrays.copyOfRange(x, 0, train), Arrays.copyOfRange(x, train, train + test));
        double aucAe = auc(ae, anomalous);
        double aucPca = auc(pca, anomalous);
        System.out.printf("curved manifold ROC-AUC: autoencoder %.4f, PCA(1) %.4f%n", aucAe, aucPca);
        assertThat(aucPca).isLessThan(0.7);
        assertThat(aucAe).isGreaterThan(0.9);
    }

    /** Reconstruction errors of one-component PCA (standardized with the training sample). */
    private static double[] pcaErrors(double[][] train, double[][] test) {
        int n = train[0].length;
        double[] mean = new double[n];
        double[] sd = new double[n];
        for (double[] row : train) {
            for (int j = 0; j < n; j++) {
                mean[j] += row[j] / train.length;
            }
        }
        for (double[] row : train) {
            for (int j = 0; j < n; j++) {
                sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / train.length;
            }
        }
        double[][] cov = new double[n][n];
        for (double[] row : train) {
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    cov[a][b] += (row[a] - mean[a]) / Math.sqrt(sd[a]) * (row[b] - mean[b]) / Math.sqrt(sd[b])
                            / train.length;
                }
            }
        }
        EigenDecomposition e = new EigenDecomposition(new Array2DRowRealMatrix(cov));
        int top = e.getRealEigenvalue(0) >= e.getRealEigenvalue(n - 1) ? 0 : n - 1;
        RealVector v = e.getEigenvector(top);
        double[] err = new double[test.length];
        for (int i = 0; i < test.length; i++) {
            double[] z = new double[n];
            for (int j = 0; j < n; j++) {
                z[j] = (test[i][j] - mean[j]) / Math.sqrt(sd[j]);
            }
            double p = 0;
            for (int j = 0; j < n; j++) {
                p += z[j] * v.getEntry(j);
            }
            for (int j = 0; j < n; j++) {
                double d = z[j] - p * v.getEntry(j);
                err[i] += d * d;
            }
        }
        return err;
    }

    /**
     * The real monthly series with three planted points (324 months). With the defaults the first
     * model needs 287 points, after the planted ones: the test reports that cold start, then runs a
     * setting for short monthly series (a one-year window, a first model after four years of
     * windows) and reports what it flags.
     */
    @Test
    void catfishPlanted() throws IOException {
        CsvSeriesReader.Series series = CsvSeriesReader.read(SharedData.require("catfish_planted.csv"), "catfish", null);
        AutoencoderConfig defaults = AutoencoderConfig.builder().build();
        AutoencoderConfig monthly = AutoencoderConfig.builder().window(12).minSample(48).sampleSize(240)
                .retrainEvery(24).build();
        for (AutoencoderConfig c : List.of(defaults, monthly)) {
            AutoencoderDetector d = new AutoencoderDetector(c);
            AutoencoderState s = d.newState();
            List<String> planted = new ArrayList<>();
            List<String> others = new ArrayList<>();
            int ready = 0;
            for (CsvSeriesReader.Row r : series.rows()) {
                PointVerdict v = d.update(s, r.ts(), VALUE, r.values());
                ready += v.ready() ? 1 : 0;
                String what = String.format(java.util.Locale.ROOT, "%s value %.0f expected %.0f score %.5f",
                        r.rawTimestamp(), r.values()[0], v.expected(0), v.score());
                if (r.label() == 1) {
                    planted.add((v.anomaly() ? "FOUND " : (v.ready() ? "missed " : "cold ")) + what);
                } else if (v.anomaly()) {
                    others.add(what);
                }
            }
            System.out.println("catfish autoencoder window " + c.window() + ", minSample " + c.minSample() + ": "
                    + ready + " verdicts; planted " + planted + "; other alerts " + others.size() + ": " + others);
            if (c == defaults) {
                assertThat(ready).isEqualTo(series.rows().size() - (c.minSample() + c.window() - 1));
                assertThat(planted).allMatch(p -> p.startsWith("cold"));
            } else {
                assertThat(planted).filteredOn(p -> p.startsWith("FOUND")).isNotEmpty();
                assertThat(others.size()).isLessThanOrEqualTo(8);
            }
        }
    }

    /** ROC-AUC: the probability that a random positive outranks a random negative (ties count half). */
    static double auc(double[] score, boolean[] positive) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < score.length; i++) {
            if (!positive[i]) {
                continue;
            }
            for (int j = 0; j < score.length; j++) {
                if (positive[j]) {
                    continue;
                }
                pairs++;
                wins += score[i] > score[j] ? 1 : (score[i] == score[j] ? 0.5 : 0);
            }
        }
        return wins / pairs;
    }
}
