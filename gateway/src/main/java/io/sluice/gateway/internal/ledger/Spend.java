package io.sluice.gateway.internal.ledger;

import io.sluice.core.event.Usage;
import java.math.BigDecimal;

/**
 * What requests of one key and model used and cost. USD is exact ({@link BigDecimal} from prices
 * per million tokens), and requests of a model without a price are counted apart, never as 0.
 */
public record Spend(long requests, long inputTokens, long outputTokens, long cacheReadTokens,
    long cacheWriteTokens, long reasoningTokens, BigDecimal usd, long unpricedRequests,
    long estimatedRequests) {

  public static final Spend ZERO = new Spend(0, 0, 0, 0, 0, 0, BigDecimal.ZERO, 0, 0);

  /** One request's spend; {@code usd} is ignored when not {@code priced}. */
  public static Spend of(Usage u, boolean priced, BigDecimal usd, boolean estimated) {
    return new Spend(1, u.inputTokens(), u.outputTokens(), u.cacheReadTokens(),
        u.cacheWriteTokens(), u.reasoningTokens(), priced ? usd : BigDecimal.ZERO,
        priced ? 0 : 1, estimated ? 1 : 0);
  }

  public Spend plus(Spend o) {
    return new Spend(requests + o.requests, inputTokens + o.inputTokens,
        outputTokens + o.outputTokens, cacheReadTokens + o.cacheReadTokens,
        cacheWriteTokens + o.cacheWriteTokens, reasoningTokens + o.reasoningTokens,
        usd.add(o.usd), unpricedRequests + o.unpricedRequests,
        estimatedRequests + o.estimatedRequests);
  }
}
