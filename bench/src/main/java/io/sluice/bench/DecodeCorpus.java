package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The decode benchmark's input: the corpus's streams of one wire format, each one HTTP response
 * body as a provider sends it. The files are those the core module's corpus tests read for that
 * format ({@code core/src/test/java/io/sluice/core/internal/codec/*}), replayed the same way:
 * vercel's {@code .chunks.txt} become {@code data:} lines (Chat, with a final {@code [DONE]}) or
 * {@code event:} plus {@code data:} lines (Responses, Anthropic), and files holding several
 * responses are cut into one body per response.
 */
final class DecodeCorpus {

  /** The three wire formats measured. */
  enum Format { CHAT, RESPONSES, ANTHROPIC }

  private static final ObjectMapper JSON = new ObjectMapper();

  private DecodeCorpus() {}

  /** Every candidate response body of {@code format}, in a fixed order. */
  static List<byte[]> bodies(Format format) {
    Path corpus = SseCorpus.locateShared().orElseThrow(() -> new IllegalStateException(
        "shared/corpus not found: run from the project root, or pass -Dsluice.shared=<dir>"))
        .resolve("corpus");
    List<byte[]> out = new ArrayList<>();
    switch (format) {
      case CHAT:
        for (Path p : list(corpus, "openai-python", n -> n.endsWith(".bin"))) {
          out.add(read(p));
        }
        for (Path p : list(corpus, "openai-node", n -> n.startsWith("ChatCompletionStream.")
            && n.endsWith(".sse"))) {
          out.add(read(p));
        }
        for (String dir : List.of("vercel-ai/openai-chat", "vercel-ai/openai-compatible-chat",
            "vercel-ai/mistral", "vercel-ai/azure-responses",
            "vercel-ai/inline-test-streams/openai-chat", "vercel-ai/inline-test-streams/mistral")) {
          for (Path p : list(corpus, dir, n -> n.endsWith(".sse") || n.endsWith(".chunks.txt"))) {
            String n = p.getFileName().toString();
            if (dir.equals("vercel-ai/azure-responses") && !n.contains("azure-deepseek-reasoning")) {
              continue; // the rest of that directory is Responses
            }
            out.add(n.endsWith(".chunks.txt") ? chatReplay(p) : read(p));
          }
        }
        break;
      case RESPONSES:
        for (Path p : list(corpus, "openai-node", n -> n.startsWith("ResponseStream.")
            && n.endsWith(".sse"))) {
          out.add(read(p));
        }
        for (String dir : List.of("vercel-ai/openai-responses", "vercel-ai/azure-responses",
            "vercel-ai/open-responses")) {
          for (Path p : list(corpus, dir, n -> n.endsWith(".chunks.txt")
              && !n.contains("azure-deepseek-reasoning"))) {
            out.addAll(namedReplay(p, "response.completed", "response.failed",
                "response.incomplete"));
          }
        }
        break;
      case ANTHROPIC:
        for (String dir : List.of("anthropic-sdk-python", "anthropic-sdk-typescript",
            "vercel-ai/anthropic", "vercel-ai/inline-test-streams/anthropic")) {
          for (Path p : list(corpus, dir, n -> !n.endsWith(".json"))) {
            out.addAll(p.toString().endsWith(".chunks.txt") ? namedReplay(p, "message_stop")
                : List.of(read(p)));
          }
        }
        break;
      default:
        throw new IllegalArgumentException(format.toString());
    }
    return out;
  }

  private static List<Path> list(Path corpus, String dir, Predicate<String> name) {
    try (Stream<Path> files = Files.list(corpus.resolve(dir))) {
      return files.filter(p -> name.test(p.getFileName().toString())).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** vercel's Chat harness: each JSONL line as {@code data: <line>}, then {@code [DONE]}. */
  private static byte[] chatReplay(Path p) {
    StringBuilder sb = new StringBuilder();
    for (String line : lines(p)) {
      if (!line.isBlank()) {
        sb.append("data: ").append(line).append("\n\n");
      }
    }
    return sb.append("data: [DONE]\n\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Each JSONL line as {@code event: <type>} and {@code data: <line>}, as the provider sends
   * them; a new response body starts after each line whose type is one of {@code lastTypes}.
   */
  private static List<byte[]> namedReplay(Path p, String... lastTypes) {
    List<byte[]> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (String line : lines(p)) {
      if (line.isBlank()) {
        continue;
      }
      String type = type(line);
      if (type != null) {
        sb.append("event: ").append(type).append('\n');
      }
      sb.append("data: ").append(line).append("\n\n");
      if (type != null && List.of(lastTypes).contains(type)) {
        out.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.setLength(0);
      }
    }
    if (sb.length() > 0) {
      out.add(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String type(String json) {
    try {
      JsonNode type = JSON.readTree(json).get("type");
      return type != null && type.isTextual() ? type.asText() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
