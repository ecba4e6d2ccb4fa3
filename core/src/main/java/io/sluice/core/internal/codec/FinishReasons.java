package io.sluice.core.internal.codec;

import io.sluice.core.event.FinishReason;

/** Each provider's stop reasons, normalised. Unknown reasons count as a normal stop. */
public final class FinishReasons {
  private FinishReasons() {}

  /** OpenAI Chat {@code finish_reason} (and Mistral's additions). */
  public static FinishReason fromChat(String raw) {
    switch (raw) {
      case "length":
      case "model_length":
        return FinishReason.LENGTH;
      case "tool_calls":
      case "function_call":
        return FinishReason.TOOL_CALLS;
      case "content_filter":
        return FinishReason.CONTENT_FILTER;
      case "error":
        return FinishReason.ERROR;
      default:
        return FinishReason.STOP;
    }
  }

  /** Anthropic {@code stop_reason}. */
  public static FinishReason fromAnthropic(String raw) {
    switch (raw) {
      case "max_tokens":
      case "model_context_window_exceeded":
        return FinishReason.LENGTH;
      case "tool_use":
        return FinishReason.TOOL_CALLS;
      case "refusal":
        return FinishReason.REFUSAL;
      default:
        return FinishReason.STOP; // end_turn, stop_sequence, pause_turn
    }
  }
}
