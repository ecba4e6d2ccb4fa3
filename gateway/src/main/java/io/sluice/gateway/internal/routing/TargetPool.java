package io.sluice.gateway.internal.routing;

import io.sluice.gateway.GatewayConfig.Target;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One target's pool of upstream keys: at most {@code concurrency} requests in flight per key, a
 * bounded queue of waiters beyond that, and a cool-down for a key that got a 429. Called from any
 * event loop, so its state is guarded by the pool's lock; a waiter is granted its lease on its own
 * context.
 */
public final class TargetPool {

  /** A key held for one request; give it back with {@link #release}. */
  public record Lease(TargetPool pool, int keyIndex, String apiKey) {
    /** An identity for logs: never the key, only its position in the pool. */
    public String keyLabel() {
      return apiKey.isEmpty() ? "" : "key" + keyIndex;
    }
  }

  /** What {@link #acquire} did. */
  public enum Outcome { GRANTED, QUEUED, COOLING, FULL }

  /** A queued request. */
  public static final class Waiter {
    final Context context;
    final Consumer<Lease> onGranted;
    public Lease lease;
    boolean done;

    public Waiter(Context context, Consumer<Lease> onGranted) {
      this.context = context;
      this.onGranted = onGranted;
    }
  }

  private final Target target;
  private final Vertx vertx;
  private final List<String> keys;
  private final int[] inFlight;
  private final long[] coolUntilNanos;
  private final int concurrency;
  private final int queueSize;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  public TargetPool(Vertx vertx, Target target, int defaultConcurrency, int queueSize) {
    this.vertx = vertx;
    this.target = target;
    this.keys = target.apiKeys().isEmpty() ? List.of("") : target.apiKeys();
    this.inFlight = new int[keys.size()];
    this.coolUntilNanos = new long[keys.size()];
    this.concurrency = target.concurrency() > 0 ? target.concurrency() : defaultConcurrency;
    this.queueSize = queueSize;
  }

  /** The number of keys (one for a target without keys). */
  public int keyCount() {
    return keys.size();
  }

  /** Requests in flight on the key at {@code keyIndex}. */
  public synchronized int inFlight(int keyIndex) {
    return inFlight[keyIndex];
  }

  /**
   * The target as logs and meters name it: its kind and base URL without a user, password or
   * query string, which may carry a credential (some proxies take {@code ?key=}).
   */
  public String label() {
    return target.kind().configName() + " " + target.safeBaseUrl();
  }

  /** Grants a lease now (GRANTED, in {@code waiter.lease}), queues the waiter, or refuses. */
  public synchronized Outcome acquire(Waiter waiter) {
    long now = System.nanoTime();
    Lease lease = freeKey(now);
    if (lease != null) {
      waiter.done = true;
      waiter.lease = lease;
      return Outcome.GRANTED;
    }
    if (allCooling(now)) {
      return Outcome.COOLING;
    }
    if (queue.size() >= queueSize) {
      return Outcome.FULL;
    }
    queue.add(waiter);
    return Outcome.QUEUED;
  }

  public Target target() {
    return target;
  }

  /** Removes a waiter whose client left. */
  public synchronized void cancel(Waiter waiter) {
    waiter.done = true;
    queue.remove(waiter);
  }

  synchronized int queued() {
    return queue.size();
  }

  /** The pool now, copied under its lock: for the dashboard. */
  public record Load(int queued, int queueSize, int concurrency, int[] inFlight,
      long[] coolUntilNanos) {}

  public synchronized Load load() {
    return new Load(queue.size(), queueSize, concurrency, inFlight.clone(), coolUntilNanos.clone());
  }

  /** Nanoseconds until the first key leaves its cool-down (0 when one is usable). */
  public synchronized long coolingNanos() {
    long now = System.nanoTime();
    long min = Long.MAX_VALUE;
    for (long until : coolUntilNanos) {
      min = Math.min(min, Math.max(0, until - now));
    }
    return min;
  }

  public void release(Lease lease) {
    synchronized (this) {
      inFlight[lease.keyIndex()]--;
    }
    grantWaiters();
  }

  /** The key got a 429: nobody uses it for {@code nanos}. */
  public void coolDown(Lease lease, long nanos) {
    synchronized (this) {
      coolUntilNanos[lease.keyIndex()] = System.nanoTime() + nanos;
    }
    vertx.setTimer(Math.max(1, nanos / 1_000_000), id -> grantWaiters());
  }

  private void grantWaiters() {
    while (true) {
      Waiter next;
      Lease lease;
      synchronized (this) {
        next = queue.peek();
        if (next == null) {
          return;
        }
        lease = freeKey(System.nanoTime());
        if (lease == null) {
          return;
        }
        queue.poll();
        next.done = true;
      }
      Waiter w = next;
      Lease l = lease;
      w.context.runOnContext(v -> w.onGranted.accept(l));
    }
  }

  private Lease freeKey(long now) {
    int best = -1;
    for (int i = 0; i < keys.size(); i++) {
      if (coolUntilNanos[i] - now <= 0 && inFlight[i] < concurrency
          && (best < 0 || inFlight[i] < inFlight[best])) {
        best = i;
      }
    }
    if (best < 0) {
      return null;
    }
    inFlight[best]++;
    return new Lease(this, best, keys.get(best));
  }

  private boolean allCooling(long now) {
    for (long until : coolUntilNanos) {
      if (until - now <= 0) {
        return false;
      }
    }
    return true;
  }
}
