package io.vigil.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test oracle: a statement-by-statement transliteration of NAB's {@code nab/sweeper.py} ({@code
 * scaledSigmoid}, {@code Sweeper.calcSweepScore}, {@code calcScoreByThreshold}, {@code
 * scoreDataSet}) and of {@code nab/optimizer.py} {@code optimizeThreshold}, keeping NAB's own data
 * structures (named window parts in a dict, a stably sorted list of points, the score recomputed
 * as the sum of all parts at every threshold). It shares no code with {@link NabScorer} or {@link
 * NabSweeper}. Like NAB it needs window limits that are row timestamps and windows wider than one
 * row.
 */
final class NabReferencePort {

  record AnomalyPoint(long timestamp, double anomalyScore, double sweepScore, String windowName) {}

  record ThresholdScore(double threshold, double score) {}

  private static final String PROBATIONARY = "probationary";

  private final double tpWeight;
  private final double fpWeight;
  private final double fnWeight;

  NabReferencePort(NabProfile profile) {
    this.tpWeight = profile.tpWeight();
    this.fpWeight = profile.fpWeight();
    this.fnWeight = profile.fnWeight();
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  static double scaledSigmoid(double relativePositionInWindow) {
    if (relativePositionInWindow > 3.0) {
      return -1.0;
    }
    return 2 * sigmoid(-5 * relativePositionInWindow) - 1.0;
  }

  private static double getProbationaryLength(int numRows) {
    return Math.min(Math.floor(0.15 * numRows), 0.15 * 5000);
  }

  private static int index(long[] timestamps, long t) {
    for (int i = 0; i < timestamps.length; i++) {
      if (timestamps[i] == t) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a row timestamp: " + t); // Python's ValueError
  }

  List<AnomalyPoint> calcSweepScore(
      long[] timestamps, double[] anomalyScores, List<long[]> windowLimitsIn, String dataSetName) {
    List<long[]> windowLimits = new ArrayList<>(windowLimitsIn);
    List<AnomalyPoint> anomalyList = new ArrayList<>();
    double maxTP = scaledSigmoid(-1.0);
    double probationaryLength = getProbationaryLength(timestamps.length);

    long[] curWindowLimits = null;
    String curWindowName = null;
    double curWindowWidth = 0;
    int curWindowRightIndex = 0;
    double prevWindowWidth = 0;
    Integer prevWindowRightIndex = null;

    for (int i = 0; i < timestamps.length; i++) {
      long curTime = timestamps[i];
      double curAnomaly = anomalyScores[i];
      double unweightedScore;
      double weightedScore;

      if (!windowLimits.isEmpty() && curTime == windowLimits.get(0)[0]) {
        curWindowLimits = windowLimits.remove(0);
        curWindowName = dataSetName + "|" + curWindowLimits[0];
        curWindowRightIndex = index(timestamps, curWindowLimits[1]);
        curWindowWidth = curWindowRightIndex - index(timestamps, curWindowLimits[0]) + 1;
      }

      if (curWindowLimits != null) {
        double positionInWindow = -(curWindowRightIndex - i + 1) / curWindowWidth;
        unweightedScore = scaledSigmoid(positionInWindow);
        weightedScore = unweightedScore * tpWeight / maxTP;
      } else {
        if (prevWindowRightIndex == null) {
          unweightedScore = -1.0;
        } else {
          double numerator = Math.abs(prevWindowRightIndex - i);
          double denominator = prevWindowWidth - 1;
          double positionPastWindow = numerator / denominator;
          unweightedScore = scaledSigmoid(positionPastWindow);
        }
        weightedScore = unweightedScore * fpWeight;
      }

      String pointWindowName = i >= probationaryLength ? curWindowName : PROBATIONARY;
      anomalyList.add(new AnomalyPoint(curTime, curAnomaly, weightedScore, pointWindowName));

      if (curWindowLimits != null && curTime == curWindowLimits[1]) {
        prevWindowRightIndex = i;
        prevWindowWidth = curWindowWidth;
        curWindowLimits = null;
        curWindowName = null;
        curWindowWidth = 0;
        curWindowRightIndex = 0;
      }
    }
    return anomalyList;
  }

  List<ThresholdScore> calcScoreByThreshold(List<AnomalyPoint> anomalyList) {
    List<AnomalyPoint> scorableList = new ArrayList<>();
    for (AnomalyPoint x : anomalyList) {
      if (!PROBATIONARY.equals(x.windowName())) {
        scorableList.add(x);
      }
    }
    // Python's sorted(..., reverse=True) is stable
    scorableList.sort(Comparator.comparingDouble(AnomalyPoint::anomalyScore).reversed());

    Map<String, Double> scoreParts = new LinkedHashMap<>();
    scoreParts.put("fp", 0.0);
    for (AnomalyPoint row : scorableList) {
      if (row.windowName() != null) {
        scoreParts.put(row.windowName(), -fnWeight);
      }
    }

    List<ThresholdScore> scoresByThreshold = new ArrayList<>();
    double curThreshold = 1.1;
    for (AnomalyPoint dataPoint : scorableList) {
      if (dataPoint.anomalyScore() != curThreshold) {
        scoresByThreshold.add(new ThresholdScore(curThreshold, sum(scoreParts)));
        curThreshold = dataPoint.anomalyScore();
      }
      if (dataPoint.windowName() == null) {
        scoreParts.put("fp", scoreParts.get("fp") + dataPoint.sweepScore());
      } else {
        scoreParts.put(dataPoint.windowName(),
            Math.max(scoreParts.get(dataPoint.windowName()), dataPoint.sweepScore()));
      }
    }
    scoresByThreshold.add(new ThresholdScore(curThreshold, sum(scoreParts)));
    return scoresByThreshold;
  }

  /** {@code scoreDataSet}: the matching row's score, or null where NAB finds no matching row. */
  Double scoreDataSet(
      long[] timestamps, double[] anomalyScores, List<long[]> windowLimits, String name,
      double threshold) {
    List<ThresholdScore> scoresByThreshold =
        calcScoreByThreshold(calcSweepScore(timestamps, anomalyScores, windowLimits, name));
    ThresholdScore matchingRow = null;
    ThresholdScore prevRow = null;
    for (ThresholdScore thresholdScore : scoresByThreshold) {
      if (thresholdScore.threshold() == threshold) {
        matchingRow = thresholdScore;
        break;
      } else if (thresholdScore.threshold() < threshold) {
        matchingRow = prevRow;
        break;
      }
      prevRow = thresholdScore;
    }
    return matchingRow == null ? null : matchingRow.score();
  }

  /** {@code optimizeThreshold}: pool all files, take the first of the stably sorted best. */
  ThresholdScore optimizeThreshold(List<ScoredSeries> files) {
    List<AnomalyPoint> allAnomalyRows = new ArrayList<>();
    for (ScoredSeries f : files) {
      allAnomalyRows.addAll(
          calcSweepScore(f.timestamps(), f.scores(), limits(f), f.name()));
    }
    List<ThresholdScore> scoresByThreshold = new ArrayList<>(calcScoreByThreshold(allAnomalyRows));
    scoresByThreshold.sort(Comparator.comparingDouble(ThresholdScore::score).reversed());
    return scoresByThreshold.get(0);
  }

  static List<long[]> limits(ScoredSeries f) {
    List<long[]> limits = new ArrayList<>();
    for (Window w : f.windows()) {
      limits.add(new long[] {w.start(), w.end()});
    }
    return limits;
  }

  private static double sum(Map<String, Double> parts) {
    double s = 0;
    for (double v : parts.values()) {
      s += v;
    }
    return s;
  }
}
