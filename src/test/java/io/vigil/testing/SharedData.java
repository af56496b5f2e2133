package io.vigil.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data sets beside the project ({@code ../shared/data}). A user's clone does not have
 * them: tests that need them are skipped there, and seeded synthetic data covers the essentials.
 */
public final class SharedData {

    private SharedData() {}

    /** The path of a shared data file or folder; skips the calling test when it is absent. */
    public static Path require(String relative) {
        Path root = Path.of(System.getProperty("vigil.shared.data", "../shared/data"));
        Path p = root.resolve(relative);
        assumeTrue(Files.exists(p), "shared data not present: " + p);
        return p;
    }
}
