package io.sluice.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The benchmark input: every real provider stream of {@code shared/corpus}, concatenated into one
 * {@code text/event-stream} body and repeated until it is a few megabytes, so that a pass is long
 * enough to time and the mix of providers is the corpus's own.
 */
final class SseCorpus {

  /** Whole copies of the set are added until the stream is at least this long. */
  static final int TARGET_BYTES = 4 * 1024 * 1024;

  private static final String CORPUS = "corpus";

  private final byte[] stream;
  private final int files;

  private SseCorpus(byte[] stream, int files) {
    this.stream = stream;
    this.files = files;
  }

  byte[] stream() {
    return stream;
  }

  int files() {
    return files;
  }

  /**
   * {@code shared/}, from {@code -Dsluice.shared}, or else beside the project root found above the
   * working directory, so the jar runs from the root or from {@code bench/} alike.
   */
  static Optional<Path> locateShared() {
    String configured = System.getProperty("sluice.shared");
    if (configured != null) {
      return existing(Path.of(configured));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("mvnw")) && dir.getParent() != null) {
        return existing(dir.resolveSibling("shared"));
      }
    }
    return Optional.empty();
  }

  private static Optional<Path> existing(Path shared) {
    Path normal = shared.toAbsolutePath().normalize();
    return Files.isDirectory(normal.resolve(CORPUS)) ? Optional.of(normal) : Optional.empty();
  }

  static SseCorpus load() {
    Path shared = locateShared().orElseThrow(() -> new IllegalStateException(
        "shared/corpus not found: run from the project root, or pass -Dsluice.shared=<dir>"));
    return load(shared.resolve(CORPUS));
  }

  static SseCorpus load(Path corpus) {
    List<Path> paths = streamFiles(corpus);
    if (paths.isEmpty()) {
      throw new IllegalStateException("no SSE streams under " + corpus);
    }
    ByteArrayOutputStream set = new ByteArrayOutputStream();
    for (Path path : paths) {
      set.writeBytes(eventStream(path));
    }
    byte[] one = set.toByteArray();
    ByteArrayOutputStream all = new ByteArrayOutputStream(TARGET_BYTES + one.length);
    while (all.size() < TARGET_BYTES) {
      all.writeBytes(one);
    }
    return new SseCorpus(all.toByteArray(), paths.size());
  }

  /** The raw bodies and the JSONL chunk files, sorted so that every run reads the same bytes. */
  private static List<Path> streamFiles(Path corpus) {
    try (Stream<Path> walk = Files.walk(corpus)) {
      return walk.filter(Files::isRegularFile).filter(SseCorpus::isStream).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isStream(Path path) {
    String name = path.getFileName().toString();
    String dir = path.getParent().getFileName().toString();
    return name.endsWith(".sse") || name.endsWith(".bin") || name.endsWith(".chunks.txt")
        // The Anthropic SDKs keep raw bodies as .txt (corpus INDEX.md).
        || dir.startsWith("anthropic-sdk-") && name.endsWith(".txt");
  }

  /** One file as an event stream that ends on a blank line, so no event runs into the next file. */
  private static byte[] eventStream(Path path) {
    try {
      if (path.getFileName().toString().endsWith(".chunks.txt")) {
        return fromChunks(Files.readAllLines(path, StandardCharsets.UTF_8));
      }
      return terminated(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** vercel's harness replays each JSONL line as {@code data: <line>\n\n} (corpus INDEX.md). */
  private static byte[] fromChunks(List<String> lines) {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (!line.isEmpty()) {
        out.append("data: ").append(line).append("\n\n");
      }
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Some upstream fixtures lack the final blank line, or even the final line end. */
  private static byte[] terminated(byte[] body) {
    int n = body.length;
    String tail;
    if (n >= 2 && body[n - 2] == '\n' && body[n - 1] == '\n') {
      return body;
    } else if (n >= 1 && body[n - 1] == '\n') {
      tail = "\n";
    } else {
      tail = "\n\n";
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + 2);
    out.writeBytes(body);
    out.writeBytes(tail.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
