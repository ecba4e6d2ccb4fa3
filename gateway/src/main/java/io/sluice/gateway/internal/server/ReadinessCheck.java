package io.sluice.gateway.internal.server;

import io.vertx.core.Future;

/**
 * A condition the gateway needs to serve, asked by {@code GET /readyz} on an event loop: the
 * future fails, with a reason safe to show, while it does not hold. Shared state on Redis that is
 * configured to fail closed is the one such condition: readiness then requires Redis reachable.
 */
public interface ReadinessCheck {
  /** A short name for the reason: {@code state.redis}. */
  String name();

  /** Completes when the condition holds; never blocks. */
  Future<Void> check();

  /** A check named {@code name} whose condition is {@code check}. */
  static ReadinessCheck of(String name, java.util.function.Supplier<Future<Void>> check) {
    return new ReadinessCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Future<Void> check() {
        return check.get();
      }
    };
  }
}
