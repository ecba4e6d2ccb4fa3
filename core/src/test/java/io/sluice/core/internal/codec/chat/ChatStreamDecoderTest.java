package io.sluice.core.internal.codec.chat;

import static io.sluice.core.internal.codec.chat.ChatStreams.decode;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
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
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import io.sluice.core.testing.Chunkings;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One Chat Completions quirk per test (docs/wire-formats.md §a, §d), each a wire transcript
 * decoded at every chunking; every chunking must give the same events, and they must obey the
 * grammar.
 */
class ChatStreamDecoderTest {

  private static final ResponseStarted STARTED = new ResponseStarted("c1", "m", 7, "");

  /** The end of a choice's first tool call, at block {@code index}. */
  private static ToolCallEnd callEnd(int index, String id, String name, String args) {
    return new ToolCallEnd(0, index, 0, id, name, ToolKind.FUNCTION, args, true);
  }

  private static List<Part.ToolCall> calls(List<StreamEvent> events) {
    return MessageAccumulator.assemble(events).message().toolCalls();
  }

  @Test
  void malformedUtf8InADeltaReadsAsReplacementCharacters() {
    // Such an event reaches the decoder as a String (never as bytes), decoded as the reader does.
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(("data: {\"id\":\"c1\",\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a").getBytes(StandardCharsets.UTF_8));
    wire.write(0xC3);
    wire.writeBytes("\"},\"finish_reason\":null}]}\n\ndata: [DONE]\n\n"
        .getBytes(StandardCharsets.UTF_8));
    byte[] bytes = wire.toByteArray();
    var events = decode(bytes, Chunkings.of(bytes, 0, 3));
    assertThat(events).contains(new TextDelta(0, 0, "a\uFFFD"));
    assertThat(events.get(events.size() - 1)).isInstanceOf(Done.class);
  }

  @Test
  void plainTextOpensOneBlockAndClosesItOnFinish() {
    var events = decode("""
        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED, new TextStart(0, 0), new TextDelta(0, 0, "Hel"),
        new TextDelta(0, 0, "lo"), new TextEnd(0, 0, "Hello"),
        new ChoiceFinished(0, FinishReason.STOP, "stop"), new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void refusalStreamsInItsOwnBlockAfterAnEmptyStart() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"refusal":""},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"refusal":"I'm sorry"},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"refusal":"."},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED, new RefusalStart(0, 0),
        new RefusalDelta(0, 0, "I'm sorry"), new RefusalDelta(0, 0, "."),
        new RefusalEnd(0, 0, "I'm sorry."), new ChoiceFinished(0, FinishReason.STOP, "stop"),
        new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void aToolCallEndsWhenTheNextStarts() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"x\\":"}}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"g","arguments":""}}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    // The first call ends as soon as the second starts: a client may run it while the next
    // streams. Each event names its call: ordinal among the calls, id and name.
    assertThat(events).containsExactly(STARTED,
        new ToolCallStart(0, 0, 0, "call_a", "f", ToolKind.FUNCTION),
        new ToolCallDelta(0, 0, 0, "call_a", "f", "{\"x\":"),
        new ToolCallDelta(0, 0, 0, "call_a", "f", "1}"),
        new ToolCallEnd(0, 0, 0, "call_a", "f", ToolKind.FUNCTION, "{\"x\":1}", true),
        new ToolCallStart(0, 1, 1, "call_b", "g", ToolKind.FUNCTION),
        new ToolCallDelta(0, 1, 1, "call_b", "g", "{}"),
        new ToolCallEnd(0, 1, 1, "call_b", "g", ToolKind.FUNCTION, "{}", true),
        new ChoiceFinished(0, FinishReason.TOOL_CALLS, "tool_calls"),
        new Done(FinishReason.TOOL_CALLS, "tool_calls"));
  }

  @Test
  void interleavedToolCallFragmentsAreKeyedByIndex() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"[1"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":"[2"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"]"}},{"index":1,"function":{"arguments":",3]"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    assertThat(calls(events)).containsExactly(Part.ToolCall.function("a", "f", "[1]"),
        Part.ToolCall.function("b", "g", "[2,3]"));
  }

  @Test
  void toolIndexMayStartAtOne() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hi"}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"t","type":"function","function":{"name":"f","arguments":""}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    // Block indexes are positions within the choice, never the provider's sparse tool index.
    assertThat(events).contains(new ToolCallStart(0, 1, 0, "t", "f", ToolKind.FUNCTION),
        callEnd(1, "t", "f", "{}"), new TextEnd(0, 0, "Hi"));
  }

  @Test
  void mistralWholeCallWithoutIndexNorTypeAndFinishAndUsageOnOneChunk() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":null,"tool_calls":[{"id":"gSIMJiOkT","function":{"name":"weather","arguments":"{\\"location\\": \\"SF\\"}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":124,"total_tokens":146,"completion_tokens":22}}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED,
        new ToolCallStart(0, 0, 0, "gSIMJiOkT", "weather", ToolKind.FUNCTION),
        new ToolCallDelta(0, 0, 0, "gSIMJiOkT", "weather", "{\"location\": \"SF\"}"),
        callEnd(0, "gSIMJiOkT", "weather", "{\"location\": \"SF\"}"),
        new ChoiceFinished(0, FinishReason.TOOL_CALLS, "tool_calls"),
        new Usage(124, 22, 0, 0, 0, 146), new Done(FinishReason.TOOL_CALLS, "tool_calls"));
  }

  @Test
  void mistralSeveralCallsInOneDeltaAreSeparateCalls() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"yBvJuId6u","function":{"name":"search","arguments":"{\\"q\\": 1}"}},{"id":"ihQrVBDfy","function":{"name":"weather","arguments":"{\\"c\\": 2}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"total_tokens":3,"completion_tokens":2},"p":"abcdefghijklm"}

        data: [DONE]

        """);
    assertThat(calls(events)).containsExactly(
        Part.ToolCall.function("yBvJuId6u", "search", "{\"q\": 1}"),
        Part.ToolCall.function("ihQrVBDfy", "weather", "{\"c\": 2}"));
  }

  @Test
  void mistralWholeCallsInSuccessiveDeltasWithoutIndexAreSeparateCalls() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"aaaaaaaaa","function":{"name":"f","arguments":"{}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"id":"bbbbbbbbb","function":{"name":"g","arguments":"[]"}}]},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    assertThat(calls(events)).containsExactly(Part.ToolCall.function("aaaaaaaaa", "f", "{}"),
        Part.ToolCall.function("bbbbbbbbb", "g", "[]"));
  }

  @Test
  void mistralContentArrayCarriesThinkingAndText() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":[{"type":"thinking","thinking":[{"type":"text","text":"Two plus"}]}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":" two."}]},{"type":"text","text":"4"}]},"finish_reason":null}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"total_tokens":56,"completion_tokens":46}}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED,
        new ReasoningStart(0, 0, ReasoningKind.THINKING, ""),
        new ReasoningDelta(0, 0, "Two plus"), new ReasoningDelta(0, 0, " two."),
        new TextStart(0, 1), new TextDelta(0, 1, "4"),
        new ReasoningEnd(0, 0, ReasoningKind.THINKING, "Two plus two.", ""),
        new TextEnd(0, 1, "4"), new ChoiceFinished(0, FinishReason.STOP, "stop"),
        new Usage(10, 46, 0, 0, 0, 56), new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void vllmRepeatsTheIdOnEveryFragmentAndUsageOnEveryChunk() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}}],"usage":{"prompt_tokens":5,"total_tokens":5,"completion_tokens":0}}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"chatcmpl-tool-1","type":"function","function":{"name":"f"}}]}}],"usage":{"prompt_tokens":5,"total_tokens":6,"completion_tokens":1}}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"chatcmpl-tool-1","type":"function","function":{"arguments":"{\\"a\\""}}]}}],"usage":{"prompt_tokens":5,"total_tokens":7,"completion_tokens":2}}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"chatcmpl-tool-1","type":"function","function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"total_tokens":8,"completion_tokens":3}}

        data: {"id":"c1","created":7,"model":"m","choices":[],"usage":{"prompt_tokens":5,"total_tokens":8,"completion_tokens":3}}

        data: [DONE]

        """);
    assertThat(calls(events)).containsExactly(
        Part.ToolCall.function("chatcmpl-tool-1", "f", "{\"a\":1}"));
    // Cumulative usage is reported each time it changes, not once per chunk.
    assertThat(events.stream().filter(Usage.class::isInstance)).containsExactly(
        new Usage(5, 0, 0, 0, 0, 5), new Usage(5, 1, 0, 0, 0, 6), new Usage(5, 2, 0, 0, 0, 7),
        new Usage(5, 3, 0, 0, 0, 8));
  }

  @Test
  void idNameAndArgumentsMayArriveInSeparateChunks() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1"}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":""}}]},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    // The call starts once it has a name; arguments that came first follow as one delta.
    assertThat(events).containsExactly(STARTED,
        new ToolCallStart(0, 0, 0, "call_1", "f", ToolKind.FUNCTION), new ToolCallDelta(0, 0, 0, "call_1", "f", "{}"),
        callEnd(0, "call_1", "f", "{}"),
        new ChoiceFinished(0, FinishReason.TOOL_CALLS, "tool_calls"),
        new Done(FinishReason.TOOL_CALLS, "tool_calls"));
  }

  @Test
  void nullOrMissingIndexFallsBackToThePositionInTheDelta() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":null,"id":"a","type":"function","function":{"name":"f","arguments":"{\\"k\\""}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":":2}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    assertThat(calls(events)).containsExactly(Part.ToolCall.function("a", "f", "{\"k\":2}"));
  }

  @Test
  void emptySentinelToolCallsAfterACompleteCallCreateNothing() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":""}}]},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED,
        new ToolCallStart(0, 0, 0, "a", "f", ToolKind.FUNCTION), new ToolCallDelta(0, 0, 0, "a", "f", "{}"),
        callEnd(0, "a", "f", "{}"), new ChoiceFinished(0, FinishReason.TOOL_CALLS, "tool_calls"),
        new Done(FinishReason.TOOL_CALLS, "tool_calls"));
  }

  @Test
  void azureEmptyFirstChunkAndFilterChunkWithoutDeltaAreTolerated() {
    var events = decode("""
        data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"","role":"assistant"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

        data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: {"choices":[{"content_filter_offsets":{},"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED, new TextStart(0, 0), new TextDelta(0, 0, "Hello"),
        new TextEnd(0, 0, "Hello"), new ChoiceFinished(0, FinishReason.STOP, "stop"),
        new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void includeUsageChunkWithEmptyChoicesComesAfterTheFinish() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}],"usage":null}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":null}

        data: {"id":"c1","created":7,"model":"m","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":100,"total_tokens":120,"prompt_tokens_details":{"cached_tokens":16,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":99}}}

        data: [DONE]

        """);
    assertThat(events.subList(4, events.size())).containsExactly(
        new ChoiceFinished(0, FinishReason.LENGTH, "length"), new Usage(20, 100, 16, 0, 99, 120),
        new Done(FinishReason.LENGTH, "length"));
  }

  @Test
  void threeInterleavedChoicesFinishEachOnItsOwn() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""}},{"index":1,"delta":{"role":"assistant","content":""}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":2,"delta":{"role":"assistant","content":"c"}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":1,"delta":{},"finish_reason":"length"}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":2,"delta":{"content":"C"},"finish_reason":"stop"},{"index":0,"delta":{},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    FinalMessage message = MessageAccumulator.assemble(events);
    assertThat(message.choices()).extracting(c -> c.message().text())
        .containsExactly("a", "b", "cC");
    assertThat(message.choices()).extracting(FinalMessage.Choice::rawFinishReason)
        .containsExactly("stop", "length", "stop");
    assertThat(events).contains(new TextStart(2, 0), new TextEnd(1, 0, "b"));
  }

  @Test
  void errorAfterContentFailsTheStreamAndKeepsTheContent() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

        data: {"error":{"message":"stream failed after output","type":"server_error","param":null,"code":null}}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED, new TextStart(0, 0), new TextDelta(0, 0, "Hello"),
        new Failed("server_error", "", "stream failed after output", 500, true));
    assertThat(MessageAccumulator.assemble(events).text()).isEqualTo("Hello");
  }

  @Test
  void errorAsTheFirstChunkFailsWithTheProvidersNumericCodeAsStatus() {
    var events = decode("""
        data: {"error":{"message":"bad request","type":"provider_error","param":null,"code":400}}

        data: [DONE]

        """);
    assertThat(events).containsExactly(new Failed("provider_error", "400", "bad request", 400,
        false));
  }

  @Test
  void mistralFlatErrorObjectInTheStreamFails() {
    var events = decode("""
        data: {"object":"error","message":"Service unavailable","type":"service_unavailable","param":null,"code":"1000"}

        """);
    assertThat(events).containsExactly(new Failed("service_unavailable", "1000",
        "Service unavailable", 503, true));
  }

  @Test
  void malformedJsonFailsWithAnExcerpt() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}

        data: {unparsable}

        data: [DONE]

        """);
    Failed failed = (Failed) events.get(events.size() - 1);
    assertThat(failed.type()).isEqualTo(Failed.MALFORMED);
    assertThat(failed.message()).contains("data: {unparsable}");
  }

  @Test
  void aPayloadThatIsNotAnObjectIsMalformed() {
    var events = decode("data: 42\n\ndata: [DONE]\n\n");
    assertThat(events).singleElement().extracting(e -> ((Failed) e).type())
        .isEqualTo(Failed.MALFORMED);
  }

  @Test
  void missingDoneIsATruncationEvenAfterAFinishReason() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}

        """);
    assertThat(events.get(events.size() - 1)).isEqualTo(
        new Failed(Failed.TRUNCATED, "", "the stream ended before the stream's terminal event", 0,
            true));
  }

  @Test
  void doneWithoutAFinishReasonClosesOpenBlocksAsStop() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED, new TextStart(0, 0), new TextDelta(0, 0, "a"),
        new TextEnd(0, 0, "a"), new Done(FinishReason.STOP, ""));
  }

  @Test
  void deepSeekReasoningContentPrecedesTheAnswer() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Think"}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"reasoning":" more"}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"Done","reasoning_content":null}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    assertThat(events).containsExactly(STARTED,
        new ReasoningStart(0, 0, ReasoningKind.THINKING, ""), new ReasoningDelta(0, 0, "Think"),
        new ReasoningDelta(0, 0, " more"), new TextStart(0, 1), new TextDelta(0, 1, "Done"),
        new ReasoningEnd(0, 0, ReasoningKind.THINKING, "Think more", ""),
        new TextEnd(0, 1, "Done"), new ChoiceFinished(0, FinishReason.STOP, "stop"),
        new Done(FinishReason.STOP, "stop"));
  }

  @Test
  void argumentsThatParseEarlyDoNotEndTheCall() {
    var events = decode("""
        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"search","arguments":"{\\"query\\": \\"test\\"}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":", \\"limit\\": 10}"}}]}}]}

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: [DONE]

        """);
    String args = "{\"query\": \"test\"}, \"limit\": 10}";
    assertThat(events).contains(new ToolCallEnd(0, 0, 0, "a", "search", ToolKind.FUNCTION, args,
        false));
  }

  @Test
  void keepaliveCommentsAndUnknownFieldsAreIgnored() {
    var events = decode("""
        : OPENROUTER PROCESSING

        data: {"id":"c1","created":7,"model":"m","obfuscation":"xyz","service_tier":"default","choices":[{"index":0,"delta":{"content":"a","annotations":[]},"logprobs":{"content":[{"token":"a","logprob":-0.1,"bytes":[97],"top_logprobs":[]}],"refusal":null},"finish_reason":"stop"}]}

        data: [DONE]

        """);
    assertThat(MessageAccumulator.assemble(events).text()).isEqualTo("a");
  }

  @Test
  void nothingIsReadAfterTheTerminalEvent() {
    var events = decode("""
        data: [DONE]

        data: {"id":"c1","created":7,"model":"m","choices":[{"index":0,"delta":{"content":"late"}}]}

        """);
    assertThat(events).containsExactly(new Done(FinishReason.STOP, ""));
  }
}
