package io.vigil.eval;

import java.util.List;
import java.util.Map;

/**
 * All metrics of one file for one detector.
 *
 * @param file file (series) name
 * @param rows number of rows
 * @param windows labelled windows containing at least one row
 * @param threshold alert threshold of the point and window metrics ({@code score >= threshold})
 * @param point point-wise metrics at {@code threshold}
 * @param window window-wise metrics at {@code threshold}
 * @param windowOutcomes detection and delay of each window, in time order
 * @param rocAuc ROC-AUC of the scores against the point labels (NaN with one class)
 * @param prAuc average precision of the scores against the point labels (NaN with one class)
 * @param nab NAB score of this file per profile name, each at that profile's threshold (given or
 *     swept over the corpus, see {@link NabScore#swept()})
 */
public record FileMetrics(
    String file,
    int rows,
    long windows,
    double threshold,
    PointMetrics point,
    WindowMetrics window,
    List<WindowOutcome> windowOutcomes,
    double rocAuc,
    double prAuc,
    Map<String, NabScore> nab) {}
