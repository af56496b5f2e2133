/**
 * Evaluation metrics of the backtest, plain Java (no Flink).
 *
 * <p>Input: one {@link io.vigil.eval.ScoredSeries} per file (timestamps, detector scores in [0,1],
 * point labels and labelled {@link io.vigil.eval.Window}s). Output: {@link
 * io.vigil.eval.FileMetrics} and {@link io.vigil.eval.CorpusMetrics} records, built by {@link
 * io.vigil.eval.Evaluator}, serializable with Jackson and rendered by {@link
 * io.vigil.eval.MetricsTable}.
 *
 * <ul>
 *   <li>{@link io.vigil.eval.PointMetrics}: per-row precision, recall, F1 at a threshold;
 *   <li>{@link io.vigil.eval.WindowMetrics}, {@link io.vigil.eval.WindowOutcome}: detected
 *       windows, FP alert rows and FP events, detection delay;
 *   <li>{@link io.vigil.eval.RankingMetrics}: ROC-AUC and average precision, ties as one step;
 *   <li>{@link io.vigil.eval.NabScorer}, {@link io.vigil.eval.NabSweeper}: the NAB score as
 *       NAB's {@code sweeper.py} computes it, with its corpus-wide threshold sweep.
 * </ul>
 *
 * <p>Every threshold means {@code alert = score >= threshold}.
 */
package io.vigil.eval;
