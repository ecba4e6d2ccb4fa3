package io.sluice.gateway.internal.routing;

import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.ledger.CoolDowns;
import io.sluice.gateway.internal.ledger.SlotTake;
import io.sluice.gateway.internal.ledger.UpstreamSlots;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One target's pool of upstream keys: at most {@code concurrency} requests in flight per key, a
 * bounded queue of waiters beyond that, and a cool-down for a key that got a 429. Called from any
 * event loop, so its state is guarded by the pool's lock; a waiter is granted its lease on its own
 * context.
 *
 * <p>With {@link UpstreamSlots#shared() shared slots} (Redis, several replicas) a key free here is
 * granted only once the shared count gave it a slot: {@link #acquire} answers
 * {@link Outcome#PENDING} and the waiter hears later, on its context, that it was granted, or
 * {@link Outcome#QUEUED} or {@link Outcome#FULL}. A waiter that the shared count refused waits in
 * the queue and is tried again when a replica frees a slot of the key, when a lease is released
 * here, and every {@link #RETRY_MILLIS} while any waits (a replica killed with {@code kill -9}
 * announces nothing: its slots just expire). Without shared slots nothing here waits on anything.
 *
 * <p>A request being admitted may take its key ahead ({@link #headStart}), so that its shared
 * slot is asked for in the same trip to Redis as its admission; it then acquires with that key
 * ({@link #acquire(Waiter, Lease, boolean)}) or gives it back ({@link #abandon}).
 */
public final class TargetPool {
  /** How often queued waiters try the shared slots again when no replica announced a free one. */
  static final long RETRY_MILLIS = 250;

  /**
   * A key held for one request; give it back with {@link #release}. {@code slot} names its shared
   * slot ({@code ""} without shared slots).
   */
  public record Lease(TargetPool pool, int keyIndex, String apiKey, String slot) {
    /** An identity for logs: never the key, only its position in the pool. */
    public String keyLabel() {
      return apiKey.isEmpty() ? "" : "key" + keyIndex;
    }
  }

  /**
   * What {@link #acquire} did. PENDING: a shared slot is being taken; the waiter is granted, or
   * told QUEUED or FULL, later. Until then a streaming client's response head waits: its request
   * may still go to the next target.
   */
  public enum Outcome { GRANTED, QUEUED, PENDING, COOLING, FULL }

  /** A request waiting for a key. */
  public static final class Waiter {
    final Context context;
    final Consumer<Lease> onGranted;
    final BiConsumer<Waiter, Outcome> onDecided;
    public Lease lease;
    /** The only key this waiter may take (a Responses continuation's); -1: any. */
    public int pinnedKey = -1;
    boolean done;
    /** In the queue (counted against its bound). */
    boolean queued;
    /** A shared slot is being taken for it: it holds one of its key's counts here meanwhile. */
    boolean taking;
    /** The keys whose shared slot was refused to it since it last waited (several keys only). */
    BitSet refused;

    /**
     * {@code onGranted} runs with the lease once granted; {@code onDecided} runs once when a
     * PENDING waiter was QUEUED (it still waits) or FULL (refused: try the next target). Both on
     * {@code context}.
     */
    public Waiter(Context context, Consumer<Lease> onGranted,
        BiConsumer<Waiter, Outcome> onDecided) {
      this.context = context;
      this.onGranted = onGranted;
      this.onDecided = onDecided;
    }
  }

  private final Target target;
  /** {@link #label()}, built once: every request's metrics and log line name it. */
  private final String label;
  private final Vertx vertx;
  private final List<String> keys;
  private final int[] inFlight;
  /** Each key's name in the shared cool-downs: a hash of the target and key, never the key. */
  private final String[] coolIds;
  private final CoolDowns coolDowns;
  private final int concurrency;
  private final int queueSize;
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final UpstreamSlots slots;
  /** Slot ids are this prefix and a count: unique across replicas without a random per request. */
  private final String slotPrefix = UUID.randomUUID() + ":";
  private long slotCount;
  private long retryTimer = -1;
  /**
   * What this pool hears from the ledger, held here because the ledger holds listeners weakly:
   * they go when a reload has replaced the pool and its last request has ended.
   */
  private final Runnable onCoolDown;
  private final Consumer<String> onFreed;

  public TargetPool(Vertx vertx, Target target, int defaultConcurrency, int queueSize,
      CoolDowns coolDowns, UpstreamSlots slots) {
    this.vertx = vertx;
    this.target = target;
    this.label = target.kind().configName() + " " + target.safeBaseUrl();
    this.keys = target.apiKeys().isEmpty() ? List.of("") : target.apiKeys();
    this.inFlight = new int[keys.size()];
    this.coolDowns = coolDowns;
    this.coolIds = new String[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      coolIds[i] = coolId(target, keys.get(i));
    }
    // A key that another replica rested, or whose rest ended, may free a waiter here.
    this.onCoolDown = () -> vertx.setTimer(1, id -> grantWaiters());
    coolDowns.onChange(onCoolDown);
    this.concurrency = target.concurrency() > 0 ? target.concurrency() : defaultConcurrency;
    this.queueSize = queueSize;
    this.slots = slots;
    this.onFreed = key -> {
      if (holds(key)) {
        grantWaiters();
      }
    };
    if (slots.shared()) {
      slots.onFreed(onFreed);
    }
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
    return label;
  }

  /**
   * Grants a lease now (GRANTED, in {@code waiter.lease}), takes a shared slot for it (PENDING),
   * queues the waiter, or refuses.
   */
  public Outcome acquire(Waiter waiter) {
    if (!slots.shared()) {
      return acquireHere(waiter);
    }
    Lease lease;
    synchronized (this) {
      long now = System.currentTimeMillis();
      // Behind a queue, a newcomer waits its turn: the queue is tried below.
      lease = queue.isEmpty() ? freeKey(now, waiter.pinnedKey, null) : null;
      if (lease == null) {
        if (cooling(waiter, now)) {
          return Outcome.COOLING;
        }
        if (queue.size() >= queueSize) {
          return Outcome.FULL;
        }
        waiter.queued = true;
        queue.add(waiter);
      } else {
        waiter.taking = true;
      }
    }
    if (lease != null) {
      take(waiter, lease);
      return Outcome.PENDING;
    }
    grantWaiters();
    return Outcome.QUEUED;
  }

  /**
   * With shared slots, the key {@link #acquire} would take now, counted here as in flight, for a
   * request that is still being admitted: its shared slot ({@link #slotTake}) is asked for in the
   * same trip to the shared state as the admission. Empty without shared slots (nothing to save),
   * behind a queue (a newcomer waits its turn) or with no key free here: the request then takes
   * its key after admission, as without a head start. Whoever gets one hands it to
   * {@link #acquire(Waiter, Lease, boolean)} or gives it back with {@link #abandon}.
   */
  public Optional<Lease> headStart() {
    if (!slots.shared()) {
      return Optional.empty();
    }
    synchronized (this) {
      return queue.isEmpty()
          ? Optional.ofNullable(freeKey(System.currentTimeMillis(), -1, null))
          : Optional.empty();
    }
  }

  /** The shared slot a head start asks for. */
  public SlotTake slotTake(Lease early) {
    return new SlotTake(coolIds[early.keyIndex()], early.slot(), concurrency);
  }

  /**
   * {@link #acquire} for a request that has a {@link #headStart} whose shared take answered
   * {@code held}: GRANTED with it when held; else as when a take is refused (PENDING: the next
   * key free here is tried, or the waiter is queued or refused, and hears it on its context).
   */
  public Outcome acquire(Waiter waiter, Lease early, boolean held) {
    synchronized (this) {
      if (held) {
        waiter.done = true;
        waiter.lease = early;
        return Outcome.GRANTED;
      }
      waiter.taking = true;
    }
    taken(waiter, early, false);
    return Outcome.PENDING;
  }

  /**
   * A head start that is not used (its request was refused, failed, or its client left): its
   * count here goes back, and its shared slot unless the take was refused ({@code held} false).
   */
  public void abandon(Lease early, boolean held) {
    synchronized (this) {
      inFlight[early.keyIndex()]--;
    }
    if (held) {
      slots.give(coolIds[early.keyIndex()], early.slot());
    }
    grantWaiters();
  }

  /** In one process: the pool's count is the whole truth, and nothing waits. */
  private synchronized Outcome acquireHere(Waiter waiter) {
    long now = System.currentTimeMillis();
    Lease lease = freeKey(now, waiter.pinnedKey, null);
    if (lease != null) {
      waiter.done = true;
      waiter.lease = lease;
      return Outcome.GRANTED;
    }
    if (cooling(waiter, now)) {
      return Outcome.COOLING;
    }
    if (queue.size() >= queueSize) {
      return Outcome.FULL;
    }
    waiter.queued = true;
    queue.add(waiter);
    return Outcome.QUEUED;
  }

  public Target target() {
    return target;
  }

  /**
   * Removes a waiter whose client left. A shared slot being taken for it is given back when the
   * take answers.
   */
  public synchronized void cancel(Waiter waiter) {
    waiter.done = true;
    if (waiter.queued) {
      waiter.queued = false;
      queue.remove(waiter);
    }
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

  /**
   * Gives a key back. Completes when its shared slot is free for every replica (at once without
   * shared slots; never fails).
   */
  public Future<Void> release(Lease lease) {
    synchronized (this) {
      inFlight[lease.keyIndex()]--;
    }
    Future<Void> given = Future.succeededFuture();
    if (!lease.slot().isEmpty()) {
      // Sent before the waiters' takes, on the same connection: Redis frees it before they ask.
      given = slots.give(coolIds[lease.keyIndex()], lease.slot());
    }
    grantWaiters();
    return given;
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
    if (slots.shared()) {
      takeForWaiters();
      return;
    }
    List<Runnable> grants = new ArrayList<>();
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (java.util.Iterator<Waiter> it = queue.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        Lease lease = freeKey(now, w.pinnedKey, null);
        if (lease == null) {
          if (w.pinnedKey < 0) {
            break; // no key is free at all
          }
          continue;
        }
        it.remove();
        w.queued = false;
        w.done = true;
        grants.add(() -> w.context.runOnContext(v -> w.onGranted.accept(lease)));
      }
    }
    grants.forEach(Runnable::run);
  }

  /**
   * Shared slots: takes one for each queued waiter, in order, while a key is free here. A waiter
   * stays in the queue (and counts against its bound) until its take answers.
   */
  private void takeForWaiters() {
    List<Waiter> waiters = new ArrayList<>();
    List<Lease> leases = new ArrayList<>();
    synchronized (this) {
      long now = System.currentTimeMillis();
      for (Waiter w : queue) {
        if (w.taking) {
          continue;
        }
        Lease lease = freeKey(now, w.pinnedKey, null);
        if (lease == null) {
          if (w.pinnedKey < 0) {
            break; // no key is free here at all
          }
          continue;
        }
        w.taking = true;
        waiters.add(w);
        leases.add(lease);
      }
      armRetry();
    }
    for (int i = 0; i < waiters.size(); i++) {
      take(waiters.get(i), leases.get(i));
    }
  }

  /** While waiters are queued, tries them again in {@link #RETRY_MILLIS}. Under the lock. */
  private void armRetry() {
    if (!queue.isEmpty() && retryTimer < 0) {
      retryTimer = vertx.setTimer(RETRY_MILLIS, id -> {
        synchronized (this) {
          retryTimer = -1;
        }
        grantWaiters();
      });
    }
  }

  /** Asks the shared count for {@code lease}'s slot, on behalf of {@code w}. */
  private void take(Waiter w, Lease lease) {
    slots.take(coolIds[lease.keyIndex()], lease.slot(), concurrency)
        .onComplete(ar -> taken(w, lease, ar.succeeded() && ar.result()));
  }

  /**
   * The shared count answered {@code w}'s take. Held: granted, or given back when the waiter left
   * meanwhile. Refused: the next key free here is tried; with none, a newcomer joins the queue
   * (or, the queue full, is refused) and a queued waiter stays for the next try. A refusal does
   * not try the other waiters at once: the count is full, and only a freed slot, a release here
   * or the timer may change that.
   */
  private void taken(Waiter w, Lease lease, boolean held) {
    int k = lease.keyIndex();
    boolean giveBack = false;
    boolean grant = false;
    Lease next = null;
    Outcome decided = null;
    synchronized (this) {
      if (held && !w.done) {
        w.taking = false;
        w.done = true;
        w.refused = null;
        if (w.queued) {
          w.queued = false;
          queue.remove(w);
        }
        grant = true;
      } else {
        inFlight[k]--;
        giveBack = held;
        if (w.done) {
          w.taking = false;
        } else {
          if (keys.size() > 1 && w.pinnedKey < 0) {
            if (w.refused == null) {
              w.refused = new BitSet(keys.size());
            }
            w.refused.set(k);
            next = freeKey(System.currentTimeMillis(), -1, w.refused);
          }
          if (next == null) {
            w.taking = false;
            w.refused = null;
            if (!w.queued) {
              if (queue.size() < queueSize) {
                w.queued = true;
                queue.add(w);
                decided = Outcome.QUEUED;
              } else {
                w.done = true;
                decided = Outcome.FULL;
              }
            }
            armRetry();
          }
        }
      }
    }
    if (grant) {
      w.context.runOnContext(v -> w.onGranted.accept(lease));
    } else if (giveBack) {
      slots.give(coolIds[k], lease.slot()); // the waiter left while its take was on its way
      grantWaiters();
    } else if (next != null) {
      take(w, next);
    } else if (decided != null) {
      Outcome o = decided;
      w.context.runOnContext(v -> w.onDecided.accept(w, o));
    }
  }

  /** Whether {@code key} (a shared name) is one of this pool's keys. */
  private boolean holds(String key) {
    for (String id : coolIds) {
      if (id.equals(key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The least loaded key that is not cooling and has room here: {@code pinned} alone when it is
   * not -1, and none of {@code skip}.
   */
  private Lease freeKey(long now, int pinned, BitSet skip) {
    int best = -1;
    for (int i = 0; i < keys.size(); i++) {
      if ((pinned < 0 || i == pinned) && (skip == null || !skip.get(i))
          && coolDowns.remainingMillis(coolIds[i], now) == 0 && inFlight[i] < concurrency
          && (best < 0 || inFlight[i] < inFlight[best])) {
        best = i;
      }
    }
    if (best < 0) {
      return null;
    }
    inFlight[best]++;
    return new Lease(this, best, keys.get(best),
        slots.shared() ? slotPrefix + (++slotCount) : "");
  }

  /** Whether every key the waiter may take is cooling. */
  private boolean cooling(Waiter waiter, long now) {
    return waiter.pinnedKey >= 0
        ? coolDowns.remainingMillis(coolIds[waiter.pinnedKey], now) > 0 : allCooling(now);
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
