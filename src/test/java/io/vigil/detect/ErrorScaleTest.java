package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ErrorScaleTest {

    /** The definition, computed from scratch: max(1.4826 MAD about zero, 0.25 RMS, 1e-9 |expected|, 1e-12). */
    private static double direct(double[] errors, double expected) {
        int n = errors.length;
        double[] abs = new double[n];
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            abs[i] = Math.abs(errors[i]);
            sumSq += errors[i] * errors[i];
        }
        Arrays.sort(abs);
        double median = (n & 1) == 1 ? abs[n / 2] : 0.5 * (abs[n / 2 - 1] + abs[n / 2]);
        double scale = Math.max(Math.max(1.4826 * median, 0.25 * Math.sqrt(sumSq / n)), 1e-9 * Math.abs(expected));
        return Math.max(scale, 1e-12);
    }

    @Test
    void incrementalMedianGivesTheScaleOfTheNewestErrorsBitForBit() {
        // growth (8 -> 16 -> 32 -> 64), wrapping, ties, zeros and signed errors of equal size
        SplittableRandom rnd = new SplittableRandom(21);
        ErrorScale scale = new ErrorScale();
        ArrayDeque<Double> held = new ArrayDeque<>();
        for (int i = 0; i < 1000; i++) {
            double e = switch (i % 5) {
                case 0 -> 0.0;
                case 1 -> rnd.nextInt(3) - 1.0;
                case 2 -> -held.stream().findFirst().orElse(1.0);
                default -> rnd.nextGaussian() * (i < 500 ? 1 : 50);
            };
            scale.add(e);
            held.addLast(e);
            if (held.size() > ErrorScale.CAPACITY) {
                held.removeFirst();
            }
            double[] newest = held.stream().mapToDouble(Double::doubleValue).toArray();
            assertThat(scale.count()).isEqualTo(newest.length);
            assertThat(scale.toArray()).containsExactly(newest);
            assertThat(scale.scale(100.0)).as("after %d errors", i + 1).isEqualTo(direct(newest, 100.0));
        }
    }

    @Test
    void roundTripsAndContinuesIdentically() throws IOException {
        SplittableRandom rnd = new SplittableRandom(4);
        for (int n : new int[] {0, 5, 8, 40, 64, 300}) {
            ErrorScale scale = new ErrorScale();
            for (int i = 0; i < n; i++) {
                scale.add(rnd.nextGaussian());
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            scale.write(new DataOutputStream(bytes));
            assertThat(bytes.size()).isEqualTo(1 + 8 * Math.min(n, ErrorScale.CAPACITY));
            ErrorScale back = ErrorScale.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), "test");
            assertThat(back).isEqualTo(scale);
            for (int i = 0; i < 100; i++) {
                double e = rnd.nextGaussian() * 3;
                scale.add(e);
                back.add(e);
                assertThat(back.scale(1.0)).isEqualTo(scale.scale(1.0));
            }
        }
    }

    @Test
    void aNaNErrorLeavesOnceItExpires() {
        ErrorScale scale = new ErrorScale();
        ErrorScale clean = new ErrorScale();
        scale.add(Double.NaN);
        for (int i = 0; i < ErrorScale.CAPACITY; i++) {
            scale.add(i - 20.5);
            clean.add(i - 20.5);
        }
        assertThat(scale.scale(0)).isEqualTo(clean.scale(0));
        assertThat(scale.scale(0)).isEqualTo(direct(clean.toArray(), 0));
    }

    @Test
    void refusesMoreErrorsThanItKeeps() {
        byte[] corrupt = {(byte) (ErrorScale.CAPACITY + 1)};
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ErrorScale.read(
                new DataInputStream(new ByteArrayInputStream(corrupt)), "StlState"))
                .isInstanceOf(IOException.class).hasMessageContaining("StlState").hasMessageContaining("65");
    }
}
