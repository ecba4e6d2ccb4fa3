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

  /** The choice this block belongs to; 0 unless the request asked for several. */
  int choice();

  /** The block's position in its choice, from 0; start, deltas and end share it. */
  int index();
}
