package io.vigil.detect;

import io.vigil.detect.kmeans.KMeansDetector;
import io.vigil.detect.kmeans.KMeansState;
import io.vigil.detect.autoencoder.AutoencoderDetector;
import io.vigil.detect.autoencoder.AutoencoderState;
import io.vigil.detect.forecast.ForecastDetector;
import io.vigil.detect.forecast.ForecastState;
import io.vigil.detect.iforest.IForestDetector;
import io.vigil.detect.iforest.IForestState;
import io.vigil.detect.stl.StlState;
import io.vigil.detect.range.RangeDetector;
import io.vigil.detect.range.RangeState;
import java.io.DataInput;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The readers of every detector's state, by detector name: what lets {@link SeriesState} read
 * back a checkpoint. A new detector registers its state reader here.
 */
public final class DetectorStates {

    /** Reads a state that {@link DetectorState#write} wrote. */
    @FunctionalInterface
    public interface Reader {
        DetectorState read(DataInput in) throws IOException;
    }

    private static final Map<String, Reader> READERS = new ConcurrentHashMap<>(Map.of(
            SeriesScorer.STL, StlState::read,
            ForecastDetector.NAME, ForecastState::read,
            RangeDetector.NAME, RangeState::read,
            IForestDetector.NAME, IForestState::read,
            KMeansDetector.NAME, KMeansState::read,
            AutoencoderDetector.NAME, AutoencoderState::read,
            IncidentState.COLUMN, IncidentState::read,
            OnsetState.COLUMN, OnsetState::read));

    private DetectorStates() {}

    /**
     * Registers the reader of a detector that is not built in (a plugin, or a test's own detector);
     * a built-in name cannot be taken over.
     */
    public static void register(String detector, Reader reader) {
        Reader had = READERS.putIfAbsent(detector, reader);
        if (had != null && had != reader && DetectorSettings.ALL.contains(detector)) {
            throw new IllegalArgumentException("detector '" + detector + "' is built in; its reader cannot be replaced");
        }
    }

    /** The reader of a detector's state, or null for a detector this build does not know. */
    public static Reader reader(String detector) {
        return READERS.get(detector);
    }
}
