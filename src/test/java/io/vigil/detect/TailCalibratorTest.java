package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TailCalibratorTest {

    @Test
    void growsLazilyAndBehavesAsIfAllocatedAtCapacity() throws java.io.IOException {
        TailCalibrator c = new TailCalibrator(1000);
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        java.util.List<Double> all = new java.util.ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            double x = -Math.log(1 - r.nextDouble());
            c.add(x);
            all.add(x);
            if (i == 10 || i == 500 || i == 2499) {
                // the same sample rebuilt from scratch in one go gives the same ranks
                TailCalibrator fresh = new TailCalibrator(1000);
                for (double v : all.subList(Math.max(0, all.size() - 1000), all.size())) {
                    fresh.add(v);
                }
                assertThat(c).isEqualTo(fresh);
                assertThat(c.tailProbability(3.0, 30, 0.1)).isEqualTo(fresh.tailProbability(3.0, 30, 0.1));
                java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream();
                c.write(new java.io.DataOutputStream(bo));
                TailCalibrator back = TailCalibrator.read(new java.io.DataInputStream(
                        new java.io.ByteArrayInputStream(bo.toByteArray())));
                assertThat(back).isEqualTo(c);
                assertThat(back.capacity()).isEqualTo(1000);
            }
        }
        assertThat(c.size()).isEqualTo(1000);
    }

    @Test
    void scoresAreCalibratedWhateverTheScaleOrShape() {
        // the same rarity must give the same score: Gaussian, heavy-tailed and scaled-up magnitudes
        for (int shape = 0; shape < 3; shape++) {
            SplittableRandom rnd = new SplittableRandom(11 + shape);
            TailCalibrator c = new TailCalibrator(2000);
            int above = 0;
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                double g = gauss(rnd);
                double x = switch (shape) {
                    case 0 -> Math.abs(g);
                    case 1 -> Math.abs(g) * 1e6;
                    default -> Math.exp(Math.abs(g) * 1.5); // lognormal-like, heavy tail
                };
                if (i >= 2000 && c.score(x, 30, 0.1) >= 0.99) {
                    above++;
                }
                c.add(x);
            }
            double rate = above / (double) (n - 2000);
            assertThat(rate).as("shape %d", shape).isBetween(0.006, 0.016);
        }
    }

    @Test
    void extremeValuesKeepRankingBeyondTheSampleMaximum() {
        TailCalibrator c = new TailCalibrator(500);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            c.add(Math.abs(gauss(rnd)));
        }
        double s5 = c.score(5, 30, 0.1);
        double s10 = c.score(10, 30, 0.1);
        assertThat(s5).isGreaterThan(0.99);
        assertThat(s10).isGreaterThan(s5).isLessThan(1.0 + 1e-12);
    }

    @Test
    void magnitudeForInvertsTheTail() {
        TailCalibrator c = new TailCalibrator(1000);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            c.add(Math.abs(gauss(rnd)));
        }
        for (double p : new double[] {0.2, 0.05, 0.001, 1e-5}) {
            double x = c.magnitudeFor(p, 30, 0.1);
            assertThat(c.tailProbability(x * 1.0001, 30, 0.1)).as("p=%s", p).isLessThanOrEqualTo(p * 1.05);
            assertThat(c.tailProbability(x * 0.98, 30, 0.1)).as("p=%s", p).isGreaterThan(p * 0.95);
        }
    }

    @Test
    void smallSamplesUseTheGaussianTail() {
        TailCalibrator c = new TailCalibrator(100);
        assertThat(c.tailProbability(1.959964, 30, 0.1)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(c.magnitudeFor(0.05, 30, 0.1)).isCloseTo(1.959964, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void expiresOldestAndRoundTrips() throws Exception {
        TailCalibrator c = new TailCalibrator(50);
        for (int i = 0; i < 120; i++) {
            c.add(i);
        }
        assertThat(c.size()).isEqualTo(50);
        assertThat(c.tailProbability(69.5, 1, 0.1)).isGreaterThan(0.99); // 70..119 held: everything is >= 69.5
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        c.write(new DataOutputStream(bytes));
        TailCalibrator back = TailCalibrator.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(c);
        for (int i = 0; i < 30; i++) {
            c.add(i * 3.5);
            back.add(i * 3.5);
            assertThat(back.score(100, 1, 0.1)).isEqualTo(c.score(100, 1, 0.1));
        }
    }

    @Test
    void aSingleValueUsesTheGaussianTailEvenWhenOneSampleIsEnough() {
        // minCalibration: 1 is a valid setting; one value cannot split into a body and a tail
        TailCalibrator c = new TailCalibrator(100);
        c.add(2.0);
        assertThat(c.tailProbability(1.959964, 1, 0.1)).isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(c.magnitudeFor(0.05, 1, 0.1)).isCloseTo(1.959964, org.assertj.core.data.Offset.offset(1e-4));
        c.add(3.0);
        // two values on, the sample decides: threshold 2, mean excess 1
        assertThat(c.tailProbability(3.0, 1, 0.5)).isEqualTo(0.5 * Math.exp(-1.0));
    }

    @Test
    void slidingInsertKeepsTheSortedSampleOfTiedAndSpreadValues() {
        // quantized magnitudes tie constantly: the one-memmove replacement must still leave exactly
        // the sorted last-capacity values, whichever side of the leaving value the new one lands
        TailCalibrator c = new TailCalibrator(40);
        SplittableRandom rnd = new SplittableRandom(8);
        java.util.ArrayDeque<Double> held = new java.util.ArrayDeque<>();
        for (int i = 0; i < 3000; i++) {
            double x = i % 7 == 0 ? rnd.nextDouble() * 100 : rnd.nextInt(4);
            c.add(x);
            held.addLast(x);
            if (held.size() > 40) {
                held.removeFirst();
            }
            TailCalibrator fresh = new TailCalibrator(40);
            held.forEach(fresh::add);
            assertThat(c).as("after %d values", i + 1).isEqualTo(fresh);
            assertThat(c.magnitudeFor(0.01, 1, 0.1)).isEqualTo(fresh.magnitudeFor(0.01, 1, 0.1));
        }
    }

    static double gauss(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
