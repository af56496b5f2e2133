package io.vigil.job.backtest;

import io.vigil.model.FieldScore;
import io.vigil.model.ScoredPoint;

/**
 * The one line a backtest writes for a row: for a multivariate row the field with the highest
 * score stands for the row (the row's score is the highest of its fields, and it is anomalous when
 * any field is), so a row reads the same whatever the number of fields.
 */
final class RowView {

    private RowView() {}

    /** The field that stands for a scored point: the highest score, ties to the first field. */
    static FieldScore lead(ScoredPoint p) {
        FieldScore best = null;
        boolean anomalous = false;
        for (FieldScore f : p.fields()) {
            // an anomalous field outranks every normal one, then the higher score wins
            if (best == null || (f.anomaly() && !anomalous) || (f.anomaly() == anomalous && f.score() > best.score())) {
                best = f;
                anomalous = f.anomaly();
            }
        }
        return best;
    }

    /** The row's score from one detector (its highest over fields), 0 when not ready. */
    static double detectorScore(ScoredPoint p, String detector) {
        double s = 0;
        for (FieldScore f : p.fields()) {
            Double d = f.detectors().get(detector);
            if (d != null && d > s) {
                s = d;
            }
        }
        return s;
    }

    /** Whether a detector fired on any field of the row. */
    static boolean fired(ScoredPoint p, String detector) {
        for (FieldScore f : p.fields()) {
            if (f.fired().contains(detector)) {
                return true;
            }
        }
        return false;
    }
}
