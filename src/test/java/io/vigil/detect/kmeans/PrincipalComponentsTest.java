package io.vigil.detect.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PrincipalComponentsTest {

    /** Independent coordinates with variances 16, 9, 4, 1, 0.25: the components are the axes. */
    private static double[][] data(int n, long seed) {
        double[] sd = {4, 3, 2, 1, 0.5};
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][sd.length];
        for (double[] row : x) {
            for (int i = 0; i < sd.length; i++) {
                row[i] = 10 * i + sd[i] * r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void keepsTheFewestComponentsThatExplainTheStatedVariance() {
        double[][] x = data(20_000, 1);
        // shares of the total 30.25: 0.53, 0.83, 0.96, 0.99, 1
        for (double[] expect : new double[][] {{0.5, 1}, {0.8, 2}, {0.9, 3}, {0.97, 4}, {1.0, 5}}) {
            PrincipalComponents p = PrincipalComponents.fit(x, expect[0]);
            assertThat(p.rank).as("share %s", expect[0]).isEqualTo((int) expect[1]);
            assertThat(p.explained).isGreaterThanOrEqualTo(expect[0] - 1e-9);
            double withoutLast = 0;
            double total = 0;
            for (int c = 0; c < p.variances.length; c++) {
                total += p.variances[c];
                if (c < p.rank - 1) {
                    withoutLast += p.variances[c];
                }
            }
            assertThat(withoutLast / total).as("one component fewer would not do").isLessThan(expect[0]);
        }
        PrincipalComponents p = PrincipalComponents.fit(x, 0.8);
        assertThat(p.variances[0]).isCloseTo(16, within(0.6));
        assertThat(p.variances[1]).isCloseTo(9, within(0.4));
        // first component along the first axis, sign canonical (largest loading positive)
        assertThat(p.basis[0]).isCloseTo(1.0, within(1e-2));
        assertThat(p.center[1]).isCloseTo(10, within(0.1));
    }

    @Test
    void projectionAndReconstructionAreConsistent() {
        double[][] x = data(2000, 2);
        PrincipalComponents all = PrincipalComponents.fit(x, 1.0);
        double[] p = new double[all.rank];
        double[] back = new double[5];
        all.project(x[7], p);
        all.reconstruct(p, back);
        for (int i = 0; i < 5; i++) {
            assertThat(back[i]).isCloseTo(x[7][i], within(1e-9));
        }
    }

    @Test
    void sameDataSameBasis() {
        double[][] x = data(1000, 3);
        assertThat(PrincipalComponents.fit(x, 0.8).basis).containsExactly(PrincipalComponents.fit(x, 0.8).basis);
    }

    @Test
    void constantDataKeepsOneComponent() {
        double[][] x = new double[50][3];
        PrincipalComponents p = PrincipalComponents.fit(x, 0.8);
        assertThat(p.rank).isEqualTo(1);
        assertThat(p.explained).isEqualTo(1.0);
    }
}
