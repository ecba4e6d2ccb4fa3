package io.sluice.client.internal;

import java.time.Duration;

/** Runs a task after a delay: the wait before a retry. Tests record the delays and skip them. */
@FunctionalInterface
public interface Delayer {
  void after(Duration delay, Runnable task);
}
