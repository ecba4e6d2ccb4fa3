package io.sluice.core.internal.codec.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.ResponseStarted;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Chat stream encoder: what it writes, and that decoding it gives the events back. */
class ChatStreamEncoderTest {

  private static final ResponseStarted STARTED = new ResponseStarted("c1", "m", 7, "");

  static String encode(List<StreamEvent> events, boolean includeUsage) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamEncoder encoder = ChatStreams.CODEC.encoder(SseWriter.create(out::write),
        new EncoderOptions(includeUsage));
    events.forEach(encoder::encode);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The data payloads written, in order. */
  static List<String> payloads(String wire) {
    List<String> data = new ArrayList<>();
    for (String block : wire.split("\n\n")) {
      assertThat(block).startsWith("data: ");
      data.add(block.substring("data: ".length()));
    }
    return data;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> delta(String chunk) {
    List<Map<String, Object>> choices = (List<Map<String, Object>>) JsonTree.object(chunk)
        .get("choices");
    return (Map<String, Object>) choices.get(0).get("delta");
  }

  /**
   * What a decode of the encoding gives back: Chat carries usage once, on the chunk before
   * {@code [DONE]}, so only the last {@link Usage} survives, placed before the terminal event and
   * the ends of blocks that only {@code [DONE]} closed.
   */
  static List<StreamEvent> expectedAfterRoundTrip(List<StreamEvent> events) {
    List<StreamEvent> out = new ArrayList<>();
    Usage last = null;
    for (StreamEvent e : events) {
      if (e instanceof Usage) {
        last = (Usage) e;
      } else {
        out.add(e);
      }
    }
    if (last != null) {
      int at = out.size() - 1;
      while (at > 0 && isEnd(out.get(at - 1))) {
        at--;
      }
      out.add(at, last);
    }
    return out;
  }

  private static boolean isEnd(StreamEvent e) {
    return e instanceof TextEnd || e instanceof ReasoningEnd || e instanceof ToolCallEnd
        || e instanceof io.sluice.core.event.RefusalEnd;
  }

  static List<StreamEvent> roundTrip(List<StreamEvent> events) {
    byte[] wire = encode(events, true).getBytes(StandardCharsets.UTF_8);
    List<StreamEvent> back = ChatStreams.decode(wire, Chunkings.of(wire, 0, 3));
    if (!(events.get(0) instanceof ResponseStarted) && back.get(0) instanceof ResponseStarted) {
      back = back.subList(1, back.size()); // the encoder synthesised an id
    } else if (events.get(0) instanceof ResponseStarted r && r.created() == 0
        && back.get(0) instanceof ResponseStarted b) {
      // The encoder gives a start without a time the time of encoding (tested on its own).
      back = new ArrayList<>(back);
      back.set(0, new ResponseStarted(b.id(), b.model(), 0, b.requestId()));
    }
    return back;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.sluice.core.internal.codec.chat.ChatCorpusTest#streams")
  void corpusEventsSurviveAnEncodeAndDecode(String file) throws IOException {
    List<StreamEvent> events = ChatCorpusTest.decode(file);
    assertThat(roundTrip(events)).isEqualTo(expectedAfterRoundTrip(events));
  }

  @Test
  void generatedEventsWithEveryBlockKindSurviveAnEncodeAndDecode() {
    List<StreamEvent> events = List.of(STARTED,
        new ReasoningStart(0, 0, ReasoningKind.THINKING, ""), new ReasoningDelta(0, 0, "hm"),
        new TextStart(0, 1), new TextDelta(0, 1, "Hé 😀\nline"),
        new ToolCallStart(0, 2, 0, "call_1", "f", ToolKind.FUNCTION),
        new ToolCallDelta(0, 2, 0, "call_1", "f", "{\"a\":"),
        new ToolCallDelta(0, 2, 0, "call_1", "f", "1}"),
        new ToolCallEnd(0, 2, 0, "call_1", "f", ToolKind.FUNCTION, "{\"a\":1}", true),
        new ToolCallStart(0, 3, 1, "call_2", "g", ToolKind.FUNCTION),
        new ToolCallDelta(0, 3, 1, "call_2", "g", "{}"),
        new ReasoningEnd(0, 0, ReasoningKind.THINKING, "hm", ""),
        new TextEnd(0, 1, "Hé 😀\nline"),
        new ToolCallEnd(0, 3, 1, "call_2", "g", ToolKind.FUNCTION, "{}", true),
        new ChoiceFinished(0, FinishReason.TOOL_CALLS, "tool_calls"),
        new Usage(10, 5, 2, 0, 1, 15), new Done(FinishReason.TOOL_CALLS, "tool_calls"));
    assertThat(roundTrip(events)).isEqualTo(events);
  }

  @Test
  void writesOneChunkPerDeltaWithTheRoleOnTheFirst() {
    List<String> data = payloads(encode(List.of(STARTED, new TextStart(0, 0),
        new TextDelta(0, 0, "a"), new TextDelta(0, 0, "b"), new TextEnd(0, 0, "ab"),
        new ChoiceFinished(0, FinishReason.STOP, "stop"), new Done(FinishReason.STOP, "stop")),
        true));
    assertThat(data).hasSize(4).last().isEqualTo("[DONE]");
    assertThat(JsonTree.object(data.get(0))).containsEntry("id", "c1")
        .containsEntry("object", "chat.completion.chunk").containsEntry("created", 7L)
        .containsEntry("model", "m");
    assertThat(delta(data.get(0))).containsEntry("role", "assistant").containsEntry("content", "a");
    assertThat(delta(data.get(1))).doesNotContainKey("role").containsEntry("content", "b");
    assertThat(data.get(2)).contains("\"delta\":{},\"finish_reason\":\"stop\"");
  }

  @Test
  void aStartWithoutATimeIsGivenTheTimeOfEncoding() {
    long before = System.currentTimeMillis() / 1000;
    List<String> data = payloads(encode(List.of(new ResponseStarted("msg_1", "m", 0, ""),
        new TextStart(0, 0), new TextDelta(0, 0, "a")), true)); // an Anthropic start has none
    assertThat((Long) JsonTree.object(data.get(0)).get("created"))
        .isBetween(before, System.currentTimeMillis() / 1000);
  }

  @Test
  @SuppressWarnings("unchecked")
  void toolCallFragmentsCarryTheCallsOrdinalAndTheIdOnlyFirst() {
    List<String> data = payloads(encode(List.of(STARTED, new TextStart(0, 0),
        new TextDelta(0, 0, "x"),
        new ToolCallStart(0, 1, 0, "call_1", "f", ToolKind.FUNCTION),
        new ToolCallDelta(0, 1, 0, "call_1", "f", "{}")), true));
    Map<String, Object> first = ((List<Map<String, Object>>) delta(data.get(1))
        .get("tool_calls")).get(0);
    assertThat(first).containsEntry("index", 0L).containsEntry("id", "call_1")
        .containsEntry("type", "function")
        .containsEntry("function", Map.of("name", "f", "arguments", ""));
    Map<String, Object> next = ((List<Map<String, Object>>) delta(data.get(2))
        .get("tool_calls")).get(0);
    assertThat(next).isEqualTo(Map.of("index", 0L, "function", Map.of("arguments", "{}")));
  }

  @Test
  void usageGoesLastOnAChunkWithNoChoicesAndCanBeLeftOut() {
    List<StreamEvent> events = List.of(STARTED, new Usage(1, 0, 0, 0, 0, 1),
        new ChoiceFinished(0, FinishReason.STOP, "stop"), new Usage(3, 4, 1, 0, 2, 7),
        new Done(FinishReason.STOP, "stop"));
    List<String> data = payloads(encode(events, true));
    assertThat(data).hasSize(3);
    assertThat(JsonTree.object(data.get(1))).containsEntry("choices", List.of())
        .containsEntry("usage", Map.of("prompt_tokens", 3L, "completion_tokens", 4L,
            "total_tokens", 7L, "prompt_tokens_details", Map.of("cached_tokens", 1L),
            "completion_tokens_details", Map.of("reasoning_tokens", 2L)));
    assertThat(payloads(encode(events, false))).hasSize(2).noneMatch(d -> d.contains("usage"));
  }

  @Test
  void failureBecomesAnErrorFinishChunkThenDone() {
    List<String> data = payloads(encode(List.of(STARTED, new TextStart(0, 0),
        new TextDelta(0, 0, "Hi"), new Failed("server_error", "", "boom", 500, true)), true));
    assertThat(data).hasSize(3).last().isEqualTo("[DONE]");
    Map<String, Object> chunk = JsonTree.object(data.get(1));
    assertThat(chunk.get("error")).isEqualTo(new java.util.LinkedHashMap<>(Map.of(
        "message", "boom", "type", "server_error")) {{
          put("param", null);
          put("code", null);
        }});
    assertThat(data.get(1)).contains("\"finish_reason\":\"error\"");
  }

  @Test
  void withoutResponseStartedAnIdAndTimeAreSynthesised() {
    List<String> data = payloads(encode(List.of(new TextStart(0, 0), new TextDelta(0, 0, "x"),
        new Done(FinishReason.STOP, "")), true));
    Map<String, Object> chunk = JsonTree.object(data.get(0));
    assertThat((String) chunk.get("id")).startsWith("chatcmpl-");
    assertThat((Long) chunk.get("created")).isPositive();
    // No finish reason came, so none is invented: the stream ends with [DONE] alone.
    assertThat(data).hasSize(2);
  }

  @Test
  void endValuesBeyondTheDeltasAreWrittenAsOneMoreDelta() {
    // A source that sends whole values at the end (an Anthropic tool call with no input).
    List<StreamEvent> events = List.of(STARTED,
        new ToolCallStart(0, 0, 0, "toolu_1", "f", ToolKind.FUNCTION),
        new ToolCallEnd(0, 0, 0, "toolu_1", "f", ToolKind.FUNCTION, "{}", true),
        new TextStart(0, 1), new TextDelta(0, 1, "ab"), new TextEnd(0, 1, "abc"),
        new Done(FinishReason.TOOL_CALLS, "tool_use"));
    byte[] wire = encode(events, true).getBytes(StandardCharsets.UTF_8);
    var back = io.sluice.core.message.MessageAccumulator.assemble(
        ChatStreams.decode(wire, Chunkings.of(wire, 0, 0)));
    assertThat(back.message().toolCalls()).singleElement()
        .extracting(io.sluice.core.message.Part.ToolCall::arguments).isEqualTo("{}");
    assertThat(back.text()).isEqualTo("abc");
    // Anthropic's tool_use becomes Chat's tool_calls on choice 0's finish chunk.
    assertThat(back.choices().get(0).rawFinishReason()).isEqualTo("tool_calls");
  }

  @Test
  void opaqueBlocksHaveNoChatFormAndAreSkipped() {
    List<String> data = payloads(encode(List.of(STARTED,
        new OpaqueBlock(0, 0, "web_search_tool_result", "{}"), new Done(FinishReason.STOP, "end_turn")),
        true));
    assertThat(data).hasSize(2);
    assertThat(data.get(0)).contains("\"finish_reason\":\"stop\"");
  }

  @Test
  void nothingIsWrittenAfterTheTerminalEvent() {
    String wire = encode(List.of(STARTED, new Done(FinishReason.STOP, ""),
        new TextStart(0, 0), new TextDelta(0, 0, "late")), true);
    assertThat(wire).isEqualTo("data: [DONE]\n\n");
  }
}
