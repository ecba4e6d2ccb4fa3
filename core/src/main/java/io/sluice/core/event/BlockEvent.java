package io.sluice.core.event;

/**
 * An event of one content block. {@code choice} is the choice index ({@code n > 1} in OpenAI Chat,
 * otherwise 0); {@code index} is the block's position within its choice.
 */
public sealed interface BlockEvent extends StreamEvent
    permits TextStart, TextDelta, TextEnd, RefusalStart, RefusalDelta, RefusalEnd,
        ReasoningStart, ReasoningDelta, ReasoningEnd, ToolCallStart, ToolCallDelta, ToolCallEnd,
        ServerToolStart, ServerToolDelta, ServerToolEnd, ServerToolResult, CitationAdded, Logprobs,
        OpaqueBlock {

  int choice();

  int index();
}
