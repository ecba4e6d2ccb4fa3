package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.KeyLimits;
import io.sluice.gateway.internal.ledger.Admission.Window;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The admission rule, in one place: which limit a claim meets first, in the order concurrency,
 * requests, tokens, budget. Soft mode admits while something is left (so one reservation may go
 * past the limit); hard mode admits only a reservation that fits whole.
 */
final class Limits {
  private Limits() {}

  static Optional<Admission> refusal(Claim c, int inFlight, long requestsUsed,
      long tokensCommitted, BigDecimal usdCommitted, Window requests, Window tokens,
      long requestsReset, long tokensReset) {
    KeyLimits l = c.limits();
    if (l.budgeted() && !c.priced()) {
      return Optional.of(Admission.refused("unpriced", key(c) + " has a budget and this model has no "
          + "price in sluice.yaml (prices): its spend could not be counted", 0, requests, tokens));
    }
    if (c.concurrency() > 0 && inFlight >= c.concurrency()) {
      return Optional.of(Admission.refused("concurrency", key(c) + " has reached its concurrency "
          + "limit of " + c.concurrency() + " requests in flight", 1000, requests, tokens));
    }
    if (l.requests() > 0 && requestsUsed >= l.requests()) {
      return Optional.of(Admission.refused("requests", key(c) + " has used its " + l.requests()
          + " requests per " + l.window().toMillis() + " ms", requestsReset, requests, tokens));
    }
    if (l.tokens() > 0) {
      boolean over = l.hard() ? tokensCommitted + c.reserveTokens() > l.tokens()
          : tokensCommitted >= l.tokens();
      if (over) {
        return Optional.of(Admission.refused("tokens", key(c) + " has used or reserved its "
            + l.tokens() + " tokens per " + l.window().toMillis() + " ms (this request reserves "
            + c.reserveTokens() + ")", tokensReset, requests, tokens));
      }
    }
    if (l.budgeted()) {
      boolean over = l.hard() ? usdCommitted.add(c.reserveUsd()).compareTo(l.budgetUsd()) > 0
          : usdCommitted.compareTo(l.budgetUsd()) >= 0;
      if (over) {
        return Optional.of(Admission.refused("budget", key(c) + " has spent or reserved its budget "
            + "of " + l.budgetUsd().toPlainString() + " USD per "
            + l.period().name().toLowerCase(java.util.Locale.ROOT),
            Periods.remainingMillis(l.period(), c.nowMillis()), requests, tokens));
      }
    }
    return Optional.empty();
  }

  /** The key as a refusal names it: built only for a refusal, not at every admission. */
  private static String key(Claim c) {
    return "key '" + c.keyId() + "'";
  }
}
