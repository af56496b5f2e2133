package io.vigil.job.local;

import io.vigil.model.InputPoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded synthetic fleet for the demo and the tests: a few hourly series with a daily cycle,
 * trend and noise, and planted anomalies of the kinds users meet — a spike, a dip, a level shift
 * and a latency burst. The same seed gives the same fleet, so the demo's summary is reproducible.
 */
public final class SyntheticFleet {

    /** One planted anomaly; a level shift is found if an alert falls in its first {@code tolerance} points. */
    public record Planted(String series, int index, long ts, String kind, int tolerance) {}

    /** The points, in time order across series, and what was planted. */
    public record Fleet(List<InputPoint> points, List<Planted> planted, long stepMillis) {}

    public static final long HOUR = 3_600_000L;
    public static final Instant START = Instant.parse("2026-11-01T00:00:00Z");

    private SyntheticFleet() {}

    /** {@code days} days of hourly points for four series. */
    public static Fleet generate(long seed, int days) {
        int n = days * 24;
        // the fixed start keeps the demo's output the same from run to run; a fleet long enough to
        // reach into the future starts earlier, since the job refuses timestamps from the future
        long start = Math.min(START.toEpochMilli(),
                (System.currentTimeMillis() / (24 * HOUR)) * 24 * HOUR - (long) n * HOUR);
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] names = {"plant-1/boiler/temp", "plant-1/boiler/pressure", "plant-2/pump/flow", "web/checkout/latency_ms"};
        double[][] v = new double[names.length][n];
        for (int t = 0; t < n; t++) {
            double day = 2 * Math.PI * (t % 24) / 24.0;
            v[0][t] = 70 + 6 * Math.sin(day) + 0.01 * t + gauss(rnd) * 0.6;
            v[1][t] = 12 + 1.5 * Math.cos(day) - 0.002 * t + gauss(rnd) * 0.15;
            v[2][t] = 300 + 40 * Math.sin(day - 1.0) + gauss(rnd) * 5;
            v[3][t] = 120 + 30 * Math.max(0, Math.sin(day)) + Math.abs(gauss(rnd)) * 8;
        }
        List<Planted> planted = new ArrayList<>();
        int spike = n * 60 / 100;
        int dip = n * 68 / 100;
        int shift = n * 76 / 100;
        int burst = n * 84 / 100;
        v[0][spike] += 30;
        planted.add(new Planted(names[0], spike, ts(start, spike), "spike", 1));
        v[1][dip] -= 4;
        planted.add(new Planted(names[1], dip, ts(start, dip), "dip", 1));
        for (int t = shift; t < n; t++) {
            v[2][t] += 150;
        }
        planted.add(new Planted(names[2], shift, ts(start, shift), "level shift", 3));
        v[3][burst] *= 4;
        planted.add(new Planted(names[3], burst, ts(start, burst), "latency burst", 1));

        List<InputPoint> points = new ArrayList<>(n * names.length);
        for (int t = 0; t < n; t++) {
            for (int s = 0; s < names.length; s++) {
                points.add(InputPoint.of(names[s], ts(start, t), Math.round(v[s][t] * 1000) / 1000.0,
                        Map.of("site", names[s].substring(0, names[s].indexOf('/')))));
            }
        }
        return new Fleet(points, planted, HOUR);
    }

    private static long ts(long start, int t) {
        return start + t * HOUR;
    }

    private static double gauss(SplittableRandom r) {
        // Box-Muller on the seeded generator (java.util.Random's nextGaussian would tie us to its sequence)
        double u = 1.0 - r.nextDouble();
        double w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }
}
