package io.sluice.core.internal.codec.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.ToolKind;
import io.sluice.core.event.Usage;
import io.sluice.core.sse.SseWriter;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.JsonTree;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The encoder writes Anthropic's SSE, and decoding what it wrote gives the same events back. */
class AnthropicStreamEncoderTest {

  private static final List<StreamEvent> RICH = List.of(
      new ResponseStarted("msg_9", "claude-opus-4-1", 0, ""),
      Usage.of(150, 1, 100, 20, 0),
      new ReasoningStart(0, 0, ReasoningKind.THINKING, ""),
      new ReasoningDelta(0, 0, "Think"), new ReasoningDelta(0, 0, "ing."),
      new ReasoningEnd(0, 0, ReasoningKind.THINKING, "Thinking.", "sig=="),
      new ReasoningStart(0, 1, ReasoningKind.REDACTED, ""),
      new ReasoningEnd(0, 1, ReasoningKind.REDACTED, "", "opaque-data"),
      new TextStart(0, 2), new TextDelta(0, 2, "Line 1\nLine 2 \"q\" é"),
      new TextEnd(0, 2, "Line 1\nLine 2 \"q\" é"),
      new ServerToolStart(0, 3, "srvtoolu_1", "web_search", "server_tool_use"),
      new ServerToolDelta(0, 3, "{\"query\":\"x\"}"),
      new ServerToolEnd(0, 3, "srvtoolu_1", "web_search", "server_tool_use",
          "{\"query\":\"x\"}", "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\","
              + "\"name\":\"web_search\",\"input\":{}}"),
      new ServerToolResult(0, 4, "srvtoolu_1", "web_search_tool_result",
          "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\",\"content\":[]}"),
      new ToolCallStart(0, 5, 0, "toolu_1", "get_weather", ToolKind.FUNCTION),
      new ToolCallDelta(0, 5, 0, "toolu_1", "get_weather", "{\"city\":"), new ToolCallDelta(0, 5, 0, "toolu_1", "get_weather", "\"Paris\"}"),
      new ToolCallEnd(0, 5, 0, "toolu_1", "get_weather", ToolKind.FUNCTION, "{\"city\":\"Paris\"}",
          true),
      new ToolCallStart(0, 6, 1, "toolu_2", "noargs", ToolKind.FUNCTION),
      new ToolCallEnd(0, 6, 1, "toolu_2", "noargs", ToolKind.FUNCTION, "{}", true),
      Usage.of(150, 77, 100, 20, 0),
      new Done(FinishReason.TOOL_CALLS, "tool_use"));

  @Test
  void richSequenceRoundTrips() {
    assertThat(roundTrip(RICH)).isEqualTo(RICH);
  }

  @Test
  void everyEventIsNamedAndUsageSplitsTheCacheOut() {
    String wire = encode(RICH);
    for (String block : wire.split("\n\n")) {
      assertThat(block).startsWith("event: ");
    }
    Map<String, Object> start = JsonTree.object(dataOf(wire, "message_start"));
    @SuppressWarnings("unchecked")
    Map<String, Object> usage =
        (Map<String, Object>) ((Map<String, Object>) start.get("message")).get("usage");
    assertThat(usage).containsEntry("input_tokens", 30L)
        .containsEntry("cache_read_input_tokens", 100L)
        .containsEntry("cache_creation_input_tokens", 20L).containsEntry("output_tokens", 1L);
  }

  @Test
  void redactedThinkingIsWrittenWholeInItsStart() {
    String wire = encode(RICH);
    assertThat(wire).contains("{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
        + "{\"type\":\"redacted_thinking\",\"data\":\"opaque-data\"}}");
  }

  @Test
  void signatureTravelsAsASignatureDeltaBeforeTheStop() {
    assertThat(encode(RICH)).contains("event: content_block_delta\ndata: {\"type\":"
        + "\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\","
        + "\"signature\":\"sig==\"}}\n\nevent: content_block_stop\ndata: {\"type\":"
        + "\"content_block_stop\",\"index\":0}\n\n");
  }

  @Test
  void stopReasonIsMappedWhenTheRawOneIsNotAnthropics() {
    String wire = encode(List.of(new ResponseStarted("chatcmpl-1", "gpt-4o", 0, ""),
        Usage.of(1, 1, 0, 0, 0), new Done(FinishReason.LENGTH, "length")));
    assertThat(dataOf(wire, "message_delta")).contains("\"stop_reason\":\"max_tokens\"");
  }

  @Test
  void refusalIsWrittenAsText() {
    List<StreamEvent> back = roundTrip(List.of(new ResponseStarted("m", "x", 0, ""),
        Usage.ZERO, new RefusalStart(0, 0), new RefusalDelta(0, 0, "No."),
        new RefusalEnd(0, 0, "No."), new Done(FinishReason.STOP, "end_turn")));
    assertThat(back).contains(new TextStart(0, 0), new TextDelta(0, 0, "No."),
        new TextEnd(0, 0, "No."));
  }

  @Test
  void failureBecomesAnErrorEvent() {
    List<StreamEvent> events = List.of(new Failed("overloaded_error", "", "Overloaded", 529, true));
    assertThat(encode(events)).isEqualTo("event: error\ndata: {\"type\":\"error\",\"error\":"
        + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    assertThat(roundTrip(events)).isEqualTo(events);
  }

  @Test
  void failureAfterContentRoundTrips() {
    List<StreamEvent> events = List.of(new ResponseStarted("m", "x", 0, ""), Usage.ZERO,
        new TextStart(0, 0), new TextDelta(0, 0, "Hel"),
        new Failed("api_error", "", "Internal error", 500, true));
    assertThat(roundTrip(events)).isEqualTo(events);
  }

  @Test
  void withoutResponseStartedAnIdAndModelAreMadeUp() {
    List<StreamEvent> back = roundTrip(List.of(new TextStart(0, 0), new TextEnd(0, 0, ""),
        new Done(FinishReason.STOP, "end_turn")));
    assertThat(((ResponseStarted) back.get(0)).id()).startsWith("msg_");
    assertThat(back).last().isEqualTo(new Done(FinishReason.STOP, "end_turn"));
  }

  @TestFactory
  Stream<DynamicTest> corpusStreamsRoundTrip() {
    return AnthropicCorpus.streams().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
      // Usage is compared apart: the encoder writes it where the format puts it
      // (message_start, message_delta), which may move it past a block closed by message_stop.
      List<StreamEvent> original = AnthropicStreams.once(Chunkings.given(List.of(s.wire())));
      List<StreamEvent> decoded = roundTrip(original);
      assertThat(lastUsage(decoded)).isEqualTo(lastUsage(original));
      List<StreamEvent> events = withoutUsage(original);
      List<StreamEvent> back = withoutUsage(decoded);
      StreamEvent last = events.get(events.size() - 1);
      if (last instanceof Failed && ((Failed) last).httpStatus() == 0) {
        // sluice's own failures (truncated, malformed) travel as an error event of that type,
        // which carries no status: only type and message come back.
        assertThat(back.subList(0, back.size() - 1))
            .isEqualTo(events.subList(0, events.size() - 1));
        Failed failed = (Failed) back.get(back.size() - 1);
        assertThat(failed.type()).isEqualTo(((Failed) last).type());
        assertThat(failed.message()).isEqualTo(((Failed) last).message());
      } else {
        assertThat(back).isEqualTo(events);
      }
    }));
  }

  private static List<StreamEvent> withoutUsage(List<StreamEvent> events) {
    return events.stream().filter(e -> !(e instanceof Usage)).toList();
  }

  private static Usage lastUsage(List<StreamEvent> events) {
    Usage last = null;
    for (StreamEvent e : events) {
      if (e instanceof Usage) {
        last = (Usage) e;
      }
    }
    return last;
  }

  static List<StreamEvent> roundTrip(List<StreamEvent> events) {
    byte[] wire = encode(events).getBytes(StandardCharsets.UTF_8);
    return AnthropicStreams.decode(wire, Chunkings.of(wire, 0, 3));
  }

  static String encode(List<StreamEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var encoder = AnthropicCodec.INSTANCE.encoder(SseWriter.create(out::write));
    events.forEach(encoder::encode);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String dataOf(String wire, String event) {
    List<String> found = new ArrayList<>();
    for (String block : wire.split("\n\n")) {
      if (block.startsWith("event: " + event + "\n")) {
        found.add(block.substring(block.indexOf("data: ") + 6));
      }
    }
    return found.get(0);
  }
}
