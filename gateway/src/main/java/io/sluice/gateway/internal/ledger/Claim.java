package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.KeyLimits;
import java.math.BigDecimal;
import java.util.Objects;

/**
 * A request asking to be admitted for a gateway key.
 *
 * @param reserveTokens the estimated input plus {@code min(max_tokens, reserve-cap)}
 * @param reserveUsd the price of those tokens; meaningful only when {@code priced}
 * @param priced false when the model has no price: a budgeted key is then refused
 */
public record Claim(String keyId, KeyLimits limits, int concurrency, long reserveTokens,
    BigDecimal reserveUsd, boolean priced, long nowMillis) {
  public Claim {
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(reserveUsd, "reserveUsd");
  }
}
