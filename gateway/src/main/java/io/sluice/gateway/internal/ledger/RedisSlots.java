package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Upstream key concurrency shared through Redis: one sorted set per upstream key, its members the
 * slots held by every replica, each scored by when it expires. A take is one script (drop what
 * expired, take when fewer than the limit are held); a give removes the slot and publishes the
 * key's name on {@link #CHANNEL}, so that the other replicas retry their queued requests at once.
 * The slots this replica holds are renewed with its other leases, so a replica killed with
 * {@code kill -9} stops renewing them and they expire after {@code state.lease-ttl}.
 *
 * <p>When Redis does not answer within {@code state.timeout}, the take lets the request go and
 * the pool's own count decides (this replica alone keeps the key's concurrency). Admission in
 * front of it already applies {@code state.on-failure}: refusing a request that admission let
 * through, for want of a count that only spreads load, would turn a Redis outage into an outage
 * of every key. Each such decision is counted ({@code decision="slot_local"}).
 */
final class RedisSlots implements UpstreamSlots {
  static final String CHANNEL = "sluice:slots";

  private final Function<Request, Future<Response>> send;
  /** A future bounded by {@code state.timeout}, decided on the caller's event loop. */
  private final UnaryOperator<Future<Response>> bounded;
  private final long ttlMillis;
  private final GatewayMetrics metrics;
  private final Consumer<Throwable> outage;
  private final Runnable back;
  /**
   * Slots this replica holds, by id to their set: renewed until given back. A take enters here
   * before Redis answers, so that one which lands after its timeout is still renewed and given
   * back rather than held until it expires.
   */
  private final ConcurrentHashMap<String, String> held = new ConcurrentHashMap<>();
  private final Listeners<Consumer<String>> listeners = new Listeners<>();

  RedisSlots(Function<Request, Future<Response>> send, UnaryOperator<Future<Response>> bounded,
      long ttlMillis, GatewayMetrics metrics, Consumer<Throwable> outage, Runnable back) {
    this.send = send;
    this.bounded = bounded;
    this.ttlMillis = ttlMillis;
    this.metrics = metrics;
    this.outage = outage;
    this.back = back;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public Future<Boolean> take(String key, String slot, int limit) {
    return bounded.apply(send.apply(takeRequest(key, slot, limit))).map(r -> taken(r, slot))
        .otherwise(this::notTaken);
  }

  /**
   * The script that takes {@code slot}, for a caller that sends it itself (with an admission, in
   * one write). The slot counts as held here from now on, so that it is renewed, and given back,
   * even when its answer comes after its caller stopped waiting.
   */
  Request takeRequest(String key, String slot, int limit) {
    String set = set(key);
    held.put(slot, set);
    return Request.cmd(Command.EVAL).arg(RedisScripts.TAKE_SLOT).arg(1).arg(set)
        .arg(System.currentTimeMillis()).arg(ttlMillis).arg(limit).arg(slot);
  }

  /** Redis answered a take: true when the slot is held. */
  boolean taken(Response r, String slot) {
    back.run();
    if (r.toInteger() == 1) {
      return true;
    }
    held.remove(slot);
    return false;
  }

  /**
   * A take that got no answer in time: the request may go, on the pool's own count. The slot
   * stays known here, since Redis may still take it: its give removes it.
   */
  boolean notTaken(Throwable e) {
    outage.accept(e);
    metrics.sharedStateUnavailable("slot_local");
    return true;
  }

  @Override
  public Future<Void> give(String key, String slot) {
    held.remove(slot);
    Request give = Request.cmd(Command.EVAL).arg(RedisScripts.GIVE_SLOT).arg(1).arg(set(key))
        .arg(slot).arg(CHANNEL).arg(key);
    return bounded.apply(send.apply(give)).<Void>map(r -> {
      back.run();
      return null;
    }).otherwise(e -> {
      // Not retried: the slot expires after state.lease-ttl, since nobody renews it. (A give
      // that only answered late is counted too, though Redis has it.)
      outage.accept(e);
      metrics.sharedStateUnavailable("slot_give_lost");
      return null;
    });
  }

  @Override
  public void onFreed(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** A replica freed a slot of {@code key} (a message on {@link #CHANNEL}). */
  void freed(String key) {
    listeners.forEach(l -> l.accept(key));
  }

  /** Moves the expiry of every slot held here to {@code until}, one script per upstream key. */
  void renew(long until) {
    Map<String, List<String>> bySet = new HashMap<>();
    held.forEach((slot, set) -> bySet.computeIfAbsent(set, s -> new ArrayList<>()).add(slot));
    bySet.forEach((set, slots) -> {
      Request renew = Request.cmd(Command.EVAL).arg(RedisScripts.RENEW).arg(1).arg(set)
          .arg(until);
      slots.forEach(renew::arg);
      send.apply(renew).onFailure(outage::accept);
    });
  }

  /** The set of an upstream key; the braces keep it in one slot of a Redis cluster. */
  private static String set(String key) {
    return "sluice:slots:{" + key + "}";
  }
}
