package io.sluice.core.reliability;

import io.sluice.core.codec.WireFormat;
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

/**
 * Every stream of the shared corpus, by wire format, as the bytes a client receives: the same
 * files the codecs' corpus tests replay. A {@code *.chunks.txt} becomes {@code data: <line>} blocks
 * (with {@code [DONE]} for Chat, an {@code event:} line per block for Responses and Anthropic, as
 * the real APIs send), cut into one stream per response where a file holds several.
 */
final class CorpusStreams {
  private CorpusStreams() {}

  record Stream1(WireFormat format, String name, byte[] wire) {
    @Override
    public String toString() {
      return format + " " + name;
    }
  }

  private static final Map<WireFormat, List<String>> DIRS = Map.of(
      WireFormat.OPENAI_CHAT, List.of("openai-python", "openai-node", "vercel-ai/openai-chat",
          "vercel-ai/openai-compatible-chat", "vercel-ai/mistral",
          "vercel-ai/inline-test-streams/openai-chat", "vercel-ai/inline-test-streams/mistral",
          "vercel-ai/azure-responses"),
      WireFormat.OPENAI_RESPONSES, List.of("openai-node", "vercel-ai/openai-responses",
          "vercel-ai/azure-responses", "vercel-ai/open-responses"),
      WireFormat.ANTHROPIC_MESSAGES, List.of("anthropic-sdk-python", "anthropic-sdk-typescript",
          "vercel-ai/anthropic", "vercel-ai/inline-test-streams/anthropic"));

  static List<Stream1> all() {
    Path root = SharedCorpus.require("corpus");
    List<Stream1> all = new ArrayList<>();
    for (WireFormat format : WireFormat.values()) {
      for (String dir : DIRS.getOrDefault(format, List.of())) {
        for (Path file : list(root.resolve(dir))) {
          String name = dir + "/" + file.getFileName();
          if (belongs(format, name)) {
            List<byte[]> wires = wires(format, name, file);
            for (int i = 0; i < wires.size(); i++) {
              all.add(new Stream1(format, name + (wires.size() > 1 ? "#" + (i + 1) : ""),
                  wires.get(i)));
            }
          }
        }
      }
    }
    return all;
  }

  /** Which files of a shared directory hold a stream of this format. */
  private static boolean belongs(WireFormat format, String name) {
    if (name.endsWith(".json") || name.endsWith(".snap")) {
      return false;
    }
    boolean deepseek = name.contains("azure-deepseek-reasoning"); // Chat chunks among Responses
    switch (format) {
      case OPENAI_CHAT:
        return name.startsWith("openai-node/") ? name.contains("ChatCompletionStream")
            : !name.startsWith("vercel-ai/azure-responses/") || deepseek;
      case OPENAI_RESPONSES:
        return name.startsWith("openai-node/") ? name.contains("ResponseStream") : !deepseek;
      default:
        return true;
    }
  }

  private static List<byte[]> wires(WireFormat format, String name, Path file) {
    if (!name.endsWith(".chunks.txt")) {
      return List.of(read(file));
    }
    List<byte[]> wires = new ArrayList<>();
    StringBuilder sse = new StringBuilder();
    for (String line : new String(read(file), StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String type = format == WireFormat.OPENAI_CHAT ? null : typeOf(line);
      if (type != null) {
        sse.append("event: ").append(type).append('\n');
      }
      sse.append("data: ").append(line).append("\n\n");
      if (type != null && (type.equals("message_stop") || type.equals("response.completed")
          || type.equals("response.failed") || type.equals("response.incomplete"))) {
        wires.add(sse.toString().getBytes(StandardCharsets.UTF_8));
        sse.setLength(0);
      }
    }
    if (format == WireFormat.OPENAI_CHAT) {
      sse.append("data: [DONE]\n\n");
    }
    if (sse.length() > 0) {
      wires.add(sse.toString().getBytes(StandardCharsets.UTF_8));
    }
    return wires;
  }

  private static String typeOf(String line) {
    try {
      Object type = JsonTree.object(line).get("type");
      return type instanceof String ? (String) type : null;
    } catch (RuntimeException notJson) {
      return null; // replayed as it is; the decoder reports it
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
