package io.sluice.client.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The client's timer threads (docs/concurrency.md): one daemon thread each, for timeouts and
 * retry delays, never for I/O, so that a client nobody closed does not keep the JVM alive.
 */
public final class DaemonTimer {
  private DaemonTimer() {}

  /**
   * A scheduler on one daemon thread named {@code name}. A cancelled task (a timeout that did not
   * fire, the usual case) leaves its queue at once rather than when it would have run.
   */
  public static ScheduledExecutorService create(String name) {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }
}
