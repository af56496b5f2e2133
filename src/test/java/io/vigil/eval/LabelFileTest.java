package io.vigil.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelFileTest {

    @TempDir
    Path tmp;

    private LabelFile labels(String json) throws Exception {
        Path f = tmp.resolve("labels.json");
        Files.writeString(f, json);
        return LabelFile.read(f);
    }

    @Test
    void readsNabWindowsAndMatchesFilesOnWholePathSegments() throws Exception {
        LabelFile l = labels("{\"realKnownCause/nyc_taxi.csv\": [[\"2014-11-01 19:00:00.000000\","
                + " \"2014-11-02 12:30:00.000000\"]], \"art/x.csv\": [], \"y.csv\": [[1000, 2000]]}");
        long start = Instant.parse("2014-11-01T19:00:00Z").toEpochMilli();
        long end = Instant.parse("2014-11-02T12:30:00Z").toEpochMilli();
        assertThat(l.windowsFor("realKnownCause/nyc_taxi.csv")).contains(java.util.List.of(new Window(start, end)));
        assertThat(l.windowsFor("nyc_taxi.csv")).isPresent(); // a run over the sub-folder
        assertThat(l.windowsFor("nab/realKnownCause/nyc_taxi.csv")).isPresent(); // a run over the parent
        assertThat(l.windowsFor("xnyc_taxi.csv")).isEmpty(); // not on a segment boundary
        assertThat(l.windowsFor("art/x.csv")).contains(java.util.List.of());
        assertThat(l.windowsFor("y.csv")).contains(java.util.List.of(new Window(1000, 2000)));
        assertThat(l.windowsFor("other.csv")).isEmpty();
    }

    @Test
    void anAmbiguousSuffixGivesNoLabelsRatherThanWrongOnes() throws Exception {
        LabelFile l = labels("{\"a/x.csv\": [[1, 2]], \"b/x.csv\": [[3, 4]]}");
        assertThat(l.windowsFor("x.csv")).isEmpty();
        assertThat(l.windowsFor("b/x.csv")).contains(java.util.List.of(new Window(3, 4)));
    }

    @Test
    void malformedFilesNameTheKeyAndEntry() {
        assertThatThrownBy(() -> labels("[1, 2]")).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> labels("{\"a.csv\": [[\"nope\", \"2014-01-01\"]]}"))
                .hasMessageContaining("\"a.csv\"[0]: bad timestamp \"nope\"");
        assertThatThrownBy(() -> labels("{\"a.csv\": [[5000, 1000]]}")).hasMessageContaining("is before start");
        assertThatThrownBy(() -> labels("{\"a.csv\": [[1]]}")).hasMessageContaining("expected [start, end]");
    }
}
