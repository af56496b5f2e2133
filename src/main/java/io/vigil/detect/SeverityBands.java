package io.vigil.detect;

import java.io.Serializable;

/**
 * Severity of a calibrated score: {@code critical} at or above {@code critical}, {@code major} at or
 * above {@code major}, else {@code minor}. Scores are calibrated tail probabilities, so 0.9999 means
 * "rarer than one point in ten thousand of this series" whatever the series.
 */
public record SeverityBands(double critical, double major) implements Serializable {

    public static SeverityBands defaults() {
        return new SeverityBands(0.99999, 0.9999);
    }

    public String of(double score) {
        if (score >= critical) {
            return "critical";
        }
        return score >= major ? "major" : "minor";
    }
}
