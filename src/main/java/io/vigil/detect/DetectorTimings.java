package io.vigil.detect;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-detector cost, as the operator's metrics show it: the time of a sample of detector updates
 * (one call in {@link #SAMPLE_EVERY}, so the per-event path pays for a clock read rarely) and the
 * retrains the detectors report. One instance per operator instance, shared by its scorers: written
 * by the operator's thread, read by the metric reporter's (a torn read of a sample is harmless).
 */
public final class DetectorTimings {

    /** One update in this many is timed. */
    public static final int SAMPLE_EVERY = 64;

    private final Map<String, long[]> byDetector = new ConcurrentHashMap<>();

    /** The accumulator of a detector: {sampled calls, sampled nanos}. */
    long[] slot(String detector) {
        return byDetector.computeIfAbsent(detector, k -> new long[2]);
    }

    /** Mean nanoseconds of one update of the detector (over the timed sample), 0 before any. */
    public double nanosPerUpdate(String detector) {
        long[] s = byDetector.get(detector);
        return s == null || s[0] == 0 ? 0.0 : (double) s[1] / s[0];
    }

    /** Detector names seen so far. */
    public Iterable<String> detectors() {
        return byDetector.keySet();
    }
}
