package io.sluice.gateway.internal.accounting;

import io.sluice.core.event.Usage;
import io.sluice.gateway.Price;
import io.sluice.gateway.internal.routing.Router;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prices by model from {@code sluice.yaml}: an exact name wins, then the first matching pattern in
 * file order. Costs are exact: tokens times USD per million, moved six places, in
 * {@link BigDecimal}, so that a sum over any number of requests has no rounding in it.
 */
public final class Prices {
  private final Map<String, Price> byName;
  private final List<Map.Entry<String, Price>> patterns = new ArrayList<>();

  public Prices(Map<String, Price> prices) {
    this.byName = Map.copyOf(prices);
    for (Map.Entry<String, Price> e : prices.entrySet()) {
      if (e.getKey().indexOf('*') >= 0) {
        patterns.add(e);
      }
    }
    patterns.sort(Map.Entry.comparingByKey()); // Map.copyOf forgets the order: a stable one
  }

  public Optional<Price> of(String model) {
    Price exact = byName.get(model);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (Map.Entry<String, Price> e : patterns) {
      if (Router.matches(e.getKey(), model)) {
        return Optional.of(e.getValue());
      }
    }
    return Optional.empty();
  }

  /**
   * USD for {@code u} at {@code p}. Cache reads and writes are parts of the input and reasoning a
   * part of the output (core's {@code Usage}), so each part is billed at its own price and only
   * the rest at the plain one.
   */
  public static BigDecimal cost(Usage u, Price p) {
    long plainIn = Math.max(0, u.inputTokens() - u.cacheReadTokens() - u.cacheWriteTokens());
    long plainOut = Math.max(0, u.outputTokens() - u.reasoningTokens());
    BigDecimal perMillion = p.input().multiply(BigDecimal.valueOf(plainIn))
        .add(p.cacheRead().multiply(BigDecimal.valueOf(u.cacheReadTokens())))
        .add(p.cacheWrite().multiply(BigDecimal.valueOf(u.cacheWriteTokens())))
        .add(p.output().multiply(BigDecimal.valueOf(plainOut)))
        .add(p.reasoning().multiply(BigDecimal.valueOf(u.reasoningTokens())));
    return perMillion.movePointLeft(6);
  }

  /** The price of a reservation: input at the input price, the output allowance as output. */
  public static BigDecimal reservation(long input, long output, Price p) {
    return p.input().multiply(BigDecimal.valueOf(input))
        .add(p.output().multiply(BigDecimal.valueOf(output))).movePointLeft(6);
  }
}
