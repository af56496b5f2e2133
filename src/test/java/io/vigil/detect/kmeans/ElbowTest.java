package io.vigil.detect.kmeans;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElbowTest {

    @Test
    void textbookCurvesBendWhereTheClustersAre() {
        // three well-separated groups: big gains up to k = 3, little after
        assertThat(Elbow.knee(new double[] {1000, 420, 60, 50, 42, 36, 31, 27}, 1)).isEqualTo(3);
        // the same curve seen from k = 2
        assertThat(Elbow.knee(new double[] {420, 60, 50, 42, 36, 31, 27}, 2)).isEqualTo(3);
        // a sharp knee at 2
        assertThat(Elbow.knee(new double[] {100, 10, 9, 8, 7, 6}, 1)).isEqualTo(2);
        // a knee at 5 of 1..10
        assertThat(Elbow.knee(new double[] {100, 80, 60, 40, 20, 18, 16, 14, 12, 10}, 1)).isEqualTo(5);
    }

    @Test
    void noBendMeansTheSmallestK() {
        assertThat(Elbow.knee(new double[] {10, 9, 8, 7, 6}, 1)).as("straight").isEqualTo(1);
        assertThat(Elbow.knee(new double[] {10, 9.9, 9.5, 8, 1}, 1)).as("concave").isEqualTo(1);
        assertThat(Elbow.knee(new double[] {0, 0, 0, 0}, 1)).as("identical points").isEqualTo(1);
        assertThat(Elbow.knee(new double[] {5, 1}, 1)).as("two points").isEqualTo(1);
    }

    @Test
    void aWorseFitAtLargerKDoesNotMoveTheKnee() {
        // k = 4 landed in a poor local optimum: the non-increasing envelope ignores it
        assertThat(Elbow.knee(new double[] {1000, 420, 60, 300, 42, 36, 31, 27}, 1)).isEqualTo(3);
    }

    @Test
    void aZeroDistortionIsAnOrdinaryPointOfTheCurve() {
        // as many clusters as distinct vectors fit exactly; the knee still decides
        assertThat(Elbow.knee(new double[] {100, 10, 5, 2, 0}, 1)).isEqualTo(2);
    }

    @Test
    void aFarGroupDominatesTheNormalizedCurve() {
        // three groups, one far from two that are near each other: the first split takes most of
        // the distortion and the rule stops at 2 (the documented trait of the plain chord rule)
        assertThat(Elbow.knee(new double[] {2.7, 0.2, 0.03, 0.027, 0.025, 0.023, 0.021, 0.02}, 1)).isEqualTo(2);
    }

    /** The elbow rule run by the trainer on well-separated Gaussian blobs finds their number. */
    @Test
    void trainerFindsTheTrueNumberOfSeparatedClusters() {
        for (int trueK = 2; trueK <= 6; trueK++) {
            SplittableRandom r = new SplittableRandom(100 + trueK);
            String[] f = {"x", "y", "z"};
            KMeansDetector d = new KMeansDetector(KMeansConfig.builder().minSample(600).sampleSize(600).build());
            KMeansState s = d.newState();
            for (int t = 0; t < 600; t++) {
                int c = t % trueK;
                // centres on a circle of radius 20 (turned so that every field varies), sd 1
                double a = 2 * Math.PI * c / trueK + 0.5;
                d.update(s, t, f, new double[] {20 * Math.cos(a) + r.nextGaussian(), 20 * Math.sin(a) + r.nextGaussian(),
                        (c % 2) * 10 + r.nextGaussian()});
            }
            assertThat(s.clusters()).as("true k %d", trueK).isEqualTo(trueK);
            assertThat(s.keptClusters()).isEqualTo(trueK);
        }
    }
}
