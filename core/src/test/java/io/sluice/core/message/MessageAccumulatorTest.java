package io.sluice.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.Citation;
import io.sluice.core.event.CitationAdded;
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
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.ToolKind;
import io.sluice.core.event.Usage;
import io.sluice.core.testing.EventGrammar;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageAccumulatorTest {

  @Test
  void assemblesTextReasoningAndToolCallsInBlockOrder() {
    List<StreamEvent> events = List.of(
        new ResponseStarted("msg_1", "m", 7, ""),
        new ReasoningStart(0, 0, ReasoningKind.THINKING, ""),
        new ReasoningDelta(0, 0, "think"),
        new ReasoningEnd(0, 0, ReasoningKind.THINKING, "think", "sig"),
        new TextStart(0, 1),
        new TextDelta(0, 1, "Hel"),
        new TextDelta(0, 1, "lo"),
        new TextEnd(0, 1, "Hello"),
        new ToolCallStart(0, 2, 0, "call_1", "get", ToolKind.FUNCTION),
        new ToolCallDelta(0, 2, 0, "call_1", "get", "{\"a\":"),
        new ToolCallDelta(0, 2, 0, "call_1", "get", "1}"),
        new ToolCallEnd(0, 2, 0, "call_1", "get", ToolKind.FUNCTION, "{\"a\":1}", true),
        Usage.of(10, 5, 2, 0, 1),
        Usage.of(10, 6, 2, 0, 1),
        new Done(FinishReason.TOOL_CALLS, "tool_use"));
    EventGrammar.check(events);
    FinalMessage message = MessageAccumulator.assemble(events);
    assertThat(message.id()).isEqualTo("msg_1");
    assertThat(message.created()).isEqualTo(7);
    assertThat(message.text()).isEqualTo("Hello");
    assertThat(message.message().reasoning()).isEqualTo("think");
    assertThat(message.message().parts().get(0))
        .isEqualTo(new Part.Reasoning(ReasoningKind.THINKING, "think", "sig", ""));
    assertThat(message.message().toolCalls())
        .containsExactly(Part.ToolCall.function("call_1", "get", "{\"a\":1}"));
    assertThat(message.usage()).isEqualTo(Usage.of(10, 6, 2, 0, 1));
    assertThat(message.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(message.choices().get(0).rawFinishReason()).isEqualTo("tool_use");
    assertThat(message.failed()).isFalse();
  }

  @Test
  void endEventsWinOverDeltas() {
    FinalMessage message = MessageAccumulator.assemble(List.of(
        new TextStart(0, 0), new TextDelta(0, 0, "partial"), new TextEnd(0, 0, "partial, then all"),
        new Done(FinishReason.STOP, "stop")));
    assertThat(message.text()).isEqualTo("partial, then all");
  }

  @Test
  void failureKeepsTheContentOfOpenBlocks() {
    List<StreamEvent> events = List.of(
        new TextStart(0, 0), new TextDelta(0, 0, "cut"),
        new ToolCallStart(0, 1, 0, "t", "f", ToolKind.FUNCTION), new ToolCallDelta(0, 1, 0, "t", "f", "{\"x\":"),
        new Failed(Failed.TRUNCATED, "", "the stream ended before message_stop", 0, true));
    EventGrammar.check(events);
    FinalMessage message = MessageAccumulator.assemble(events);
    assertThat(message.text()).isEqualTo("cut");
    assertThat(message.message().toolCalls().get(0).arguments()).isEqualTo("{\"x\":");
    assertThat(message.error()).get().extracting(Failed::type).isEqualTo(Failed.TRUNCATED);
    assertThat(message.choices().get(0).finishReason()).isEqualTo(FinishReason.ERROR);
  }

  @Test
  void keepsEachChoiceApartWithItsOwnFinishReason() {
    FinalMessage message = MessageAccumulator.assemble(List.of(
        new TextStart(1, 0), new TextStart(0, 0),
        new TextDelta(1, 0, "b"), new TextDelta(0, 0, "a"),
        new TextEnd(0, 0, "a"), new ChoiceFinished(0, FinishReason.STOP, "stop"),
        new TextEnd(1, 0, "b"), new ChoiceFinished(1, FinishReason.LENGTH, "length"),
        new Done(FinishReason.STOP, "stop")));
    assertThat(message.choices()).extracting(c -> c.message().text()).containsExactly("a", "b");
    assertThat(message.choices()).extracting(FinalMessage.Choice::finishReason)
        .containsExactly(FinishReason.STOP, FinishReason.LENGTH);
  }

  @Test
  void interleavedDeltasOfSeveralBlocksAndChoicesEachReachTheirOwnBlock() {
    FinalMessage message = MessageAccumulator.assemble(List.of(
        new TextStart(0, 0), new TextStart(1, 0), new TextDelta(0, 0, "a"),
        new ToolCallStart(0, 1, 0, "t", "f", ToolKind.FUNCTION), new TextDelta(1, 0, "x"),
        new TextDelta(0, 0, "b"), new ToolCallDelta(0, 1, 0, "t", "f", "{}"),
        new TextDelta(0, 0, "c"), new TextDelta(1, 0, "y"),
        new Failed(Failed.TRUNCATED, "", "cut", 0, true)));
    assertThat(message.choices()).extracting(c -> c.message().text()).containsExactly("abc", "xy");
    assertThat(message.message().toolCalls().get(0).arguments()).isEqualTo("{}");
  }

  @Test
  void aWholeBlockReplacesTheOpenBlockOfItsIndex() {
    FinalMessage message = MessageAccumulator.assemble(List.of(
        new TextStart(0, 0), new TextDelta(0, 0, "gone"),
        new OpaqueBlock(0, 0, "compaction", "{\"type\":\"compaction\"}"),
        new TextDelta(0, 0, "ignored"),
        new Done(FinishReason.STOP, "stop")));
    assertThat(message.message().parts()).containsExactly(
        new Part.Opaque("compaction", "{\"type\":\"compaction\"}"));
  }

  @Test
  void keepsRefusalsAndOpaqueBlocks() {
    FinalMessage message = MessageAccumulator.assemble(List.of(
        new OpaqueBlock(0, 0, "web_search_tool_result", "{\"type\":\"web_search_tool_result\"}"),
        new RefusalStart(0, 1), new RefusalDelta(0, 1, "No."),
        new Done(FinishReason.STOP, "stop")));
    assertThat(message.message().refusal()).isEqualTo("No.");
    assertThat(message.message().parts().get(0)).isInstanceOf(Part.Opaque.class);
  }

  @Test
  void offersPartialToolArgumentsAtEachDelta() {
    MessageAccumulator accumulator = MessageAccumulator.create();
    accumulator.accept(new ToolCallStart(0, 0, 0, "c", "weather", ToolKind.FUNCTION));
    accumulator.accept(new ToolCallDelta(0, 0, 0, "c", "weather", "{\"location\": \"Pa"));
    assertThat(accumulator.partialArguments(0, 0)).contains("{\"location\": \"Pa\"}");
    accumulator.accept(new ToolCallDelta(0, 0, 0, "c", "weather", "ris\", \"unit"));
    assertThat(accumulator.partialArguments(0, 0)).contains("{\"location\": \"Paris\"}");
    assertThat(accumulator.partialArguments(0, 1)).isEmpty();
  }

  @Test
  void resultBeforeTheEndReportsATruncation() {
    MessageAccumulator accumulator = MessageAccumulator.create();
    accumulator.accept(new TextStart(0, 0));
    accumulator.accept(new TextDelta(0, 0, "so far"));
    FinalMessage message = accumulator.result();
    assertThat(message.text()).isEqualTo("so far");
    assertThat(message.error()).get().extracting(Failed::type).isEqualTo(Failed.TRUNCATED);
    assertThat(accumulator.finished()).isFalse();
  }

  @Test
  void ignoresEverythingAfterTheTerminalEvent() {
    MessageAccumulator accumulator = MessageAccumulator.create();
    accumulator.accept(new Done(FinishReason.STOP, "stop"));
    accumulator.accept(new TextStart(0, 0));
    accumulator.accept(new TextDelta(0, 0, "late"));
    assertThat(accumulator.result().text()).isEmpty();
  }

  @Test
  void serverToolsCitationsAndLogprobsBecomeTheirParts() {
    Citation citation = new Citation("char_location",
        "", "Doc", "quoted", -1, -1, "{\"type\":\"char_location\"}");
    TokenLogprob token =
        new TokenLogprob("Hi", -0.5, List.of(72, 105), List.of());
    FinalMessage message = MessageAccumulator.assemble(List.of(
        new ServerToolStart(0, 0, "srv_1", "web_search", "server_tool_use"),
        new ServerToolDelta(0, 0, "{\"q\":1}"),
        new ServerToolEnd(0, 0, "srv_1", "web_search", "server_tool_use",
            "{\"q\":1}", "{\"type\":\"server_tool_use\"}"),
        new ServerToolResult(0, 1, "srv_1", "web_search_tool_result",
            "{\"type\":\"web_search_tool_result\"}"),
        new TextStart(0, 2), new TextDelta(0, 2, "Hi"),
        new Logprobs(0, 2, List.of(token)),
        new CitationAdded(0, 2, citation), new TextEnd(0, 2, "Hi"),
        new Done(FinishReason.STOP, "end_turn")));
    assertThat(message.message().parts()).containsExactly(
        new Part.ServerTool("srv_1", "web_search", "server_tool_use", "{\"q\":1}",
            "{\"type\":\"server_tool_use\"}"),
        new Part.ServerToolResult("srv_1", "web_search_tool_result",
            "{\"type\":\"web_search_tool_result\"}"),
        new Part.Text("Hi", List.of(citation), List.of(token)));
    assertThat(message.message().toolCalls()).isEmpty();
  }
}
