package io.sluice.gateway.internal.ledger;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * When each upstream key may be used again after a 429, by wall-clock time so that replicas agree.
 * Reads are local and never wait; a cool-down set here is handed to {@code publisher} (the Redis
 * ledger sends it to the other replicas, which {@link #apply} it), and listeners (the key pools)
 * hear of every change so that they can grant waiters when a key comes back.
 */
public final class CoolDowns {
  private final ConcurrentHashMap<String, Long> untilMillis = new ConcurrentHashMap<>();
  private final Listeners<Runnable> listeners = new Listeners<>();
  private volatile BiConsumer<String, Long> publisher = (id, until) -> { };

  /** Milliseconds until {@code upstreamKey} may be used; 0 when it may now. */
  public long remainingMillis(String upstreamKey, long nowMillis) {
    Long until = untilMillis.get(upstreamKey);
    if (until == null) {
      return 0;
    }
    if (until <= nowMillis) {
      untilMillis.remove(upstreamKey, until);
      return 0;
    }
    return until - nowMillis;
  }

  /** This replica saw a 429: the key rests until {@code until}, here and on the others. */
  public void coolDown(String upstreamKey, long until) {
    apply(upstreamKey, until);
    publisher.accept(upstreamKey, until);
  }

  /** A cool-down seen here or by another replica; the later end wins. */
  public void apply(String upstreamKey, long until) {
    untilMillis.merge(upstreamKey, until, Math::max);
    listeners.forEach(Runnable::run);
  }

  /**
   * Runs {@code listener} on every change, for as long as the caller holds it: it is held here
   * weakly ({@link Listeners}).
   */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Listeners registered and not yet removed, alive or not. */
  int listenerCount() {
    return listeners.size();
  }

  void publishTo(BiConsumer<String, Long> value) {
    publisher = value;
  }
}
