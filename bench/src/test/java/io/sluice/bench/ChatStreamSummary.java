package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.sse.SseReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a Chat Completions client takes from a stream, read with a plain JSON tree (neither side's
 * encoder): the concatenated {@code delta.content} and {@code delta.reasoning_content}, each tool
 * call's concatenated arguments by its index, the last {@code finish_reason}, the usage's token
 * counts, and whether {@code [DONE]} ended it.
 */
record ChatStreamSummary(String text, String reasoning, List<String> toolArguments,
    String finishReason, long promptTokens, long completionTokens, long totalTokens, boolean done) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A sink that keeps everything written to it. */
  static final class Capture implements io.sluice.core.sse.SseWriter.Sink {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Override
    public void write(byte[] bytes, int offset, int length) {
      out.write(bytes, offset, length);
    }
  }

  static ChatStreamSummary read(byte[] sse) {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    List<StringBuilder> tools = new ArrayList<>();
    String[] finish = {""};
    long[] usage = {-1, -1, -1};
    boolean[] done = {false};
    SluiceDecoder.feed(SseReader.create(event -> {
      if (event.data().equals("[DONE]")) {
        done[0] = true;
        return;
      }
      JsonNode chunk = tree(event.data());
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode delta = choice.path("delta");
        text.append(delta.path("content").asText(""));
        reasoning.append(delta.path("reasoning_content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
          int index = call.path("index").asInt();
          while (tools.size() <= index) {
            tools.add(new StringBuilder());
          }
          tools.get(index).append(call.path("function").path("arguments").asText(""));
        }
        if (choice.hasNonNull("finish_reason")) {
          finish[0] = choice.get("finish_reason").asText();
        }
      }
      if (chunk.hasNonNull("usage")) {
        usage[0] = chunk.get("usage").path("prompt_tokens").asLong();
        usage[1] = chunk.get("usage").path("completion_tokens").asLong();
        usage[2] = chunk.get("usage").path("total_tokens").asLong();
      }
    }), sse);
    return new ChatStreamSummary(text.toString(), reasoning.toString(),
        tools.stream().map(StringBuilder::toString).toList(), finish[0], usage[0], usage[1],
        usage[2], done[0]);
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
