package io.sluice.gateway.internal.exchange;

import io.sluice.core.event.Usage;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.Price;
import io.sluice.gateway.internal.accounting.Accounting;
import io.sluice.gateway.internal.accounting.Prices;
import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.Spend;
import io.sluice.gateway.internal.server.GatewayState;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * An exchange's part in the ledger: what it settles when it ends, and whether a hard-mode
 * stream has outgrown its reservation on the way. Runs on the exchange's event loop.
 */
final class Books {
  private final GatewayState gw;
  private final String model;
  private final Optional<AccessKey> key;
  private final Admission admission;
  private final long estimatedInput;
  private final Accounting accounting;

  Books(GatewayState gw, String model, Optional<AccessKey> key, Admission admission,
      long estimatedInput, Accounting accounting) {
    this.gw = gw;
    this.model = model;
    this.key = key;
    this.admission = admission;
    this.estimatedInput = estimatedInput;
    this.accounting = accounting;
  }

  /** The cost and the source of the counts for the usage entry. */
  record Booking(String cost, String source) {}

  /**
   * Settles the request with the ledger: what it really used (or, without the upstream's usage,
   * what the estimate says came), priced when the model has a price. A request that never
   * reached an upstream used nothing. Its usage replaces an estimate in the books, so the usage
   * entry shows what was settled.
   */
  Booking settle(boolean reached, boolean bodyStarted) {
    boolean estimated = reached && accounting.usageMissing()
        && (accounting.outputBytes() > 0 || accounting.firstTokenMillis() >= 0 || bodyStarted);
    Usage used = estimated ? accounting.booked(estimatedInput) : accounting.usage;
    if (estimated) {
      accounting.usage = used;
    }
    Optional<Price> price = gw.prices.of(model);
    BigDecimal usd = price.map(p -> Prices.cost(used, p)).orElse(BigDecimal.ZERO);
    if (key.isPresent()) {
      gw.ledger.settle(admission.ticket().keyId().isEmpty()
              ? Admission.Ticket.spendOnly(key.get().id())
              : admission.ticket(),
          new Ledger.Settlement(model, used.inputTokens() + used.outputTokens(),
              Spend.of(used, price.isPresent(), usd, estimated)));
    }
    if (reached) {
      gw.metrics.spend(usd, price.isPresent());
    }
    return new Booking(price.isPresent() ? usd.toPlainString() : "",
        estimated ? "estimated" : "upstream");
  }

  /**
   * A hard-mode key: the stream may not use more than its reservation (tokens, and USD under a
   * budget). The limit it went past ({@code tokens} or {@code budget}), or empty.
   */
  String overrun() {
    Admission.Ticket t = admission.ticket();
    if (!t.hard()) {
      return "";
    }
    long used = estimatedInput + accounting.outputTokensSoFar();
    if (key.get().limits().tokens() > 0 && used > t.reservedTokens()) {
      return "tokens";
    }
    if (key.get().limits().budgeted()) {
      Optional<Price> price = gw.prices.of(model);
      if (price.isPresent() && Prices.reservation(estimatedInput,
          accounting.outputTokensSoFar(), price.get()).compareTo(t.reservedUsd()) > 0) {
        return "budget";
      }
    }
    return "";
  }
}
