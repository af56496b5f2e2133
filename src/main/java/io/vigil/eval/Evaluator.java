package io.vigil.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Computes every metric of a detector over a corpus of scored files: the entry point of the
 * backtest's evaluation.
 *
 * <p>Two thresholds are involved. The alert threshold drives the point-wise and window-wise
 * metrics. The NAB threshold is either given (one value for every profile) or swept: then {@link
 * NabSweeper} picks, per profile, the corpus-wide threshold with the best NAB score, as NAB's
 * optimizer does. Every file's NAB score is reported at its profile's corpus threshold, so the
 * file scores add up to the corpus score.
 */
public final class Evaluator {

  private Evaluator() {}

  /**
   * Metrics of a detector over a corpus, with the NAB threshold swept for NAB's three profiles.
   *
   * @param detector detector name, to label the result
   * @param files the scored files
   * @param alertThreshold alert threshold of the point and window metrics
   */
  public static CorpusMetrics evaluate(
      String detector, List<ScoredSeries> files, double alertThreshold) {
    return evaluate(detector, files, alertThreshold, OptionalDouble.empty(), NabProfile.ALL);
  }

  /**
   * Metrics of a detector over a corpus.
   *
   * @param detector detector name, to label the result
   * @param files the scored files
   * @param alertThreshold alert threshold of the point and window metrics
   * @param nabThreshold the NAB threshold for all profiles, or empty to sweep it per profile
   * @param profiles the NAB profiles to score, with distinct names
   */
  public static CorpusMetrics evaluate(
      String detector,
      List<ScoredSeries> files,
      double alertThreshold,
      OptionalDouble nabThreshold,
      List<NabProfile> profiles) {
    if (Double.isNaN(alertThreshold)) {
      throw new IllegalArgumentException("alertThreshold must not be NaN");
    }
    if (nabThreshold.isPresent() && Double.isNaN(nabThreshold.getAsDouble())) {
      throw new IllegalArgumentException("nabThreshold must not be NaN");
    }
    Set<String> names = new HashSet<>();
    for (NabProfile p : profiles) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("duplicate NAB profile name: " + p.name());
      }
    }

    Map<String, NabScore> corpusNab;
    if (nabThreshold.isPresent()) {
      corpusNab = new LinkedHashMap<>();
      for (NabProfile p : profiles) {
        corpusNab.put(p.name(), NabScorer.scoreCorpus(files, p, nabThreshold.getAsDouble()));
      }
    } else {
      corpusNab = NabSweeper.sweep(files, profiles);
    }

    List<FileMetrics> perFile = new ArrayList<>(files.size());
    List<PointMetrics> points = new ArrayList<>(files.size());
    List<WindowMetrics> windows = new ArrayList<>(files.size());
    long rows = 0;
    for (ScoredSeries file : files) {
      FileMetrics m = evaluateFile(file, alertThreshold, profiles, corpusNab);
      perFile.add(m);
      points.add(m.point());
      windows.add(m.window());
      rows += m.rows();
    }
    WindowMetrics window = WindowMetrics.sum(windows);
    return new CorpusMetrics(
        detector,
        files.size(),
        rows,
        window.windows(),
        alertThreshold,
        PointMetrics.sum(points),
        window,
        RankingMetrics.rocAuc(files),
        RankingMetrics.averagePrecision(files),
        Collections.unmodifiableMap(corpusNab),
        List.copyOf(perFile));
  }

  private static FileMetrics evaluateFile(
      ScoredSeries file,
      double alertThreshold,
      List<NabProfile> profiles,
      Map<String, NabScore> corpusNab) {
    List<WindowOutcome> outcomes = WindowOutcome.of(file, alertThreshold);
    WindowMetrics window = WindowMetrics.of(file, alertThreshold, outcomes);
    Map<String, NabScore> nab = new LinkedHashMap<>();
    for (NabProfile p : profiles) {
      NabScore corpus = corpusNab.get(p.name());
      nab.put(
          p.name(), NabScorer.scoreCorpus(List.of(file), p, corpus.threshold(), corpus.swept()));
    }
    return new FileMetrics(
        file.name(),
        file.rows(),
        window.windows(),
        alertThreshold,
        PointMetrics.at(file, alertThreshold),
        window,
        List.copyOf(outcomes),
        RankingMetrics.rocAuc(file),
        RankingMetrics.averagePrecision(file),
        Collections.unmodifiableMap(nab));
  }
}
