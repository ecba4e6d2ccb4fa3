package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Vertx;

/** The ledger {@code sluice.yaml} asks for: Redis with {@code state.redis}, else this process. */
public final class Ledgers {
  private Ledgers() {}

  public static Ledger create(Vertx vertx, LedgerSettings settings, GatewayMetrics metrics) {
    if (settings.redis().isEmpty()) {
      return new InProcessLedger();
    }
    return new RedisLedger(vertx, settings, metrics);
  }
}
