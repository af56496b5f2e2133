package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  /** 40 rows, window over rows 20..23, alerts (score 0.9) on the given rows, else 0.1. */
  private static ScoredSeries file(String name, int... alerts) {
    long[] ts = new long[40];
    double[] score = new double[40];
    for (int i = 0; i < 40; i++) {
      ts[i] = 60_000L * i;
      score[i] = 0.1;
    }
    for (int a : alerts) {
      score[a] = 0.9;
    }
    return ScoredSeries.ofWindows(name, ts, score, List.of(new Window(ts[20], ts[23])));
  }

  /** 40 rows without any window, alerts on the given rows. */
  private static ScoredSeries quietFile(String name, int... alerts) {
    long[] ts = new long[40];
    double[] score = new double[40];
    for (int i = 0; i < 40; i++) {
      ts[i] = 60_000L * i;
      score[i] = 0.1;
    }
    for (int a : alerts) {
      score[a] = 0.9;
    }
    return ScoredSeries.ofWindows(name, ts, score, List.of());
  }

  private static List<ScoredSeries> corpus() {
    return List.of(file("a", 21, 22, 30), file("b", 10), quietFile("c", 35));
  }

  @Test
  void corpusAggregatesFileMetrics() {
    CorpusMetrics m = Evaluator.evaluate("det", corpus(), 0.5, OptionalDouble.of(0.5), NabProfile.ALL);
    assertThat(m.files()).isEqualTo(3);
    assertThat(m.rows()).isEqualTo(120);
    assertThat(m.windows()).isEqualTo(2);
    // point: a has TP 2 (rows 21, 22), FP 1, FN 2; b FP 1, FN 4; c FP 1
    assertThat(m.point()).isEqualTo(PointMetrics.fromCounts(2, 3, 6, 109));
    assertThat(m.window().detected()).isEqualTo(1);
    assertThat(m.window().fpEvents()).isEqualTo(3);
    assertThat(m.window().meanDelayRows()).isEqualTo(1.0); // a: window row 20, first alert 21

    NabScore standard = m.nab().get("standard");
    double sumRaw = 0;
    for (FileMetrics f : m.perFile()) {
      sumRaw += f.nab().get("standard").raw();
    }
    assertThat(standard.raw()).isCloseTo(sumRaw, within(1e-12));
    assertThat(standard.nullScore()).isEqualTo(-2.0);
    assertThat(standard.swept()).isFalse();
    // file c has no window: nothing to normalize against, and its ROC-AUC has one class only
    FileMetrics c = m.perFile().get(2);
    assertThat(c.nab().get("standard").normalized()).isNaN();
    assertThat(c.rocAuc()).isNaN();
    assertThat(c.window().recall()).isNaN();
  }

  @Test
  void sweptNabThresholdIsAppliedToEveryFile() {
    CorpusMetrics m = Evaluator.evaluate("det", corpus(), 0.5);
    for (NabProfile p : NabProfile.ALL) {
      NabScore corpus = m.nab().get(p.name());
      assertThat(corpus.swept()).isTrue();
      assertThat(corpus).isEqualTo(NabSweeper.sweep(corpus(), p));
      for (FileMetrics f : m.perFile()) {
        assertThat(f.nab().get(p.name()).threshold()).isEqualTo(corpus.threshold());
      }
    }
  }

  @Test
  void resultsRoundTripThroughJsonIncludingNaNAndMissedWindows() throws Exception {
    CorpusMetrics m = Evaluator.evaluate("det", corpus(), 0.5);
    ObjectMapper mapper = new ObjectMapper();
    String json = mapper.writeValueAsString(m);
    assertThat(json).contains("\"detector\":\"det\"", "\"reward_low_FN_rate\"", "\"perFile\"",
        "\"delayRows\":null");
    assertThat(mapper.readValue(json, CorpusMetrics.class)).isEqualTo(m);
  }

  @Test
  void markdownTableHasOneRowPerDetectorOrFile() {
    CorpusMetrics good = Evaluator.evaluate("good|one", List.of(file("a", 20)), 0.5);
    CorpusMetrics none = Evaluator.evaluate("none", List.of(file("a")), 0.5);
    String table = MetricsTable.detectors(List.of(good, none));
    String[] lines = table.split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("| detector | rows | windows | threshold | precision |")
        .endsWith("| NAB standard | NAB reward_low_FP_rate | NAB reward_low_FN_rate |");
    assertThat(lines[1]).startsWith("| --- | ---: |");
    // alerts only at the window's first row: precision 1, recall 1 of 4 labelled rows, window
    // recall 1, delay 0, NAB 100. ROC-AUC: row 20 beats all 36 negatives, rows 21-23 tie with
    // them: (1 + 3 * 0.5) / 4 = 0.625. AP: .25 * 1 at 0.9, then .75 * 4/40 at 0.1 = 0.325
    assertThat(lines[2]).isEqualTo("| good\\|one | 40 | 1 | 0.500 | 1.000 | 0.250 | 0.400 | 1.000"
        + " | 0 | 0.0 | 0.625 | 0.325 | 100.0 | 100.0 | 100.0 |");
    // never alerts: precision undefined, no delay, NAB 0
    assertThat(lines[3]).isEqualTo("| none | 40 | 1 | 0.500 | n/a | 0.000 | 0.000 | 0.000"
        + " | 0 | n/a | 0.500 | 0.100 | 0.0 | 0.0 | 0.0 |");

    String files = MetricsTable.files(good.perFile());
    assertThat(files.split("\n")).hasSize(3);
    assertThat(files).startsWith("| file |").contains("| a | 40 | 1 |");
  }
}
