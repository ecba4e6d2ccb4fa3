package io.sluice.core.event;

import java.util.List;

/**
 * Log probabilities of the tokens just streamed into the text or refusal block at {@code index}
 * (Chat {@code logprobs.content} and {@code logprobs.refusal}, Responses {@code logprobs}). Only a
 * request that asked for them gets them.
 */
public record Logprobs(int choice, int index, List<TokenLogprob> tokens) implements BlockEvent {
  public Logprobs {
    Checks.notNull(tokens);
    tokens = List.copyOf(tokens);
  }
}
