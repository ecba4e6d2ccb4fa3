package io.sluice.core.event;

/** What a reasoning block holds. */
public enum ReasoningKind {
  /** The model's own reasoning text: Anthropic thinking, Responses reasoning text, DeepSeek-style
   * {@code reasoning_content}, Mistral thinking chunks. */
  THINKING,
  /** A summary of the reasoning (OpenAI Responses {@code reasoning_summary_text}). */
  SUMMARY,
  /** Reasoning the provider hides; only an opaque value (the end event's signature) comes back. */
  REDACTED
}
