package io.sluice.core.codec;

/** The wire formats sluice reads and writes. */
public enum WireFormat {
  /** OpenAI Chat Completions ({@code POST /v1/chat/completions}) and its dialects. */
  OPENAI_CHAT,
  /** OpenAI Responses ({@code POST /v1/responses}). */
  OPENAI_RESPONSES,
  /** Anthropic Messages ({@code POST /v1/messages}). */
  ANTHROPIC_MESSAGES
}
