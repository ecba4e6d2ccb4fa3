package io.sluice.core.internal.codec.anthropic;

import static io.sluice.core.internal.codec.anthropic.AnthropicStreams.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ReasoningStart;
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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One rule of the Anthropic Messages stream per test (docs/wire-formats.md §c), each on a wire
 * transcript read at every chunking.
 */
class AnthropicStreamDecoderTest {

  private static final String START = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant",\
      "model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,\
      "usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,\
      "output_tokens":1}}}

      """;

  private static final String END_TURN = """
      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":30}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  private static final ResponseStarted STARTED = new ResponseStarted("msg_1", "claude-sonnet-4-5", 0, "");
  private static final Usage START_USAGE = Usage.of(12, 1, 0, 0, 0);
  private static final Usage END_USAGE = Usage.of(12, 30, 0, 0, 0);

  @Test
  void textBlock() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" wörld"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        """ + END_TURN);
    assertThat(events).containsExactly(STARTED, START_USAGE, new TextStart(0, 0),
        new TextDelta(0, 0, "Hello"), new TextDelta(0, 0, " wörld"), new TextEnd(0, 0, "Hello wörld"),
        END_USAGE, new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void toolUseArgumentsArriveAsInputJsonDeltas() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\": "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Paris\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}

        event: message_stop
        data: {"type":"message_stop"}

        """);
    assertThat(events).containsExactly(STARTED, START_USAGE,
        new ToolCallStart(0, 0, 0, "toolu_1", "get_weather", ToolKind.FUNCTION),
        new ToolCallDelta(0, 0, 0, "toolu_1", "get_weather", "{\"city\": "), new ToolCallDelta(0, 0, 0, "toolu_1", "get_weather", "\"Paris\"}"),
        new ToolCallEnd(0, 0, 0, "toolu_1", "get_weather", ToolKind.FUNCTION, "{\"city\": \"Paris\"}",
            true),
        Usage.of(12, 9, 0, 0, 0), new Done(FinishReason.TOOL_CALLS, "tool_use"));
  }

  @Test
  void emptyToolInputIsAnEmptyObject() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_2","name":"list","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        """ + END_TURN);
    assertThat(events).contains(
        new ToolCallEnd(0, 0, 0, "toolu_2", "list", ToolKind.FUNCTION, "{}", true));
    assertThat(events).noneMatch(e -> e instanceof ToolCallDelta);
  }

  @Test
  void thinkingCollectsItsSignatureDelta() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAh"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        """ + END_TURN);
    assertThat(events).containsSequence(
        new ReasoningStart(0, 0, ReasoningKind.THINKING, ""),
        new ReasoningDelta(0, 0, "Let me think."),
        new ReasoningEnd(0, 0, ReasoningKind.THINKING, "Let me think.", "EqQBCgIYAh"));
  }

  @Test
  void redactedThinkingOpensAndClosesAtOnceWithItsData() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        """ + END_TURN);
    assertThat(events).containsSequence(
        new ReasoningStart(0, 0, ReasoningKind.REDACTED, ""),
        new ReasoningEnd(0, 0, ReasoningKind.REDACTED, "", "EmwKAhgBEgy3va"),
        new TextStart(0, 1), new TextEnd(0, 1, ""));
  }

  @Test
  void serverToolUseAndAWholeResultBlock() {
    String result = "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"srvtoolu_1\","
        + "\"content\":[{\"type\":\"web_search_result\",\"title\":\"T\",\"url\":\"https://x\"}]}";
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\":\\"x\\"}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":%s}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        """.formatted(result) + END_TURN);
    assertThat(events).contains(
        new ServerToolStart(0, 0, "srvtoolu_1", "web_search", "server_tool_use"),
        new ServerToolDelta(0, 0, "{\"query\":\"x\"}"),
        new ServerToolEnd(0, 0, "srvtoolu_1", "web_search", "server_tool_use",
            "{\"query\":\"x\"}", "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\","
                + "\"name\":\"web_search\",\"input\":{}}"),
        new ServerToolResult(0, 1, "srvtoolu_1", "web_search_tool_result", result));
    assertThat(events).noneMatch(e -> e instanceof ToolCallStart);
  }

  @Test
  void aResultBlocksToolUseIdIsItsFirstOneAndEmptyWhenNotAString() {
    String first = "{\"type\":\"bash_code_execution_tool_result\",\"content\":{\"tool_use_id\":\"in\"},"
        + "\"tool_use_id\":\"srvtoolu_1\",\"tool_use_id\":\"srvtoolu_2\"}";
    String notString = "{\"type\":\"web_fetch_tool_result\",\"tool_use_id\":7}";
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":%s}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":%s}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        """.formatted(first, notString) + END_TURN);
    assertThat(events).contains(
        new ServerToolResult(0, 0, "srvtoolu_1", "bash_code_execution_tool_result", first),
        new ServerToolResult(0, 1, "", "web_fetch_tool_result", notString));
  }

  @Test
  void citationsDeltasAddCitationsToTheirTextBlock() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":"","citations":[]}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"web_search_result_location","cited_text":"c","url":"https://x","title":"T","encrypted_index":"E"}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"cited"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        """ + END_TURN);
    String citation = "{\"type\":\"web_search_result_location\",\"cited_text\":\"c\","
        + "\"url\":\"https://x\",\"title\":\"T\",\"encrypted_index\":\"E\"}";
    assertThat(events).containsSequence(new TextStart(0, 0),
        new CitationAdded(0, 0,
            new Citation("web_search_result_location", "https://x", "T", "c", -1, -1, citation)),
        new TextDelta(0, 0, "cited"), new TextEnd(0, 0, "cited"));
    assertThat(events).last().isEqualTo(new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void pingsAnywhereAreIgnored() {
    List<StreamEvent> events = decode("""
        event: ping
        data: {"type": "ping"}

        """ + START + """
        event: ping
        data: {"type": "ping"}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        """ + END_TURN + """
        event: ping
        data: {"type": "ping"}

        """);
    assertThat(events).containsExactly(STARTED, START_USAGE, new TextStart(0, 0),
        new TextEnd(0, 0, ""), END_USAGE, new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void unknownEventTypesAreIgnored() {
    List<StreamEvent> events = decode(START + """
        event: message_annotation
        data: {"type":"message_annotation","annotation":{"kind":"new"}}

        """ + END_TURN);
    assertThat(events).containsExactly(STARTED, START_USAGE, END_USAGE,
        new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void dispatchesOnDataTypeWithoutEventLines() {
    List<StreamEvent> events = decode("""
        data: {"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":12,"output_tokens":1}}}

        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

        data: {"type":"content_block_stop","index":0}

        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":30}}

        data: {"type":"message_stop"}

        """);
    assertThat(events).containsExactly(STARTED, START_USAGE, new TextStart(0, 0),
        new TextDelta(0, 0, "Hi"), new TextEnd(0, 0, "Hi"), END_USAGE,
        new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void fallsBackToTheEventNameWhenDataHasNoType() {
    List<StreamEvent> events = decode(START + """
        event: message_stop
        data: {}

        """);
    assertThat(events).last().isEqualTo(new Done(FinishReason.STOP, ""));
  }

  @Test
  void toleratesTrailingSpacesAfterTheJson() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}     \s

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"} }   \s

        event: content_block_stop
        data: {"type":"content_block_stop","index":0 }\s

        """ + END_TURN);
    assertThat(events).contains(new TextEnd(0, 0, "x"));
    assertThat(events).last().isInstanceOf(Done.class);
  }

  @Test
  void messageDeltaUsageWinsFieldByField() {
    List<StreamEvent> events = decode("""
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","model":"claude-sonnet-4-5","usage":{"input_tokens":43,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":1}}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":61,"cache_read_input_tokens":null,"output_tokens":2}}

        event: message_stop
        data: {"type":"message_stop"}

        """);
    // inputTokens counts the cache: 43 + 100 + 5, then 61 + 100 + 5 (a null field keeps the old).
    assertThat(events).containsExactly(
        new ResponseStarted("msg_1", "claude-sonnet-4-5", 0, ""),
        Usage.of(148, 1, 100, 5, 0), Usage.of(166, 2, 100, 5, 0),
        new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void overloadedErrorAsTheFirstEvent() {
    List<StreamEvent> events = decode("""
        event: error
        data: {"type":"error","error":{"details":null,"type":"overloaded_error","message":"Overloaded"}}

        """);
    assertThat(events).containsExactly(
        new Failed("overloaded_error", "", "Overloaded", 529, true));
  }

  @Test
  void errorAfterPartialContentKeepsTheContent() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

        event: error
        data: {"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}

        """ + END_TURN);
    assertThat(events).containsExactly(STARTED, START_USAGE, new TextStart(0, 0),
        new TextDelta(0, 0, "Hel"), new Failed("rate_limit_error", "", "Slow down", 429, true));
  }

  @Test
  void unknownErrorTypeHasNoStatusAndIsNotRetryable() {
    List<StreamEvent> events = decode("""
        data: {"type":"error","error":{"type":"error","message":"test error"}}

        """);
    assertThat(events).containsExactly(new Failed("error", "", "test error", 0, false));
  }

  @Test
  void duplicateMessageStartWithTheSameIdIsIgnored() {
    List<StreamEvent> events = decode(START + START + END_TURN);
    assertThat(events).containsExactly(STARTED, START_USAGE, END_USAGE,
        new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void messageStartWithAnotherIdBeforeMessageStopFails() {
    List<StreamEvent> events = decode(START + START.replace("msg_1", "msg_2") + END_TURN);
    assertThat(events).hasSize(3);
    Failed failed = (Failed) events.get(2);
    assertThat(failed.type()).isEqualTo(Failed.MALFORMED);
    assertThat(failed.message()).contains("protocol error", "msg_2", "msg_1");
  }

  @Test
  void toolUseCutByMaxTokensWithoutMessageStopIsTruncatedWithItsPartialInput() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_3","name":"make_file","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"filename\\": \\"tax"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":124}}

        """);
    assertThat(events).containsExactly(STARTED, START_USAGE,
        new ToolCallStart(0, 0, 0, "toolu_3", "make_file", ToolKind.FUNCTION),
        new ToolCallDelta(0, 0, 0, "toolu_3", "make_file", "{\"filename\": \"tax"), Usage.of(12, 124, 0, 0, 0),
        new Failed(Failed.TRUNCATED, "", "the stream ended before message_stop", 0, true));
  }

  @Test
  void messageStopClosesABlockCutByMaxTokens() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_3","name":"make_file","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"filename\\": \\"tax"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":124}}

        event: message_stop
        data: {"type":"message_stop"}

        """);
    assertThat(events).containsSequence(Usage.of(12, 124, 0, 0, 0),
        new ToolCallEnd(0, 0, 0, "toolu_3", "make_file", ToolKind.FUNCTION,
            "{\"filename\": \"tax", false),
        new Done(FinishReason.LENGTH, "max_tokens"));
  }

  @Test
  void malformedJsonFails() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text",

        """ + END_TURN);
    assertThat(events).hasSize(3);
    Failed failed = (Failed) events.get(2);
    assertThat(failed.type()).isEqualTo(Failed.MALFORMED);
    assertThat(failed.message()).contains("content_block_start");
  }

  @Test
  void messageStopWithoutItsBlankLineEndsTheStream() {
    List<StreamEvent> events = decode(START + """
        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":30}}

        event: message_stop
        data: {"type":"message_stop"}
        """);
    assertThat(events).containsExactly(STARTED, START_USAGE, END_USAGE,
        new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void messageStopWithoutItsLineEndEndsTheStream() {
    List<StreamEvent> events = decode(START + """
        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":30}}

        event: message_stop
        data: {"type":"message_stop"}""");
    assertThat(events).last().isEqualTo(new Done(FinishReason.STOP, "end_turn"));
  }

  @Test
  void anUnterminatedEventThatIsNotTerminalIsATruncation() {
    List<StreamEvent> events = decode(START + """
        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":30}}
        """);
    assertThat(events).containsExactly(STARTED, START_USAGE,
        new Failed(Failed.TRUNCATED, "", "the stream ended before message_stop", 0, true));
  }

  @Test
  void aCutOffTerminalEventIsATruncation() {
    List<StreamEvent> events = decode(START + """
        event: message_stop
        data: {"type":"message_st""");
    assertThat(events).last().isEqualTo(
        new Failed(Failed.TRUNCATED, "", "the stream ended before message_stop", 0, true));
  }

  @Test
  void compactionDeltasAreMergedIntoOneOpaqueBlock() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"compaction","content":null,"encrypted_content":null}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"compaction_delta","content":"Summary.","encrypted_content":"Ep=="}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        """ + END_TURN);
    assertThat(events).contains(new OpaqueBlock(0, 0, "compaction",
        "{\"type\":\"compaction\",\"content\":\"Summary.\",\"encrypted_content\":\"Ep==\"}"));
  }

  @Test
  void blockIndexesAreOrdinalsOfAppearance() {
    List<StreamEvent> events = decode(START + """
        event: content_block_start
        data: {"type":"content_block_start","index":3,"content_block":{"type":"text","text":""}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":3}

        event: content_block_start
        data: {"type":"content_block_start","index":7,"content_block":{"type":"text","text":""}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":7}

        """ + END_TURN);
    assertThat(events).contains(new TextEnd(0, 0, ""), new TextEnd(0, 1, ""));
  }

  @Test
  void deltaForABlockThatIsNotOpenFails() {
    List<StreamEvent> events = decode(START + """
        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"}}

        """ + END_TURN);
    assertThat(events).last().isInstanceOf(Failed.class);
    assertThat(((Failed) events.get(events.size() - 1)).message()).contains("not open");
  }
}
