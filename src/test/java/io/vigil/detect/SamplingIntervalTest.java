package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SamplingIntervalTest {

    private final long[] scratch = new long[SamplingInterval.SIZE];

    @Test
    void medianOfTheLastNineDifferencesAndNoneBeforeThree() {
        SamplingInterval s = new SamplingInterval();
        s.add(60);
        s.add(60);
        assertThat(s.median(scratch)).isZero();
        s.add(300);
        assertThat(s.median(scratch)).isEqualTo(60);
        for (int i = 0; i < 100; i++) {
            s.add(300);
        }
        assertThat(s.median(scratch)).isEqualTo(300); // the old 60s have left the nine
        assertThat(s.count()).isLessThan(2 * SamplingInterval.SIZE);
    }

    @Test
    void aRawCountOfEarlierReleasesReadsAsTheSameRing() throws IOException {
        SamplingInterval live = new SamplingInterval();
        for (int i = 1; i <= 40; i++) {
            live.add(i);
        }
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        live.writeDeltas(new DataOutputStream(bo));
        // an earlier release wrote 40 (differences seen) where this one writes the folded count
        SamplingInterval old = SamplingInterval.read(40, new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        SamplingInterval now = SamplingInterval.read(live.count(),
                new DataInputStream(new ByteArrayInputStream(bo.toByteArray())));
        assertThat(old).isEqualTo(live).isEqualTo(now);
        old.add(41);
        live.add(41);
        assertThat(old).isEqualTo(live);
        assertThat(old.median(scratch)).isEqualTo(live.median(scratch)).isEqualTo(37);
    }
}
