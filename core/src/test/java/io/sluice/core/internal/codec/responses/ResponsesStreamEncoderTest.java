package io.sluice.core.internal.codec.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.ServerToolEnd;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** decode(encode(events)) == events, and the shape of what the encoder writes. */
class ResponsesStreamEncoderTest {

  static String encode(List<StreamEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var encoder = ResponsesCodec.INSTANCE.encoder(SseWriter.create(out::write));
    events.forEach(encoder::encode);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static final ResponseStarted STARTED = new ResponseStarted("resp_1", "gpt-5", 1700, "");

  @Test
  void textReasoningAndToolCallsRoundTrip() {
    List<StreamEvent> events = List.of(STARTED,
        new ReasoningStart(0, 0, ReasoningKind.SUMMARY, "rs_1"), new ReasoningDelta(0, 0, "Think"),
        new ReasoningEnd(0, 0, ReasoningKind.SUMMARY, "Think", ""),
        new ReasoningStart(0, 1, ReasoningKind.SUMMARY, "rs_1"), new ReasoningDelta(0, 1, "More"),
        new ReasoningEnd(0, 1, ReasoningKind.SUMMARY, "More", "gAAA"),
        new TextStart(0, 2), new TextDelta(0, 2, "Hi "), new TextDelta(0, 2, "there"),
        new TextEnd(0, 2, "Hi there"),
        new ToolCallStart(0, 3, 0, "call_1", "weather", ToolKind.FUNCTION),
        new ToolCallDelta(0, 3, 0, "call_1", "weather", "{\"city\":"), new ToolCallDelta(0, 3, 0, "call_1", "weather", "\"Oslo\"}"),
        new ToolCallEnd(0, 3, 0, "call_1", "weather", ToolKind.FUNCTION, "{\"city\":\"Oslo\"}", true),
        new ToolCallStart(0, 4, 1, "call_2", "sql", ToolKind.CUSTOM),
        new ToolCallEnd(0, 4, 1, "call_2", "sql", ToolKind.CUSTOM, "SELECT 1", false),
        new Usage(10, 20, 4, 0, 5, 30), new Done(FinishReason.TOOL_CALLS, "completed"));
    assertThat(ResponsesStreams.decode(encode(events))).isEqualTo(events);
  }

  @Test
  void refusalThinkingRedactedAndServerToolRoundTrip() {
    List<StreamEvent> events = List.of(STARTED,
        new ReasoningStart(0, 0, ReasoningKind.REDACTED, "rs_h"),
        new ReasoningEnd(0, 0, ReasoningKind.REDACTED, "", "enc"),
        new ReasoningStart(0, 1, ReasoningKind.THINKING, "rs_t"), new ReasoningDelta(0, 1, "a"),
        new ReasoningEnd(0, 1, ReasoningKind.THINKING, "a", ""),
        new ServerToolStart(0, 2, "ws_1", "", "web_search_call"),
        new ServerToolEnd(0, 2, "ws_1", "", "web_search_call", "{}",
            "{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\"}"),
        new RefusalStart(0, 3), new RefusalDelta(0, 3, "No."), new RefusalEnd(0, 3, "No."),
        new Done(FinishReason.STOP, "completed"));
    assertThat(ResponsesStreams.decode(encode(events))).isEqualTo(events);
  }

  @Test
  void lengthBecomesResponseIncomplete() {
    List<StreamEvent> events = List.of(STARTED, new TextStart(0, 0), new TextEnd(0, 0, "Once"),
        new Done(FinishReason.LENGTH, "max_output_tokens"));
    String wire = encode(events);
    assertThat(wire).contains("event: response.incomplete\n")
        .contains("\"incomplete_details\":{\"reason\":\"max_output_tokens\"}");
    assertThat(ResponsesStreams.decode(wire)).isEqualTo(events);
  }

  @Test
  void failedBecomesResponseFailed() {
    List<StreamEvent> events = List.of(STARTED, new TextStart(0, 0), new TextDelta(0, 0, "x"),
        new Failed("server_error", "server_error", "boom", 500, true));
    String wire = encode(events);
    assertThat(wire).contains("event: response.failed\n")
        .contains("\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}");
    assertThat(ResponsesStreams.decode(wire)).isEqualTo(events);
  }

  @Test
  void everyEventNamesItsTypeAndSequenceNumbersCountFromZero() {
    String wire = encode(List.of(new TextStart(0, 0), new TextDelta(0, 0, "x"),
        new TextEnd(0, 0, "x"), new Done(FinishReason.STOP, "completed")));
    String[] blocks = wire.split("\n\n");
    assertThat(blocks).hasSize(9);
    for (int i = 0; i < blocks.length; i++) {
      String[] lines = blocks[i].split("\n");
      String name = lines[0].substring("event: ".length());
      Map<String, Object> data = JsonTree.object(lines[1].substring("data: ".length()));
      assertThat(data).containsEntry("type", name).containsEntry("sequence_number", (long) i);
    }
    assertThat(blocks[0]).startsWith("event: response.created\n").contains("\"id\":\"resp_");
    assertThat(blocks[8]).startsWith("event: response.completed\n")
        .contains("\"output\":[{\"id\":\"msg_");
  }

  static List<String> corpus() throws IOException {
    return ResponsesCorpusTest.streams().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void corpusEventsRoundTrip(String name) throws IOException {
    for (List<StreamEvent> events : ResponsesCorpusTest.decodeFile(name)) {
      if (!(events.get(events.size() - 1) instanceof Done)
          && !(events.get(events.size() - 1) instanceof Failed f && f.code().equals(f.type()))) {
        continue; // sluice's own failures (malformed, truncated) are not provider errors
      }
      byte[] wire = encode(events).getBytes(StandardCharsets.UTF_8);
      // Log probabilities are not written: they follow a delta that has already gone out.
      List<StreamEvent> carried = events.stream().filter(e -> !(e instanceof Logprobs)).toList();
      assertThat(ResponsesStreams.decode(wire, Chunkings.of(wire, 0, 2))).isEqualTo(carried);
    }
  }
}
