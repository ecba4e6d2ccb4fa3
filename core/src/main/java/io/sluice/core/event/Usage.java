package io.sluice.core.event;

/**
 * Token usage so far. Providers report it cumulatively, so a later {@code Usage} replaces an
 * earlier one; it is never added.
 *
 * <p>Counts mean the same for every provider: {@code inputTokens} counts every input token,
 * including those read from or written to a prompt cache (OpenAI's {@code prompt_tokens};
 * Anthropic's {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}).
 * {@code cacheReadTokens} and {@code cacheWriteTokens} are parts of it; {@code reasoningTokens}
 * is part of {@code outputTokens}. {@code totalTokens} is the provider's total, or input plus output.
 */
public record Usage(
    long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
    long reasoningTokens, long totalTokens) implements StreamEvent {

  /** No tokens: what a stream that reported no usage counts. */
  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

  /** Usage without a reported total: the total is input plus output. */
  public static Usage of(long input, long output, long cacheRead, long cacheWrite, long reasoning) {
    return new Usage(input, output, cacheRead, cacheWrite, reasoning, input + output);
  }
}
