package io.vigil.detect;

import io.vigil.detect.iforest.IForestDetector;
import io.vigil.detect.iforest.IForestState;
import io.vigil.detect.stl.StlState;
import java.io.DataInput;
import java.io.IOException;
import java.util.Map;

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

    private static final Map<String, Reader> READERS = Map.of(
            SeriesScorer.STL, StlState::read,
            IForestDetector.NAME, IForestState::read);

    private DetectorStates() {}

    /** The reader of a detector's state, or null for a detector this build does not know. */
    public static Reader reader(String detector) {
        return READERS.get(detector);
    }
}
