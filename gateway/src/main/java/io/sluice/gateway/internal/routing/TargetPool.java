package io.sluice.gateway.internal.routing;

import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.ledger.CoolDowns;
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
    /** The only key this waiter may take (a Responses continuation's); -1: any. */
    public int pinnedKey = -1;
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
  /** Each key's name in the shared cool-downs: a hash of the target and key, never the key. */
  private final String[] coolIds;
  private final CoolDowns coolDowns;
  private final int concurrency;
  private final int queueSize;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  public TargetPool(Vertx vertx, Target target, int defaultConcurrency, int queueSize,
      CoolDowns coolDowns) {
    this.vertx = vertx;
    this.target = target;
    this.keys = target.apiKeys().isEmpty() ? List.of("") : target.apiKeys();
    this.inFlight = new int[keys.size()];
    this.coolDowns = coolDowns;
    this.coolIds = new String[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      coolIds[i] = coolId(target, keys.get(i));
    }
    // A key that another replica rested, or whose rest ended, may free a waiter here.
    coolDowns.onChange(() -> vertx.setTimer(1, id -> grantWaiters()));
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
    long now = System.currentTimeMillis();
    Lease lease = freeKey(now, waiter.pinnedKey);
    if (lease != null) {
      waiter.done = true;
      waiter.lease = lease;
      return Outcome.GRANTED;
    }
    if (waiter.pinnedKey >= 0 ? coolDowns.remainingMillis(coolIds[waiter.pinnedKey], now) > 0
        : allCooling(now)) {
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
    long nowMillis = System.currentTimeMillis();
    long nowNanos = System.nanoTime();
    long[] until = new long[coolIds.length]; // on the nanoTime scale the dashboard reads
    for (int i = 0; i < coolIds.length; i++) {
      until[i] = nowNanos + coolDowns.remainingMillis(coolIds[i], nowMillis) * 1_000_000L;
    }
    return new Load(queue.size(), queueSize, concurrency, inFlight.clone(), until);
  }

  /** Nanoseconds until the first key leaves its cool-down (0 when one is usable). */
  public synchronized long coolingNanos() {
    long now = System.currentTimeMillis();
    long min = Long.MAX_VALUE;
    for (String id : coolIds) {
      min = Math.min(min, coolDowns.remainingMillis(id, now) * 1_000_000L);
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
    long millis = Math.max(1, nanos / 1_000_000);
    coolDowns.coolDown(coolIds[lease.keyIndex()], System.currentTimeMillis() + millis);
    vertx.setTimer(millis, id -> grantWaiters());
  }

  /** The key's identity between replicas: the same target and key give the same name. */
  static String coolId(Target target, String apiKey) {
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
          (target.baseUrl() + "\n" + apiKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(h, 0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The index of the key whose shared name is {@code coolId}; -1 when none here has it. */
  public int keyIndexOf(String coolId) {
    for (int i = 0; i < coolIds.length; i++) {
      if (coolIds[i].equals(coolId)) {
        return i;
      }
    }
    return -1;
  }

  /** The shared name of a lease's key, for affinity. */
  public String coolId(int keyIndex) {
    return coolIds[keyIndex];
  }

  /** Grants every queued waiter a key can serve, in order; a pinned one does not block the rest. */
  private void grantWaiters() {
    List<Runnable> grants = new java.util.ArrayList<>();
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (java.util.Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        Lease lease = freeKey(now, w.pinnedKey);
        if (lease == null) {
          if (w.pinnedKey < 0) {
            break; // no key is free at all
          }
          continue;
        }
        it.remove();
        w.done = true;
        grants.add(() -> w.context.runOnContext(v -> w.onGranted.accept(lease)));
      }
    }
    grants.forEach(Runnable::run);
  }

  private Lease freeKey(long now, int pinned) {
    int best = -1;
    for (int i = 0; i < keys.size(); i++) {
      if ((pinned < 0 || i == pinned) && coolDowns.remainingMillis(coolIds[i], now) == 0 && inFlight[i] < concurrency
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
    for (String id : coolIds) {
      if (coolDowns.remainingMillis(id, now) == 0) {
        return false;
      }
    }
    return true;
  }
}
