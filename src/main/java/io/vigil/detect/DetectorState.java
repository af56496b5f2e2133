package io.vigil.detect;

import java.io.DataOutput;
import java.io.IOException;

/**
 * What one detector remembers about one field (or one whole point) of one series: explicit,
 * versioned and written by its own codec. Each state class starts its encoding with its own
 * version byte and refuses versions it does not know; {@link DetectorStates} maps a detector name
 * to the reader of its state.
 */
public interface DetectorState {

    /** Writes this state (its own version byte first). */
    void write(DataOutput out) throws IOException;
}
