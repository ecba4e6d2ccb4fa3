package io.sluice.core.internal.codec.anthropic;

import io.sluice.core.testing.JsonTree;
import io.sluice.core.testing.SharedCorpus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The shared corpus's Anthropic Messages streams, as SSE bytes split into single responses. */
final class AnthropicCorpus {
  private AnthropicCorpus() {}

  /** One response of a corpus file; {@code segment} counts responses within the file. */
  record Stream1(String name, int segment, byte[] wire, Map<String, Object> expected) {
    @Override
    public String toString() {
      return name + (segment > 0 ? "#" + segment : "");
    }
  }

  static final String[] DIRS = {"anthropic-sdk-python", "anthropic-sdk-typescript",
      "vercel-ai/anthropic", "vercel-ai/inline-test-streams/anthropic"};

  static List<Stream1> streams() {
    Path root = SharedCorpus.require("corpus");
    List<Stream1> all = new ArrayList<>();
    for (String dir : DIRS) {
      try (Stream<Path> files = Files.list(root.resolve(dir))) {
        files.sorted().forEach(file -> {
          String name = dir + "/" + file.getFileName();
          if (name.endsWith(".json")) {
            return;
          }
          Map<String, Object> expected =
              JsonTree.object(read(root.resolve("_expected/" + name + ".assembled.json")));
          List<byte[]> wires = name.endsWith(".chunks.txt") ? replay(read(file))
              : List.of(bytes(file));
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> segments = expected.containsKey("segments")
              ? (List<Map<String, Object>>) expected.get("segments") : List.of(expected);
          if (segments.size() != wires.size()) {
            throw new AssertionError(name + ": " + wires.size() + " responses but "
                + segments.size() + " expected segments");
          }
          for (int i = 0; i < wires.size(); i++) {
            all.add(new Stream1(name, segments.size() > 1 ? i + 1 : 0, wires.get(i),
                segments.get(i)));
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** The non-streaming bodies of vercel-ai/anthropic. */
  static List<Path> bodies() {
    Path dir = SharedCorpus.require("corpus").resolve("vercel-ai/anthropic");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A vercel {@code .chunks.txt} replayed as real Anthropic SSE: {@code event: <type>} plus
   * {@code data: <line>}, as the INDEX says. Files that hold several responses one after the other
   * (multi-turn captures) are cut after each {@code message_stop}: each is its own HTTP response.
   */
  static List<byte[]> replay(String text) {
    List<byte[]> out = new ArrayList<>();
    StringBuilder sse = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      Object type = JsonTree.object(line).get("type");
      sse.append("event: ").append(type).append('\n').append("data: ").append(line).append("\n\n");
      if ("message_stop".equals(type)) {
        out.add(sse.toString().getBytes(StandardCharsets.UTF_8));
        sse.setLength(0);
      }
    }
    if (sse.length() > 0) {
      out.add(sse.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  static String read(Path file) {
    return new String(bytes(file), StandardCharsets.UTF_8);
  }

  static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
