package io.sluice.gateway;

import java.util.function.BooleanSupplier;

/** Polls for a condition another thread makes true, with a deadline; no fixed sleeps. */
final class Awaits {
  private Awaits() {}

  static void until(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll, don't hog a core
    }
  }
}
