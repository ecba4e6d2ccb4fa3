package io.sluice.core.internal.codec.responses;

import static io.sluice.core.internal.codec.responses.ResponsesStreams.decode;
import static io.sluice.core.internal.codec.responses.ResponsesStreams.named;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.TokenLogprob;
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
 * One Responses stream quirk per test (docs/wire-formats.md §b), each decoded at every chunking.
 */
class ResponsesStreamDecoderTest {

  private static final String CREATED = """
      {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","model":"gpt-5","output":[],"usage":null}}
      """;

  private static final ResponseStarted STARTED =
      new ResponseStarted("resp_1", "gpt-5", 1700000000, "");

  @Test
  void plainTextMessage() {
    var events = decode("""
        event: response.created
        data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"in_progress","model":"gpt-5","output":[],"usage":null}}

        event: response.output_item.added
        data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","role":"assistant","content":[]}}

        event: response.content_part.added
        data: {"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"text":""}}

        event: response.output_text.delta
        data: {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hel","logprobs":[],"obfuscation":"x"}

        event: response.output_text.delta
        data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"lo","logprobs":[]}

        event: response.output_text.done
        data: {"type":"response.output_text.done","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello","logprobs":[]}

        event: response.content_part.done
        data: {"type":"response.content_part.done","sequence_number":6,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"Hello"}}

        event: response.output_item.done
        data: {"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}}

        event: response.completed
        data: {"type":"response.completed","sequence_number":8,"response":{"id":"resp_1","object":"response","created_at":1700000000,"status":"completed","model":"gpt-5","output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Hello","annotations":[]}]}],"usage":{"input_tokens":12,"input_tokens_details":{"cached_tokens":4},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":15}}}

        """);
    assertThat(events).containsExactly(STARTED, new TextStart(0, 0), new TextDelta(0, 0, "Hel"),
        new TextDelta(0, 0, "lo"), new TextEnd(0, 0, "Hello"), new Usage(12, 3, 4, 0, 0, 15),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void reasoningSummaryThenFunctionCall() {
    var events = decode(named(CREATED + """
        {"type":"response.in_progress","sequence_number":1,"response":{"id":"resp_1","status":"in_progress","output":[]}}
        {"type":"response.output_item.added","sequence_number":2,"output_index":0,"item":{"id":"rs_1","type":"reasoning","encrypted_content":"gAAA-early","summary":[]}}
        {"type":"response.reasoning_summary_part.added","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":""}}
        {"type":"response.reasoning_summary_text.delta","sequence_number":4,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"**Plan**"}
        {"type":"response.reasoning_summary_text.done","sequence_number":5,"item_id":"rs_1","output_index":0,"summary_index":0,"text":"**Plan**"}
        {"type":"response.reasoning_summary_part.done","sequence_number":6,"item_id":"rs_1","output_index":0,"summary_index":0,"part":{"type":"summary_text","text":"**Plan**"}}
        {"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"rs_1","type":"reasoning","encrypted_content":"gAAA-final","summary":[{"type":"summary_text","text":"**Plan**"}]}}
        {"type":"response.output_item.added","sequence_number":8,"output_index":1,"item":{"id":"fc_1","type":"function_call","status":"in_progress","arguments":"","call_id":"call_A","name":"calculator"}}
        {"type":"response.function_call_arguments.delta","sequence_number":9,"item_id":"fc_1","output_index":1,"delta":"{\\"a\\":"}
        {"type":"response.function_call_arguments.delta","sequence_number":10,"item_id":"fc_1","output_index":1,"delta":"12}"}
        {"type":"response.function_call_arguments.done","sequence_number":11,"item_id":"fc_1","output_index":1,"arguments":"{\\"a\\":12}"}
        {"type":"response.output_item.done","sequence_number":12,"output_index":1,"item":{"id":"fc_1","type":"function_call","status":"completed","arguments":"{\\"a\\":12}","call_id":"call_A","name":"calculator"}}
        {"type":"response.completed","sequence_number":13,"response":{"id":"resp_1","status":"completed","output":[],"usage":{"input_tokens":134,"input_tokens_details":{"cached_tokens":0},"output_tokens":28,"output_tokens_details":{"reasoning_tokens":7},"total_tokens":162}}}
        """));
    assertThat(events).containsExactly(STARTED,
        new ReasoningStart(0, 0, ReasoningKind.SUMMARY, "rs_1"), new ReasoningDelta(0, 0, "**Plan**"),
        new ReasoningEnd(0, 0, ReasoningKind.SUMMARY, "**Plan**", "gAAA-final"),
        new ToolCallStart(0, 1, 0, "call_A", "calculator", ToolKind.FUNCTION),
        new ToolCallDelta(0, 1, 0, "call_A", "calculator", "{\"a\":"), new ToolCallDelta(0, 1, 0, "call_A", "calculator", "12}"),
        new ToolCallEnd(0, 1, 0, "call_A", "calculator", ToolKind.FUNCTION, "{\"a\":12}", true),
        new Usage(134, 28, 0, 0, 7, 162), new Done(FinishReason.TOOL_CALLS, "completed"));
  }

  @Test
  void parallelFunctionCallsAreSeveralItems() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_1","type":"function_call","arguments":"","call_id":"call_1","name":"weather"}}
        {"type":"response.function_call_arguments.delta","sequence_number":2,"item_id":"fc_1","output_index":0,"delta":"{}"}
        {"type":"response.output_item.added","sequence_number":3,"output_index":1,"item":{"id":"fc_2","type":"function_call","arguments":"","call_id":"call_2","name":"stock"}}
        {"type":"response.function_call_arguments.delta","sequence_number":4,"item_id":"fc_2","output_index":1,"delta":"{\\"t\\":1}"}
        {"type":"response.function_call_arguments.done","sequence_number":5,"item_id":"fc_1","output_index":0,"arguments":"{}"}
        {"type":"response.function_call_arguments.done","sequence_number":6,"item_id":"fc_2","output_index":1,"arguments":"{\\"t\\":1}"}
        {"type":"response.completed","sequence_number":7,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(
        new ToolCallStart(0, 0, 0, "call_1", "weather", ToolKind.FUNCTION),
        new ToolCallDelta(0, 0, 0, "call_1", "weather", "{}"),
        new ToolCallStart(0, 1, 1, "call_2", "stock", ToolKind.FUNCTION),
        new ToolCallDelta(0, 1, 1, "call_2", "stock", "{\"t\":1}"),
        new ToolCallEnd(0, 0, 0, "call_1", "weather", ToolKind.FUNCTION, "{}", true),
        new ToolCallEnd(0, 1, 1, "call_2", "stock", ToolKind.FUNCTION, "{\"t\":1}", true),
        new Done(FinishReason.TOOL_CALLS, "completed"));
  }

  @Test
  void customToolCallHasCustomKind() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"ctc_1","type":"custom_tool_call","call_id":"call_1","name":"write_sql","input":""}}
        {"type":"response.custom_tool_call_input.delta","sequence_number":2,"item_id":"ctc_1","output_index":0,"delta":"SELECT 1"}
        {"type":"response.custom_tool_call_input.done","sequence_number":3,"item_id":"ctc_1","output_index":0,"input":"SELECT 1"}
        {"type":"response.completed","sequence_number":4,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events).contains(
        new ToolCallEnd(0, 0, 0, "call_1", "write_sql", ToolKind.CUSTOM, "SELECT 1", false),
        new Done(FinishReason.TOOL_CALLS, "completed"));
  }

  @Test
  void refusalPartIsARefusalBlock() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","role":"assistant","content":[]}}
        {"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"refusal","refusal":""}}
        {"type":"response.refusal.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"I can't"}
        {"type":"response.refusal.done","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"refusal":"I can't help."}
        {"type":"response.completed","sequence_number":5,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(new RefusalStart(0, 0),
        new RefusalDelta(0, 0, "I can't"), new RefusalEnd(0, 0, "I can't help."),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void reasoningItemWithoutDoneEventsClosesWhenTheNextItemStarts() {
    // openai-node ResponseStream.stream-reasoning-works-1: no *.done events for the reasoning item.
    var events = decode("""
        data: {"response":{"id":"resp_1","created_at":1,"model":"o3","output":[],"status":"in_progress"},"sequence_number":0,"type":"response.created"}

        data: {"item":{"id":"r1","type":"reasoning","summary":[]},"output_index":0,"sequence_number":1,"type":"response.output_item.added"}

        data: {"content_index":0,"item_id":"r1","output_index":0,"part":{"type":"reasoning_text","text":""},"sequence_number":2,"type":"response.content_part.added"}

        data: {"content_index":0,"delta":"Step 1.","item_id":"r1","output_index":0,"sequence_number":3,"type":"response.reasoning_text.delta"}

        data: {"item":{"id":"msg_2","type":"message","content":[]},"output_index":1,"sequence_number":4,"type":"response.output_item.added"}

        data: {"content_index":0,"item_id":"msg_2","output_index":1,"part":{"type":"output_text","text":""},"sequence_number":5,"type":"response.content_part.added"}

        data: {"content_index":0,"delta":"42","item_id":"msg_2","output_index":1,"sequence_number":6,"type":"response.output_text.delta"}

        data: {"response":{"id":"resp_1","status":"completed","output":[{"id":"r1","type":"reasoning","summary":[],"content":[{"type":"reasoning_text","text":"Step 1."}]},{"id":"msg_2","type":"message","content":[{"type":"output_text","text":"42"}]}]},"sequence_number":7,"type":"response.completed"}

        data: [DONE]

        """);
    assertThat(events).containsExactly(new ResponseStarted("resp_1", "o3", 1, ""),
        new ReasoningStart(0, 0, ReasoningKind.THINKING, "r1"), new ReasoningDelta(0, 0, "Step 1."),
        new ReasoningEnd(0, 0, ReasoningKind.THINKING, "Step 1.", ""),
        new TextStart(0, 1), new TextDelta(0, 1, "42"), new TextEnd(0, 1, "42"),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void reasoningItemWithoutPartsIsOneRedactedBlockCarryingTheEncryptedContent() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"rs_9","type":"reasoning","summary":[]}}
        {"type":"response.output_item.done","sequence_number":2,"output_index":0,"item":{"id":"rs_9","type":"reasoning","summary":[],"encrypted_content":"gAAA"}}
        {"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(
        new ReasoningStart(0, 0, ReasoningKind.REDACTED, "rs_9"),
        new ReasoningEnd(0, 0, ReasoningKind.REDACTED, "", "gAAA"),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void severalSummaryPartsAreSeveralBlocksAndOnlyTheLastCarriesTheSignature() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[]}}
        {"type":"response.reasoning_summary_text.delta","sequence_number":2,"item_id":"rs_1","output_index":0,"summary_index":0,"delta":"A"}
        {"type":"response.reasoning_summary_text.delta","sequence_number":3,"item_id":"rs_1","output_index":0,"summary_index":1,"delta":"B"}
        {"type":"response.output_item.done","sequence_number":4,"output_index":0,"item":{"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"A"},{"type":"summary_text","text":"B!"}],"encrypted_content":"enc"}}
        {"type":"response.completed","sequence_number":5,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(
        new ReasoningStart(0, 0, ReasoningKind.SUMMARY, "rs_1"), new ReasoningDelta(0, 0, "A"),
        new ReasoningEnd(0, 0, ReasoningKind.SUMMARY, "A", ""),
        new ReasoningStart(0, 1, ReasoningKind.SUMMARY, "rs_1"), new ReasoningDelta(0, 1, "B"),
        new ReasoningEnd(0, 1, ReasoningKind.SUMMARY, "B!", "enc"),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void incompleteForMaxOutputTokensIsLength() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}
        {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Once upon"}
        {"type":"response.incomplete","sequence_number":3,"response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[{"id":"msg_1","type":"message","status":"incomplete","content":[{"type":"output_text","text":"Once upon"}]}],"usage":{"input_tokens":5,"output_tokens":2,"total_tokens":7}}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(new TextStart(0, 0),
        new TextDelta(0, 0, "Once upon"), new TextEnd(0, 0, "Once upon"),
        new Usage(5, 2, 0, 0, 0, 7), new Done(FinishReason.LENGTH, "max_output_tokens"));
  }

  @Test
  void incompleteForContentFilter() {
    var events = decode(named(CREATED + """
        {"type":"response.incomplete","sequence_number":1,"response":{"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"content_filter"},"output":[]}}
        """));
    assertThat(events).last().isEqualTo(new Done(FinishReason.CONTENT_FILTER, "content_filter"));
  }

  @Test
  void responseFailedCarriesTheResponseError() {
    var events = decode(named(CREATED + """
        {"type":"response.failed","sequence_number":1,"response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"The model failed."},"output":[]}}
        """));
    assertThat(events).containsExactly(STARTED,
        new Failed("server_error", "server_error", "The model failed.", 500, true));
  }

  @Test
  void errorEventInItsFlatSpecShape() {
    var events = decode(named(CREATED + """
        {"type":"error","sequence_number":1,"code":"ERR_SOMETHING","message":"Something went wrong","param":null}
        """));
    assertThat(events).containsExactly(STARTED,
        new Failed("ERR_SOMETHING", "ERR_SOMETHING", "Something went wrong", 0, false));
  }

  @Test
  void errorEventInItsNestedRealShapeEndsTheStreamBeforeResponseFailed() {
    // vercel openai-error.1: the error event, then response.failed; the first one is the terminal.
    var events = decode(named(CREATED + """
        {"type":"error","sequence_number":1,"error":{"type":"tokens","code":"rate_limit_exceeded","message":"Request too large","param":null}}
        {"type":"response.failed","sequence_number":2,"response":{"id":"resp_1","status":"failed","error":{"code":"rate_limit_exceeded","message":"Request too large"},"output":[]}}
        """));
    assertThat(events).containsExactly(STARTED,
        new Failed("tokens", "rate_limit_exceeded", "Request too large", 429, true));
  }

  @Test
  void sequenceNumberGapFailsTheStream() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}
        {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"x"}
        {"type":"response.completed","sequence_number":4,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events).last().isInstanceOfSatisfying(Failed.class, failed -> {
      assertThat(failed.type()).isEqualTo(Failed.MALFORMED);
      assertThat(failed.message()).contains("sequence_number went from 1 to 3");
    });
  }

  @Test
  void sequenceNumberSteppingBackFailsTheStream() {
    var events = decode(named(CREATED + """
        {"type":"response.in_progress","sequence_number":0,"response":{"id":"resp_1","output":[]}}
        """));
    assertThat(events).last().isInstanceOf(Failed.class);
  }

  @Test
  void trailingDoneAfterTheTerminalIsIgnored() {
    var events = decode(named(CREATED + """
        {"type":"response.completed","sequence_number":1,"response":{"id":"resp_1","status":"completed","output":[]}}
        """) + "data: [DONE]\n\n");
    assertThat(events).containsExactly(STARTED, new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void unknownEventTypesAreIgnored() {
    var events = decode(named(CREATED + """
        {"type":"response.shell_call_command.delta","sequence_number":1,"output_index":0,"delta":"ls"}
        {"type":"response.brand_new_event","sequence_number":2,"whatever":{"nested":[1,2]}}
        {"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events).containsExactly(STARTED, new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void webSearchCallItemIsAServerToolNeverAToolCall() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"in_progress"}}
        {"type":"response.web_search_call.searching","sequence_number":2,"output_index":0,"item_id":"ws_1"}
        {"type":"response.output_item.done","sequence_number":3,"output_index":0,"item":{"id":"ws_1","type":"web_search_call","status":"completed","action":{"type":"search","query":"sluice"}}}
        {"type":"response.completed","sequence_number":4,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(
        new ServerToolStart(0, 0, "ws_1", "", "web_search_call"),
        new ServerToolEnd(0, 0, "ws_1", "", "web_search_call", "{}",
            "{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\","
                + "\"action\":{\"type\":\"search\",\"query\":\"sluice\"}}"),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void completedWithoutItsBlankLineEndsTheStream() {
    String wire = named(CREATED + """
        {"type":"response.completed","sequence_number":1,"response":{"id":"resp_1","status":"completed","output":[]}}
        """);
    var events = decode(wire.substring(0, wire.length() - 1));
    assertThat(events).containsExactly(STARTED, new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void aDeltaWithoutItsBlankLineAtTheEndIsATruncation() {
    String wire = named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}
        """);
    var events = decode(wire.substring(0, wire.length() - 1));
    assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(Failed.class,
        failed -> assertThat(failed.type()).isEqualTo(Failed.TRUNCATED));
  }

  @Test
  void mcpCallArgumentsAreTheServerToolsInput() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"mcp_1","type":"mcp_call","name":"search","server_label":"s","arguments":""}}
        {"type":"response.mcp_call_arguments.delta","sequence_number":2,"output_index":0,"item_id":"mcp_1","delta":"{\\"q\\":"}
        {"type":"response.mcp_call_arguments.delta","sequence_number":3,"output_index":0,"item_id":"mcp_1","delta":"1}"}
        {"type":"response.output_item.done","sequence_number":4,"output_index":0,"item":{"id":"mcp_1","type":"mcp_call","name":"search","server_label":"s","arguments":"{\\"q\\":1}","output":"found"}}
        {"type":"response.completed","sequence_number":5,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(
        new ServerToolStart(0, 0, "mcp_1", "search", "mcp_call"),
        new ServerToolDelta(0, 0, "{\"q\":"), new ServerToolDelta(0, 0, "1}"),
        new ServerToolEnd(0, 0, "mcp_1", "search", "mcp_call", "{\"q\":1}",
            "{\"id\":\"mcp_1\",\"type\":\"mcp_call\",\"name\":\"search\",\"server_label\":\"s\","
                + "\"arguments\":\"{\\\"q\\\":1}\",\"output\":\"found\"}"),
        new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void annotationsAndLogprobsJoinTheirTextBlock() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}
        {"type":"response.content_part.added","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]}}
        {"type":"response.output_text.delta","sequence_number":3,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi","logprobs":[{"token":"Hi","logprob":-0.5,"bytes":[72,105],"top_logprobs":[]}]}
        {"type":"response.output_text.annotation.added","sequence_number":4,"item_id":"msg_1","output_index":0,"content_index":0,"annotation_index":0,"annotation":{"type":"url_citation","start_index":0,"end_index":2,"url":"https://x","title":"X"}}
        {"type":"response.output_text.done","sequence_number":5,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hi"}
        {"type":"response.completed","sequence_number":6,"response":{"id":"resp_1","status":"completed","output":[]}}
        """));
    assertThat(events.subList(1, events.size())).containsExactly(
        new TextStart(0, 0), new TextDelta(0, 0, "Hi"),
        new Logprobs(0, 0, List.of(new TokenLogprob("Hi", -0.5, List.of(72, 105), List.of()))),
        new CitationAdded(0, 0, new Citation("url_citation", "https://x", "X", "", 0, 2,
            "{\"type\":\"url_citation\",\"start_index\":0,\"end_index\":2,\"url\":\"https://x\","
                + "\"title\":\"X\"}")),
        new TextEnd(0, 0, "Hi"), new Done(FinishReason.STOP, "completed"));
  }

  @Test
  void missingTerminalIsATruncation() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}
        {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hi"}
        """));
    assertThat(events).last().isInstanceOfSatisfying(Failed.class,
        failed -> assertThat(failed.type()).isEqualTo(Failed.TRUNCATED));
  }

  @Test
  void malformedJsonFailsTheStream() {
    var events = decode(named(CREATED) + "event: response.output_item.added\ndata: {\"type\":\n\n");
    assertThat(events).last().isInstanceOfSatisfying(Failed.class,
        failed -> assertThat(failed.type()).isEqualTo(Failed.MALFORMED));
  }

  @Test
  void terminalTextWinsOverTheAccumulatedDeltas() {
    var events = decode(named(CREATED + """
        {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"msg_1","type":"message","content":[]}}
        {"type":"response.output_text.delta","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Got it"}
        {"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","status":"completed","output":[{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Got it. Here is the whole answer."}]}]}}
        """));
    assertThat(events).contains(new TextEnd(0, 0, "Got it. Here is the whole answer."));
  }

  @Test
  void itemsOnlyTheTerminalNamesAreEmittedWhole() {
    var events = decode(named(CREATED + """
        {"type":"response.completed","sequence_number":1,"response":{"id":"resp_1","status":"completed","output":[{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hi"}]},{"id":"fc_1","type":"function_call","call_id":"c1","name":"f","arguments":"{}"}]}}
        """));
    assertThat(events).containsExactly(STARTED, new TextStart(0, 0), new TextEnd(0, 0, "Hi"),
        new ToolCallStart(0, 1, 0, "c1", "f", ToolKind.FUNCTION),
        new ToolCallEnd(0, 1, 0, "c1", "f", ToolKind.FUNCTION, "{}", true),
        new Done(FinishReason.TOOL_CALLS, "completed"));
  }

  @Test
  void dispatchFallsBackToTheEventNameWhenDataHasNoType() {
    List<StreamEvent> events = decode("""
        event: response.created
        data: {"response":{"id":"resp_1","created_at":1700000000,"model":"gpt-5"}}

        event: response.completed
        data: {"response":{"id":"resp_1","status":"completed","output":[]}}

        """);
    assertThat(events).containsExactly(STARTED, new Done(FinishReason.STOP, "completed"));
  }
}
