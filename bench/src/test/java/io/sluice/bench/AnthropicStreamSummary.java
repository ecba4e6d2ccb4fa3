package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.core.sse.SseReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an Anthropic Messages client takes from a stream, read with a plain JSON tree (neither
 * side's encoder): the concatenated text and thinking deltas, each tool_use block's concatenated
 * {@code partial_json} in block order, the last {@code stop_reason}, the last usage's token
 * counts, and whether {@code message_stop} ended it.
 */
record AnthropicStreamSummary(String text, String thinking, List<String> toolInputs,
    String stopReason, long inputTokens, long cacheReadTokens, long outputTokens,
    boolean stopped) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static AnthropicStreamSummary read(byte[] sse) {
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    Map<Long, StringBuilder> tools = new HashMap<>();
    List<StringBuilder> toolOrder = new ArrayList<>();
    String[] stopReason = {""};
    long[] usage = {-1, -1, -1};
    boolean[] stopped = {false};
    SluiceDecoder.feed(SseReader.create(event -> {
      JsonNode e = tree(event.data());
      switch (e.path("type").asText()) {
        case "content_block_start":
          if (e.path("content_block").path("type").asText().endsWith("tool_use")) {
            StringBuilder input = new StringBuilder();
            tools.put(e.path("index").asLong(), input);
            toolOrder.add(input);
          }
          break;
        case "content_block_delta":
          JsonNode d = e.path("delta");
          text.append(d.path("text").asText(""));
          thinking.append(d.path("thinking").asText(""));
          if (tools.containsKey(e.path("index").asLong())) {
            tools.get(e.path("index").asLong()).append(d.path("partial_json").asText(""));
          }
          break;
        case "message_delta":
          stopReason[0] = e.path("delta").path("stop_reason").asText("");
          usage[0] = e.path("usage").path("input_tokens").asLong();
          usage[1] = e.path("usage").path("cache_read_input_tokens").asLong();
          usage[2] = e.path("usage").path("output_tokens").asLong();
          break;
        case "message_stop":
          stopped[0] = true;
          break;
        default:
          break;
      }
    }), sse);
    return new AnthropicStreamSummary(text.toString(), thinking.toString(),
        toolOrder.stream().map(StringBuilder::toString).toList(), stopReason[0], usage[0],
        usage[1], usage[2], stopped[0]);
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
