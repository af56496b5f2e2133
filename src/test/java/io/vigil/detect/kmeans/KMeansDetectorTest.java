package io.vigil.detect.kmeans;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.PointVerdict;
import io.vigil.io.CsvSeriesReader;
import io.vigil.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import smile.math.MathEx;

class KMeansDetectorTest {

    private static final String[] VALUE = {"value"};
    private static final long HOUR = 3_600_000L;

    @Test
    void hotelPricesPlantedOutliersAreFoundWithFewFalseAlarms() {
        HotelData h = HotelData.generate(11, 4000, 500, 0.01);
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().build());
        KMeansState s = d.newState();
        int tp = 0;
        int fp = 0;
        int fn = 0;
        int normal = 0;
        for (int t = 0; t < h.rows.length; t++) {
            PointVerdict v = d.update(s, t * HOUR, HotelData.FIELDS, h.rows[t]);
            if (t < 500 || !v.ready()) {
                continue;
            }
            if (h.planted[t]) {
                if (v.anomaly()) {
                    tp++;
                } else {
                    fn++;
                }
            } else {
                normal++;
                if (v.anomaly()) {
                    fp++;
                }
            }
        }
        double precision = tp / (double) (tp + fp);
        double recall = tp / (double) (tp + fn);
        System.out.printf(Locale.ROOT, "hotel: planted %d, found %d, missed %d, false alarms %d of %d normal "
                + "(precision %.2f, recall %.2f), k %d of which %d kept%n", tp + fn, tp, fn, fp, normal, precision,
                recall, s.clusters(), s.keptClusters());
        assertThat(tp + fn).isGreaterThan(20);
        // the price and booking-window outliers are all found; the misses are the weekend price on
        // a same-day weekday booking, about 2 sd from the nearest centroid on the global scale
        assertThat(recall).isGreaterThanOrEqualTo(0.65);
        assertThat(precision).isGreaterThanOrEqualTo(0.9);
        assertThat(fp).isLessThanOrEqualTo(normal / 200); // at most 0.5% of normal bookings
    }

    @Test
    void explanationAndContributionsNameTheFieldThatIsOff() {
        HotelData h = HotelData.generate(3, 1500, Integer.MAX_VALUE, 0);
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().build());
        KMeansState s = d.newState();
        for (int t = 0; t < h.rows.length; t++) {
            d.update(s, t * HOUR, HotelData.FIELDS, h.rows[t]);
        }
        // a business stay at four times the price
        PointVerdict v = d.update(s, 1500 * HOUR, HotelData.FIELDS, new double[] {480, 14, 0});
        assertThat(v.anomaly()).isTrue();
        assertThat(v.attributes(0)).isTrue();
        assertThat(v.attributes(1)).isFalse();
        assertThat(v.attributes(2)).isFalse();
        assertThat(v.explanation()).startsWith("kmeans: ").contains("price_usd 480").doesNotContain("booking_window");
        // contributions add up to the squared distance
        assertThat(v.contribution()[0] + v.contribution()[1] + v.contribution()[2])
                .isCloseTo(v.magnitude() * v.magnitude(), org.assertj.core.data.Offset.offset(1e-9));
        // the same point with its fields in another order: the same verdict, in that order
        PointVerdict w = new KMeansDetector(KMeansConfig.builder().build()).update(copy(s), 1500 * HOUR,
                new String[] {"saturday", "price_usd", "booking_window"}, new double[] {0, 480, 14});
        assertThat(w.score()).isEqualTo(v.score());
        assertThat(w.expected()).containsExactly(v.expected()[2], v.expected()[0], v.expected()[1]);
        assertThat(w.attributes(1)).isTrue();
    }

    /**
     * The seed text looked a point's centroid up at {@code label - 1}. Here every point of a cluster
     * must get its own cluster's centre as expected value and a low score; an off-by-one lookup
     * gives another cluster's centre and a huge distance.
     */
    @Test
    void eachPointIsJudgedAgainstItsOwnClustersCentroid() {
        SplittableRandom r = new SplittableRandom(5);
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().k(3).pca(false).build());
        KMeansState s = d.newState();
        for (int t = 0; t < 1200; t++) {
            d.update(s, t, HotelData.FIELDS, HotelData.booking(r, t % 3));
        }
        assertThat(s.keptClusters()).isEqualTo(3);
        for (int seg = 0; seg < 3; seg++) {
            double[] centre = HotelData.SEGMENTS[seg];
            PointVerdict v = d.update(s, 1200 + seg, HotelData.FIELDS, centre.clone());
            assertThat(v.ready()).isTrue();
            assertThat(v.expected()[0]).as("price of segment %d", seg).isCloseTo(centre[0], org.assertj.core.data.Offset.offset(3.0));
            assertThat(v.expected()[1]).as("window of segment %d", seg).isCloseTo(centre[1], org.assertj.core.data.Offset.offset(1.5));
            assertThat(v.expected()[2]).as("flag of segment %d", seg).isCloseTo(centre[2], org.assertj.core.data.Offset.offset(1e-9));
            assertThat(v.magnitude()).isLessThan(0.2);
            assertThat(v.anomaly()).isFalse();
        }
    }

    @Test
    void coldStartUntilTheFirstModelThenRetrainsOnSchedule() {
        KMeansConfig c = KMeansConfig.builder().window(8).minSample(100).retrainEvery(250).sampleSize(1000).build();
        KMeansDetector d = new KMeansDetector(c);
        KMeansState s = d.newState();
        double[] y = seasonal(1, 3000);
        List<Integer> versions = new ArrayList<>();
        for (int t = 0; t < y.length; t++) {
            PointVerdict v = d.update(s, t * HOUR, VALUE, new double[] {y[t]});
            // 100 lag vectors need 107 values; the model fitted on the 107th point scores from the 108th
            assertThat(v.ready()).as("ready at %d", t).isEqualTo(t >= 107);
            if (versions.isEmpty() || versions.get(versions.size() - 1) != s.modelVersion()) {
                versions.add(s.modelVersion());
                if (s.modelVersion() > 0) {
                    System.out.println("model " + s.modelVersion() + " after point " + t);
                }
            }
        }
        // fits at 100, 200 and 400 vectors (points 106, 206, 406: the sample doubled), then every
        // min(250, vectors at the last fit) = 250 points: 656, 906, ..., 2906
        assertThat(s.modelVersion()).isEqualTo(3 + (2906 - 406) / 250);
        assertThat(s.clusters()).isBetween(2, 8);
        assertThat(s.explainedVariance()).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void retrainsAlsoOnEventTimeWhenConfigured() {
        KMeansConfig c = KMeansConfig.builder().minSample(50).retrainEvery(10_000).retrainIntervalMs(100 * HOUR).build();
        KMeansDetector d = new KMeansDetector(c);
        KMeansState s = d.newState();
        double[] y = seasonal(2, 1200);
        for (int t = 0; t < y.length; t++) {
            d.update(s, t * HOUR, VALUE, new double[] {y[t]});
        }
        // first fit at 50 vectors (point 56), then doubling at 100, 200, 400, 800 vectors together with
        // every 100 hours: 56, 106, 206, 306, ..., 1106
        assertThat(s.modelVersion()).isEqualTo(12);
    }

    /**
     * A lag embedding judges windows: a spike is found when the window that holds it is scored, at
     * the spike or within the next {@code window - 1} points (whose vectors still contain it).
     */
    @Test
    void univariateSpikesAndDipsAreFoundInASeasonalSeries() {
        int n = 24 * 120;
        double[] y = seasonal(7, n);
        int[] planted = {1200, 1500, 1901, 2400, 2777};
        y[1200] += 30;
        y[1500] -= 25;
        y[1901] += 25;
        y[2400] -= 35;
        y[2777] += 30;
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().build());
        KMeansState s = d.newState();
        List<Integer> flagged = new ArrayList<>();
        int scored = 0;
        for (int t = 0; t < n; t++) {
            PointVerdict v = d.update(s, t * HOUR, VALUE, new double[] {y[t]});
            if (v.ready()) {
                scored++;
                assertThat(v.score()).isBetween(0.0, 1.0);
                assertThat(v.expected()).hasSize(1);
            }
            if (v.anomaly()) {
                flagged.add(t);
            }
        }
        System.out.println("univariate: flagged " + flagged + " of " + scored);
        int echoes = 0;
        int found = 0;
        for (int p : planted) {
            found += flagged.stream().anyMatch(t -> t >= p && t < p + 8) ? 1 : 0;
            echoes += (int) flagged.stream().filter(t -> t >= p && t < p + 8).count();
        }
        // the earlier anomalies' windows are in the training sample and fatten the calibration's
        // tail, so the last spike (+30 at 2777, after the -35 at 2400) scores just under 0.999
        assertThat(found).as("planted spikes found").isGreaterThanOrEqualTo(4);
        assertThat(flagged.size() - echoes).as("false alarms").isLessThanOrEqualTo(5);
    }

    @Test
    void smallClustersAreNotNormal() {
        // 97% of the points in one cloud, 3% in a tight far-off group
        SplittableRandom r = new SplittableRandom(8);
        String[] f = {"a", "b"};
        double[][] rows = new double[1000][];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = t % 33 == 0 ? new double[] {10 + 0.1 * r.nextGaussian(), 10 + 0.1 * r.nextGaussian()}
                    : new double[] {r.nextGaussian(), r.nextGaussian()};
        }
        double[] nearTheSmallGroup = {10, 10};
        for (double share : new double[] {0.05, 0.0}) {
            KMeansDetector d = new KMeansDetector(KMeansConfig.builder().minSample(1000).sampleSize(1000)
                    .minClusterShare(share).k(2).build());
            KMeansState s = d.newState();
            for (int t = 0; t < rows.length; t++) {
                d.update(s, t, f, rows[t]);
            }
            assertThat(s.clusters()).isEqualTo(2);
            PointVerdict v = d.update(s, 1000, f, nearTheSmallGroup);
            if (share > 0) {
                assertThat(s.keptClusters()).isEqualTo(1);
                assertThat(v.anomaly()).as("near a small cluster").isTrue();
                assertThat(v.expected()[0]).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.5));
            } else {
                assertThat(s.keptClusters()).isEqualTo(2);
                assertThat(v.anomaly()).as("the group is a cluster of its own").isFalse();
                assertThat(v.expected()[0]).isCloseTo(10, org.assertj.core.data.Offset.offset(0.1));
            }
        }
    }

    @Test
    void outliersFractionFlagsAboutThatShareOfOrdinaryPoints() {
        HotelData h = HotelData.generate(21, 5000, Integer.MAX_VALUE, 0);
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().outliersFraction(0.05).build());
        assertThat(d.config().threshold()).isEqualTo(0.95);
        KMeansState s = d.newState();
        int flagged = 0;
        int scored = 0;
        for (int t = 0; t < h.rows.length; t++) {
            PointVerdict v = d.update(s, t, HotelData.FIELDS, h.rows[t]);
            if (t >= 1000 && v.ready()) {
                scored++;
                flagged += v.anomaly() ? 1 : 0;
            }
        }
        assertThat(flagged / (double) scored).isBetween(0.03, 0.07);
    }

    @Test
    void fitsAreReproducibleWhateverTheThreadAndItsRandomState() throws Exception {
        HotelData h = HotelData.generate(17, 2500, 300, 0.01);
        List<PointVerdict> here = run(h, 1);
        AtomicReference<List<PointVerdict>> there = new AtomicReference<>();
        Thread t = new Thread(() -> {
            // whatever else used Smile on that thread before: k-means no longer draws from Smile's
            // thread-local generator, and this guards against it ever coming back
            MathEx.setSeed(987654321L);
            MathEx.random();
            there.set(run(h, 1));
        });
        t.start();
        t.join();
        MathEx.setSeed(1L);
        List<PointVerdict> again = run(h, 3);
        assertThat(there.get()).hasSameSizeAs(here);
        for (int i = 0; i < here.size(); i++) {
            assertSame(here.get(i), there.get().get(i), i);
            assertSame(here.get(i), again.get(i), i);
        }
    }

    /** Runs the detector over the data, disturbing Smile's thread-local generator every {@code every} points. */
    private static List<PointVerdict> run(HotelData h, int every) {
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().retrainEvery(100).build());
        KMeansState s = d.newState();
        List<PointVerdict> out = new ArrayList<>();
        for (int t = 0; t < h.rows.length; t++) {
            if (t % every == 0) {
                MathEx.random();
            }
            out.add(d.update(s, t, HotelData.FIELDS, h.rows[t]));
        }
        return out;
    }

    private static void assertSame(PointVerdict a, PointVerdict b, int at) {
        assertThat(b.ready()).as("ready at %d", at).isEqualTo(a.ready());
        assertThat(b.score()).as("score at %d", at).isEqualTo(a.score());
        assertThat(b.anomaly()).as("anomaly at %d", at).isEqualTo(a.anomaly());
        assertThat(b.magnitude()).as("magnitude at %d", at).isEqualTo(a.magnitude());
        assertThat(b.expected()).as("expected at %d", at).containsExactly(a.expected());
        assertThat(b.contribution()).as("contribution at %d", at).containsExactly(a.contribution());
        assertThat(b.explanation()).isEqualTo(a.explanation());
    }

    @Test
    void stateRoundTripsAndContinuesIdentically() throws IOException {
        for (boolean univariate : new boolean[] {true, false}) {
            KMeansDetector d = new KMeansDetector(KMeansConfig.builder().retrainEvery(97).sampleSize(400).build());
            KMeansState live = d.newState();
            HotelData h = HotelData.generate(4, 3000, 200, 0.01);
            double[] y = seasonal(4, 3000);
            String[] fields = univariate ? VALUE : HotelData.FIELDS;
            for (int t = 0; t < 1234; t++) {
                d.update(live, t * HOUR, fields, univariate ? new double[] {y[t]} : h.rows[t]);
            }
            KMeansState restored = roundTrip(live);
            assertThat(restored).isEqualTo(live);
            assertThat(restored.modelVersion()).isGreaterThan(3);
            KMeansDetector other = new KMeansDetector(d.config());
            for (int t = 1234; t < 3000; t++) {
                double[] p = univariate ? new double[] {y[t]} : h.rows[t];
                assertSame(d.update(live, t * HOUR, fields, p), other.update(restored, t * HOUR, fields, p), t);
            }
            assertThat(restored).isEqualTo(live);
            assertThat(roundTrip(live)).isEqualTo(live);
        }
        KMeansState fresh = new KMeansDetector(KMeansConfig.builder().build()).newState();
        assertThat(roundTrip(fresh)).isEqualTo(fresh);
    }

    @Test
    void aNewFieldLayoutRestartsTheSample() {
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().minSample(40).build());
        KMeansState s = d.newState();
        HotelData h = HotelData.generate(1, 200, Integer.MAX_VALUE, 0);
        for (int t = 0; t < 200; t++) {
            d.update(s, t, HotelData.FIELDS, h.rows[t]);
        }
        assertThat(s.modelVersion()).isPositive();
        PointVerdict v = d.update(s, 200, new String[] {"price_usd", "booking_window"}, new double[] {120, 14});
        assertThat(v.ready()).isFalse();
        assertThat(s.restarts()).isEqualTo(1);
        assertThat(s.modelVersion()).isZero();
    }

    @Test
    void aNonFiniteValueIsNeitherJudgedNorLearned() throws IOException {
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().build());
        KMeansState s = d.newState();
        double[] y = seasonal(3, 400);
        for (int t = 0; t < 400; t++) {
            d.update(s, t * HOUR, VALUE, new double[] {y[t]});
        }
        KMeansState before = roundTrip(s);
        assertThat(d.update(s, 400 * HOUR, VALUE, new double[] {Double.NaN}).ready()).isFalse();
        assertThat(s).isEqualTo(before);
        assertThat(d.update(s, 401 * HOUR, VALUE, new double[] {50}).ready()).isTrue();
    }

    @Test
    void aFlatSeriesGetsNoAlarmsUntilItMoves() {
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().build());
        KMeansState s = d.newState();
        for (int t = 0; t < 600; t++) {
            PointVerdict v = d.update(s, t * HOUR, VALUE, new double[] {5.0});
            assertThat(v.anomaly()).isFalse();
            assertThat(v.score()).isZero();
        }
        assertThat(s.clusters()).isEqualTo(1);
        PointVerdict v = d.update(s, 600 * HOUR, VALUE, new double[] {5.5});
        assertThat(v.anomaly()).isTrue();
        assertThat(v.expected()[0]).isEqualTo(5.0);
    }

    /**
     * The seed text's series, monthly 1986–2012 with three planted points. Reported, not tuned for:
     * the first planted point (1991-09, row 68) falls in the cold start (first verdict at row 107),
     * and on a trending series a lag embedding of raw values finds new levels unusual until a
     * retrain has seen them.
     */
    @Test
    void catfishPlanted() throws IOException {
        var series = CsvSeriesReader.read(SharedData.require("catfish_planted.csv"), "catfish", new ArrayList<>());
        KMeansDetector d = new KMeansDetector(KMeansConfig.builder().build());
        KMeansState s = d.newState();
        List<String> flagged = new ArrayList<>();
        int firstVerdict = -1;
        double plantedDip = Double.NaN;
        for (int t = 0; t < series.rows().size(); t++) {
            CsvSeriesReader.Row row = series.rows().get(t);
            PointVerdict v = d.update(s, row.ts(), VALUE, new double[] {row.values()[0]});
            if (v.ready() && firstVerdict < 0) {
                firstVerdict = t;
            }
            if (row.rawTimestamp().startsWith("1998-12")) {
                plantedDip = v.score();
            }
            if (v.anomaly()) {
                flagged.add(row.rawTimestamp().substring(0, 7) + String.format(Locale.ROOT, " (%.5f)", v.score()));
            }
        }
        System.out.println("catfish_planted: kmeans flags " + flagged + "; planted 1998-12 dip scores " + plantedDip
                + "; model v" + s.modelVersion() + ", k " + s.clusters());
        assertThat(firstVerdict).isEqualTo(107);
        assertThat(plantedDip).as("the 1998-12 dip is unusual").isGreaterThan(0.99);
        assertThat(flagged).allMatch(f -> f.compareTo("1999") >= 0 && f.compareTo("2004") < 0);
    }

    static KMeansState roundTrip(KMeansState s) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        s.write(new DataOutputStream(bo));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bo.toByteArray()));
        KMeansState r = KMeansState.read(in);
        assertThat(in.read()).as("whole encoding consumed").isEqualTo(-1);
        return r;
    }

    private static KMeansState copy(KMeansState s) {
        try {
            return roundTrip(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Hourly, daily cycle, Gaussian noise. */
    static double[] seasonal(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[n];
        for (int t = 0; t < n; t++) {
            y[t] = 50 + 10 * Math.sin(2 * Math.PI * t / 24) + r.nextGaussian();
        }
        return y;
    }
}
