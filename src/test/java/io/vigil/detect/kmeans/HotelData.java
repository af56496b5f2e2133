package io.vigil.detect.kmeans;

import java.util.SplittableRandom;

/**
 * Seeded synthetic hotel bookings, the seed text's example: price in USD, booking window in days and
 * a Saturday-night flag, drawn from three segments (weekday business stays, weekend leisure stays,
 * last-minute deals), with planted outliers.
 */
final class HotelData {

    static final String[] FIELDS = {"price_usd", "booking_window", "saturday"};

    /** Segment centres: price, booking window, Saturday flag. */
    static final double[][] SEGMENTS = {{120, 14, 0}, {240, 45, 1}, {70, 2, 0}};

    /** Segment spreads (sd) of price and booking window. */
    static final double[][] SPREAD = {{10, 3}, {20, 8}, {8, 1}};

    final double[][] rows;
    final int[] segment;
    final boolean[] planted;

    private HotelData(int n) {
        rows = new double[n][];
        segment = new int[n];
        planted = new boolean[n];
    }

    /** {@code n} bookings; from index {@code from}, each is an outlier with probability {@code rate}. */
    static HotelData generate(long seed, int n, int from, double rate) {
        SplittableRandom r = new SplittableRandom(seed);
        HotelData h = new HotelData(n);
        for (int t = 0; t < n; t++) {
            int s = r.nextDouble() < 0.5 ? 0 : (r.nextDouble() < 0.6 ? 1 : 2);
            h.segment[t] = s;
            h.rows[t] = booking(r, s);
            if (t >= from && r.nextDouble() < rate) {
                h.planted[t] = true;
                switch (r.nextInt(3)) {
                    case 0 -> h.rows[t][0] *= 3.5; // price far above its segment
                    case 1 -> h.rows[t][1] += 120; // booked four months ahead at a last-minute price
                    default -> { // a weekend price on a weekday booking made the same day
                        h.rows[t][0] = 250;
                        h.rows[t][1] = 1;
                        h.rows[t][2] = 0;
                    }
                }
            }
        }
        return h;
    }

    static double[] booking(SplittableRandom r, int s) {
        return new double[] {
            Math.max(20, SEGMENTS[s][0] + SPREAD[s][0] * r.nextGaussian()),
            Math.max(0, Math.round(SEGMENTS[s][1] + SPREAD[s][1] * r.nextGaussian())),
            SEGMENTS[s][2]
        };
    }
}
