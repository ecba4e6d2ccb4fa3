package io.sluice.gateway.internal.ledger;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/**
 * Every piece of state that replicas must share, behind one asynchronous interface: request and
 * token windows, reservations and their settlement, budgets and spend, runtime keys, upstream
 * key cool-downs and upstream key concurrency. {@link InProcessLedger} is the reference; {@code RedisLedger} shares the same
 * semantics between replicas. No method blocks: the futures complete on the caller's context or
 * at once.
 */
public interface Ledger extends AutoCloseable {

  /** Checks a claim against its key's limits and, when it passes, reserves what it may use. */
  Future<Admission> admit(Claim claim);

  /**
   * Admits {@code claim} and takes upstream key slot {@code take} in the same trip to the shared
   * state: with Redis both commands leave in one write and are answered together, so that a
   * request pays one round trip before its upstream call instead of two in a row. The slot is
   * asked for whatever the admission decides (Redis runs them side by side): the caller gives it
   * back when the request is refused, fails or is not sent ({@link UpstreamSlots#give} of a slot
   * that was not taken is harmless). Fails only as {@link #admit(Claim)} fails.
   *
   * <p>This default is for ledgers without shared slots: it asks for the slot after an admission
   * that passed, so that the in-process ledger behaves as it always did.
   */
  default Future<SlotTake.Answer> admit(Claim claim, SlotTake take) {
    return admit(claim).compose(a -> a.admitted()
        ? slots().take(take.key(), take.slot(), take.limit()).map(h -> new SlotTake.Answer(a, h))
        : Future.succeededFuture(new SlotTake.Answer(a, false)));
  }

  /**
   * Books what a request really used, once, and gives back its reservation and concurrency slot.
   * Never fails towards the caller: a ledger that cannot reach its store counts and logs it.
   */
  void settle(Admission.Ticket ticket, Settlement settlement);

  /** Spend per model of a key since it was first seen, and its spend in the budget's period. */
  Future<Map<String, Spend>> spend(String keyId);

  /** USD spent by a key in the current budget period (priced requests only). */
  Future<java.math.BigDecimal> periodSpend(String keyId, io.sluice.gateway.KeyLimits limits);

  /** Keys created at runtime through the admin API. */
  RuntimeKeys keys();

  /** Upstream key cool-downs after a 429. */
  CoolDowns coolDowns();

  /** Per-upstream-key concurrency shared between replicas; in one process the pools count. */
  default UpstreamSlots slots() {
    return UpstreamSlots.LOCAL;
  }

  /** Responses affinity: which target and upstream key made a response. */
  Future<Void> remember(String responseId, String where);

  Future<java.util.Optional<String>> madeBy(String responseId);

  /** Completes when the shared state answers (at once for this process's own). */
  default Future<Void> reachable() {
    return Future.succeededFuture();
  }

  /**
   * A front-door event loop started, on {@code context}: a ledger that talks to a store opens its
   * connection for that loop there, so that the loop's requests are answered without leaving it.
   */
  default void loopStarted(io.vertx.core.Context context) {
    // Nothing to open: this process's own books answer at once.
  }

  @Override
  void close();

  /** What a finished request used, for its key's windows and spend. */
  record Settlement(String model, long tokens, Spend spend) {}

  /** The ledger's own count of keys, for tests and the admin API listing. */
  default List<String> keyIds() {
    return List.of();
  }
}
