package io.sluice.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates {@code ../shared} beside the project. Tests that read it skip, with a message, on a
 * fresh clone where it is absent.
 */
public final class SharedCorpus {
  private SharedCorpus() {}

  public static Path root() {
    String configured = System.getProperty("sluice.shared");
    Path path = configured != null ? Path.of(configured) : Path.of("..", "..", "shared");
    return path.toAbsolutePath().normalize();
  }

  /** The path below {@code shared/}, or the test is skipped when {@code shared/} is absent. */
  public static Path require(String relative) {
    Path path = root().resolve(relative);
    assumeTrue(Files.exists(path),
        "skipped: " + path + " is absent (the shared corpus lies beside the project in CI only)");
    return path;
  }
}
