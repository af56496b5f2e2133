package io.vigil.job.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.config.JobSpec;
import io.vigil.detect.DetectorSettings;
import io.vigil.detect.stl.StlConfig;
import io.vigil.eval.CorpusMetrics;
import io.vigil.testing.SharedData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backtest end to end on a local MiniCluster: the replay goes through the streaming job's
 * operators, every row comes back in order with a finite score, scores are causal, labels and
 * rejected rows are accounted for, and the report files are real.
 */
class BacktestITCase {

    private static final long HOUR = 3_600_000L;
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    /** Rows of the synthetic series with a planted anomaly (label 1). */
    private static final Set<Integer> PLANTED = Set.of(300, 420, 530);

    @TempDir
    Path tmp;

    /** Hourly, daily season, slow trend, seeded noise; three planted spikes and dips. */
    private static List<String> synthetic(long seed, int n, boolean labelColumn) {
        Random rnd = new Random(seed);
        List<String> lines = new ArrayList<>();
        lines.add(labelColumn ? "timestamp,value,label" : "timestamp,value");
        for (int i = 0; i < n; i++) {
            double v = 50 + 0.01 * i + 8 * Math.sin(2 * Math.PI * i / 24) + rnd.nextGaussian();
            if (i == 300) {
                v += 25;
            } else if (i == 420) {
                v -= 22;
            } else if (i == 530) {
                v += 30;
            }
            String ts = Instant.ofEpochMilli(START + i * HOUR).toString();
            lines.add(labelColumn ? String.format(Locale.ROOT, "%s,%.4f,%d", ts, v, PLANTED.contains(i) ? 1 : 0)
                    : String.format(Locale.ROOT, "%s,%.4f", ts, v));
        }
        return lines;
    }

    private static JobSpec spec() {
        return JobSpec.defaults().withDetectors(DetectorSettings.of(StlConfig.builder().period(24).build()));
    }

    private Backtest.Outcome run(Path input, Path out) throws Exception {
        return new Backtest(input, "test", spec(), null, out, OptionalDouble.empty(), 2, true).run(null);
    }

    private static List<String[]> rows(Path csv) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String l : Files.readAllLines(csv)) {
            out.add(l.split(",", -1));
        }
        return out;
    }

    @Test
    void writesEveryRowInOrderWithFiniteScoresAndFindsThePlantedPoints() throws Exception {
        Path in = tmp.resolve("in/plant/boiler.csv");
        Files.createDirectories(in.getParent());
        List<String> lines = synthetic(7, 700, true);
        // rows the job must reject, kept in the output with the reason
        lines.add(101, "not-a-time,12.0,0");
        lines.add(201, lines.get(200).replaceFirst(",[^,]+,0$", ",NaN,0"));
        Files.write(in, lines);

        Backtest.Outcome o = run(tmp.resolve("in"), tmp.resolve("out"));

        Path csv = tmp.resolve("out/plant/boiler.csv");
        List<String[]> rows = rows(csv);
        assertThat(rows.get(0)).containsExactly("timestamp", "value", "anomaly_score", "point_score", "is_anomaly", "expected",
                "lower", "upper", "detectors", "label", "score_stl", "rejected");
        assertThat(rows).hasSize(lines.size()); // one line per input line, header included
        for (int i = 1; i < rows.size(); i++) {
            double score = Double.parseDouble(rows.get(i)[2]);
            assertThat(score).as("row %d", i).isBetween(0.0, 1.0);
        }
        assertThat(rows.get(101)[11]).startsWith("\"UNREADABLE");
        assertThat(rows.get(201)[11]).startsWith("\"NON_FINITE_VALUE");
        assertThat(o.facts().rejectedRows()).containsEntry("UNREADABLE", 1L).containsEntry("NON_FINITE_VALUE", 1L);
        // the synthetic file's own rows, in order, once each
        int planted = 0;
        for (String[] r : rows.subList(1, rows.size())) {
            if (r[9].equals("1")) {
                assertThat(r[4]).as("planted row %s flagged", r[0]).isEqualTo("1");
                assertThat(r[8]).isEqualTo("stl");
                planted++;
            }
        }
        assertThat(planted).isEqualTo(3);

        CorpusMetrics m = o.metrics().get(0);
        assertThat(m.detector()).isEqualTo("combined");
        assertThat(m.window().recall()).isEqualTo(1.0);
        assertThat(m.point().recall()).isEqualTo(1.0);
        assertThat(m.window().fpEvents()).isLessThanOrEqualTo(2);

        JsonNode summary = new ObjectMapper().readTree(tmp.resolve("out/summary.json").toFile());
        assertThat(summary.path("run").path("rows").asLong()).isEqualTo(702);
        assertThat(summary.path("metrics").get(0).path("nab").path("standard").path("normalized").asDouble())
                .isGreaterThan(50.0);
        // the unreadable line has no time; the NaN row is counted and scores 0
        assertThat(Files.readString(tmp.resolve("out/summary.md"))).contains("| combined | 701 | 3 |");

        Path png = tmp.resolve("out/plant/boiler.png");
        byte[] head = Files.readAllBytes(png);
        assertThat(head).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertThat(head.length).isGreaterThan(10_000);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(SeriesChart.WIDTH);
        assertThat(img.getHeight()).isGreaterThanOrEqualTo(SeriesChart.HEIGHT_PER_FIELD);
        String index = Files.readString(tmp.resolve("out/index.html"), StandardCharsets.UTF_8);
        assertThat(index).contains("<img src=\"plant/boiler.png\"", "<td>combined</td>");
    }

    @Test
    void aRowsScoreDependsOnlyOnItsPast() throws Exception {
        Path full = tmp.resolve("full/s.csv");
        Path prefix = tmp.resolve("prefix/s.csv");
        Files.createDirectories(full.getParent());
        Files.createDirectories(prefix.getParent());
        List<String> lines = synthetic(11, 800, false);
        Files.write(full, lines);
        Files.write(prefix, lines.subList(0, 1 + 450));

        run(full.getParent(), tmp.resolve("out-full"));
        run(prefix.getParent(), tmp.resolve("out-prefix"));

        List<String[]> a = rows(tmp.resolve("out-full/s.csv"));
        List<String[]> b = rows(tmp.resolve("out-prefix/s.csv"));
        assertThat(b).hasSize(451);
        int scored = 0;
        for (int i = 1; i < b.size(); i++) {
            assertThat(b.get(i)).as("row %d", i).containsExactly(a.get(i));
            if (Double.parseDouble(b.get(i)[3]) > 0) { // point_score
                scored++;
            }
        }
        assertThat(scored).as("rows past the warm-up").isGreaterThan(300);
    }

    @Test
    void labelsFromAWindowsFileInNabFormatAndOneChartPerFile() throws Exception {
        Path dir = tmp.resolve("corpus");
        Files.createDirectories(dir.resolve("a"));
        Files.write(dir.resolve("a/one.csv"), synthetic(3, 700, false));
        Files.write(dir.resolve("a/two.csv"), synthetic(4, 600, false));
        String w1 = Instant.ofEpochMilli(START + 295 * HOUR).toString();
        String w2 = Instant.ofEpochMilli(START + 305 * HOUR).toString();
        Files.writeString(dir.resolve("labels.json"), "{\"a/one.csv\": [[\"" + w1 + "\", \"" + w2 + "\"]],"
                + " \"a/two.csv\": []}");

        Backtest.Outcome o = run(dir, tmp.resolve("out"));

        assertThat(o.metrics()).hasSize(1);
        CorpusMetrics m = o.metrics().get(0);
        assertThat(m.files()).isEqualTo(2);
        assertThat(m.windows()).isEqualTo(1);
        assertThat(m.window().detected()).isEqualTo(1);
        assertThat(m.perFile().get(0).window().meanDelayRows()).isEqualTo(5.0); // window opens 5 rows early
        assertThat(rows(tmp.resolve("out/a/two.csv")).get(0)).contains("label");
        assertThat(tmp.resolve("out/a/one.png")).exists();
        assertThat(tmp.resolve("out/a/two.png")).exists();
    }

    @Test
    void catfishPlantedPointsAreFoundWithTheDefaultJob() throws Exception {
        Path catfish = SharedData.require("catfish_planted.csv");
        Backtest.Outcome o = new Backtest(catfish, "jobs/default.yaml", JobSpec.load(Path.of("jobs/default.yaml")),
                null, tmp.resolve("bt"), OptionalDouble.empty(), 2, true).run(null);
        CorpusMetrics m = o.metrics().get(0);
        assertThat(m.windows()).isEqualTo(3);
        assertThat(m.window().detected()).isEqualTo(3);
        assertThat(m.window().fpEvents()).isLessThanOrEqualTo(1); // issue #9: at most one other alert
        assertThat(o.summary()).contains("catfish_planted.csv");
        assertThat(tmp.resolve("bt/catfish_planted.png")).exists();
    }

    /**
     * The accuracy bar of issue #9 on the NAB files here, with the shipped job spec: a regression
     * guard for every change to a default detector, the onset rule or the combination (about 15 s).
     */
    @Test
    void theDefaultJobMeetsTheAccuracyTargetOnTheLabelledNabFiles() throws Exception {
        Path nab = SharedData.require("nab");
        Backtest.Outcome o = new Backtest(nab, "jobs/default.yaml", JobSpec.load(Path.of("jobs/default.yaml")),
                nab.resolve("labels.json"), tmp.resolve("nab"), OptionalDouble.empty(), 2, false).run(null);
        CorpusMetrics m = o.metrics().get(0);
        assertThat(m.detector()).isEqualTo("combined");
        assertThat(m.windows()).isEqualTo(25);
        assertThat(m.nab().get("standard").normalized()).isGreaterThanOrEqualTo(68.0);
        assertThat(m.nab().get("reward_low_FP_rate").normalized()).isGreaterThanOrEqualTo(59.0);
        assertThat(m.nab().get("reward_low_FN_rate").normalized()).isGreaterThanOrEqualTo(73.0);
    }
}
