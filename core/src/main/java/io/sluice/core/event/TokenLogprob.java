package io.sluice.core.event;

import java.util.List;

/**
 * The log probability of one sampled token.
 *
 * @param token the token's text
 * @param logprob its log probability
 * @param bytes the token's UTF-8 bytes as the provider lists them (a token may end inside a
 *     character), or empty
 * @param top the most likely tokens at this position, when the request asked for them; their own
 *     {@code top} is empty
 */
public record TokenLogprob(String token, double logprob, List<Integer> bytes, List<TokenLogprob> top) {
  public TokenLogprob {
    Checks.notNull(token, bytes, top);
    bytes = List.copyOf(bytes);
    top = List.copyOf(top);
  }
}
