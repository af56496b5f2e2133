package io.vigil.detect;

/**
 * Counts and times a detector instance's model retrains, for the {@code detector.<name>.retrains}
 * and {@code retrainMillis} metrics. Written by the operator's thread, read by the metric
 * reporter's (a torn read of a counter is harmless).
 */
public final class RetrainClock {

    private long retrains;
    private long nanos;

    /** Runs one retrain, counted and timed. */
    public void time(Runnable retrain) {
        long t0 = System.nanoTime();
        retrain.run();
        retrains++;
        nanos += System.nanoTime() - t0;
    }

    /** Retrains so far. */
    public long retrains() {
        return retrains;
    }

    /** Their total time, in nanoseconds. */
    public long nanos() {
        return nanos;
    }
}
