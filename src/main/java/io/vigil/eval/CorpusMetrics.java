package io.vigil.eval;

import java.util.List;
import java.util.Map;

/**
 * All metrics of one detector over a set of files (the corpus), with the per-file breakdown.
 *
 * <p>Aggregation: point metrics from the summed confusion counts; window metrics from summed
 * counts with delays averaged over all detected windows; ROC-AUC and PR-AUC over the pooled rows
 * of all files (one ranking); NAB as the corpus score of NAB's own procedure (sums of raw, null
 * and perfect over files, then normalized), at one corpus-wide threshold per profile.
 *
 * @param detector detector name (the row label in {@link MetricsTable#detectors})
 * @param files number of files
 * @param rows total rows
 * @param windows total labelled windows containing at least one row
 * @param threshold alert threshold of the point and window metrics
 * @param point point-wise metrics, summed counts
 * @param window window-wise metrics, summed counts
 * @param rocAuc ROC-AUC of the pooled rows
 * @param prAuc average precision of the pooled rows
 * @param nab corpus NAB score per profile name, at that profile's threshold
 * @param perFile the metrics of each file, in input order
 */
public record CorpusMetrics(
    String detector,
    int files,
    long rows,
    long windows,
    double threshold,
    PointMetrics point,
    WindowMetrics window,
    double rocAuc,
    double prAuc,
    Map<String, NabScore> nab,
    List<FileMetrics> perFile) {}
