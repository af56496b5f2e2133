package io.vigil.job.cluster;

/**
 * A cluster operation failed for a reason outside this program — a port in use, a process that
 * exited, a request the Flink cluster refused — with a message that says what to do; the command
 * line prints the message, not a stack trace.
 */
public class ClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
