package io.vigil.detect.iforest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The out-of-bag scores of a fit and the refit without some rows, against a per-row reference. */
class ForestTest {

    private static final int M = 2048;
    private static final int TREES = 100;
    private static final int SUBSAMPLE = 128;

    private static double[][] rows(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[M][3];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextGaussian();
            }
        }
        for (int k = 0; k < 12; k++) {
            rows[r.nextInt(M)][r.nextInt(3)] += 8; // rows of its own that a fit should find
        }
        return rows;
    }

    /**
     * Out-of-bag score of {@code row} over the trees [from, to) that did not draw it, summed in
     * tree order with the single-row walk.
     */
    private static double reference(Forest f, Forest.Growth g, double[][] rows, int row, int from, int to) {
        double sum = 0;
        int count = 0;
        for (int t = from; t < to; t++) {
            if (Arrays.stream(g.sample(t)).noneMatch(r -> r == row)) {
                sum += f.path(t, rows[row]);
                count++;
            }
        }
        assertThat(count).as("row %d is out of bag for some tree", row).isPositive();
        return Math.pow(2.0, -(sum / count) / Forest.c(f.psi()));
    }

    @Test
    void outOfBagScoresAreThoseOfTheSingleRowWalkBitForBit() {
        double[][] rows = rows(3);
        Forest.Growth g = Forest.grow(rows, TREES, SUBSAMPLE, 11);
        Forest f = g.forest(1024);
        int k = Forest.oobTrees(M, f.psi(), TREES);
        assertThat(k).isBetween(48, 60);
        double[] oob = f.oobScores();
        assertThat(oob).hasSize(1024);
        for (int i = 0; i < oob.length; i++) {
            assertThat(oob[i]).as("row %d", M - 1024 + i).isEqualTo(reference(f, g, rows, M - 1024 + i, 0, k));
        }
    }

    @Test
    void aRefitRegrowsOnlyTheTreesThatDrewADroppedRowAndCalibratesOnOthers() {
        double[][] rows = rows(5);
        Forest.Growth g = Forest.grow(rows, TREES, SUBSAMPLE, 13);
        Forest first = g.forest(M);
        int k = Forest.oobTrees(M, first.psi(), TREES);
        int[][] before = new int[TREES][];
        for (int t = 0; t < TREES; t++) {
            before[t] = g.sample(t).clone();
        }
        double[] oob = first.oobScores();
        double[] sorted = oob.clone();
        Arrays.sort(sorted);
        double cut = sorted[M - 20];
        boolean[] drop = new boolean[M];
        int dropped = 0;
        for (int r = 0; r < M; r++) {
            drop[r] = oob[r] >= cut;
            dropped += drop[r] ? 1 : 0;
        }
        assertThat(dropped).isBetween(20, 30);
        double[] query = {9.0, 0.0, 0.0};
        double firstScore = first.score(query);

        Forest second = g.without(drop, 1024);

        int regrown = 0;
        for (int t = 0; t < TREES; t++) {
            boolean drew = Arrays.stream(before[t]).anyMatch(r -> drop[r]);
            if (drew) {
                regrown++;
                assertThat(Arrays.stream(g.sample(t)).noneMatch(r -> drop[r])).as("tree %d regrown on kept rows", t)
                        .isTrue();
            } else {
                assertThat(g.sample(t)).as("tree %d kept", t).isEqualTo(before[t]);
                assertThat(second.path(t, query)).isEqualTo(first.path(t, query));
            }
        }
        assertThat(regrown).isBetween(1, TREES - 1);
        assertThat(first.score(query)).as("the first forest is left as it was").isEqualTo(firstScore);
        // calibration: the newest 1,024 kept rows, scored by the trees after the first k
        int[] kept = new int[M - dropped];
        for (int r = 0, n = 0; r < M; r++) {
            if (!drop[r]) {
                kept[n++] = r;
            }
        }
        double[] calibration = second.oobScores();
        assertThat(calibration).hasSize(1024);
        for (int i = 0; i < calibration.length; i++) {
            int row = kept[kept.length - 1024 + i];
            assertThat(calibration[i]).as("row %d", row)
                    .isEqualTo(reference(second, g, rows, row, k, Math.min(TREES, 2 * k)));
        }
    }
}
