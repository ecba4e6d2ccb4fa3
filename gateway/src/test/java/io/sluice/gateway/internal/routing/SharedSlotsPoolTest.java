package io.sluice.gateway.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.UpstreamKind;
import io.sluice.gateway.internal.ledger.CoolDowns;
import io.sluice.gateway.internal.ledger.UpstreamSlots;
import io.sluice.gateway.internal.routing.TargetPool.Lease;
import io.sluice.gateway.internal.routing.TargetPool.Outcome;
import io.sluice.gateway.internal.routing.TargetPool.Waiter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A key pool whose slots are shared with other replicas: the shared count is played by the test,
 * which answers each take when it chooses, so that every order of events can be set up. The Redis
 * side of the same contract runs against a real redis-server in UpstreamSlotsRedisTest.
 */
class SharedSlotsPoolTest {
  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final Answering slots = new Answering();

  @AfterEach
  void close() {
    vertx.close();
  }

  /** The shared count, answered by hand; gives and takes are recorded. */
  static final class Answering implements UpstreamSlots {
    final List<Promise<Boolean>> takes = new CopyOnWriteArrayList<>();
    final List<String> takenSlots = new CopyOnWriteArrayList<>();
    final List<String> takenKeys = new CopyOnWriteArrayList<>();
    final List<String> given = new CopyOnWriteArrayList<>();
    final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    @Override
    public boolean shared() {
      return true;
    }

    @Override
    public Future<Boolean> take(String key, String slot, int limit) {
      Promise<Boolean> p = Promise.promise();
      takes.add(p);
      takenSlots.add(slot);
      takenKeys.add(key);
      return p.future();
    }

    @Override
    public Future<Void> give(String key, String slot) {
      given.add(slot);
      return Future.succeededFuture();
    }

    @Override
    public void onFreed(Consumer<String> listener) {
      listeners.add(listener);
    }

    void freed(String key) {
      listeners.forEach(l -> l.accept(key));
    }
  }

  /** What a waiter heard, in order. */
  static final class Heard {
    final CompletableFuture<Lease> granted = new CompletableFuture<>();
    final List<Outcome> decided = new CopyOnWriteArrayList<>();
    Waiter waiter;
  }

  private TargetPool pool(int concurrency, int queueSize, String... keys) {
    Target t = new Target(UpstreamKind.OPENAI_CHAT, ChatDialect.OPENAI, "http://127.0.0.1:9/v1",
        "", List.of(keys), concurrency);
    return new TargetPool(vertx, t, 64, queueSize, new CoolDowns(), slots);
  }

  private Heard waiter() {
    Heard h = new Heard();
    h.waiter = new Waiter(context, h.granted::complete, (w, o) -> h.decided.add(o));
    return h;
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  @Test
  void aKeyFreeHereIsGrantedOnlyOnceTheSharedCountGaveItsSlot() throws Exception {
    TargetPool pool = pool(2, 4, "sk-a");
    Heard h = waiter();
    assertThat(pool.acquire(h.waiter)).isEqualTo(Outcome.PENDING);
    assertThat(h.granted).isNotDone();
    slots.takes.get(0).complete(true);
    Lease lease = h.granted.get(10, TimeUnit.SECONDS);
    assertThat(lease.slot()).isEqualTo(slots.takenSlots.get(0)).isNotEmpty();
    assertThat(h.decided).isEmpty();
  }

  @Test
  void aRefusedTakeQueuesTheWaiterAndAFreedSlotGrantsIt() throws Exception {
    TargetPool pool = pool(2, 4, "sk-a");
    Heard h = waiter();
    assertThat(pool.acquire(h.waiter)).isEqualTo(Outcome.PENDING);
    slots.takes.get(0).complete(false);
    await(() -> h.decided.equals(List.of(Outcome.QUEUED)));
    assertThat(pool.queued()).isEqualTo(1);
    slots.freed(TargetPool.coolId(pool.target(), "sk-a"));
    await(() -> slots.takes.size() == 2);
    slots.takes.get(1).complete(true);
    assertThat(h.granted.get(10, TimeUnit.SECONDS).slot()).isEqualTo(slots.takenSlots.get(1));
    assertThat(pool.queued()).isZero();
  }

  @Test
  void aQueuedWaiterIsTriedAgainOnATimerWhenNoReplicaAnnouncesAFreeSlot() throws Exception {
    TargetPool pool = pool(1, 4, "sk-a");
    Heard h = waiter();
    pool.acquire(h.waiter);
    slots.takes.get(0).complete(false);
    await(() -> slots.takes.size() == 2); // a killed replica announces nothing: its slot expires
    slots.takes.get(1).complete(true);
    assertThat(h.granted.get(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aRefusedTakeWithTheQueueFullIsRefused() {
    TargetPool pool = pool(2, 1, "sk-a");
    Heard first = waiter();
    Heard second = waiter();
    assertThat(pool.acquire(first.waiter)).isEqualTo(Outcome.PENDING);
    assertThat(pool.acquire(second.waiter)).isEqualTo(Outcome.PENDING);
    slots.takes.get(0).complete(false);
    await(() -> first.decided.equals(List.of(Outcome.QUEUED)));
    slots.takes.get(1).complete(false);
    await(() -> second.decided.equals(List.of(Outcome.FULL)));
    assertThat(pool.queued()).isEqualTo(1);
  }

  @Test
  void aNewcomerWaitsBehindTheQueue() {
    TargetPool pool = pool(2, 4, "sk-a");
    Heard first = waiter();
    pool.acquire(first.waiter);
    slots.takes.get(0).complete(false);
    await(() -> first.decided.equals(List.of(Outcome.QUEUED)));
    Heard second = waiter();
    assertThat(pool.acquire(second.waiter)).isEqualTo(Outcome.QUEUED);
    assertThat(pool.queued()).isEqualTo(2);
  }

  @Test
  void aWaiterThatLeftWhileItsTakeWasUnderWayGivesTheSlotBack() {
    TargetPool pool = pool(1, 4, "sk-a");
    Heard h = waiter();
    pool.acquire(h.waiter);
    pool.cancel(h.waiter);
    slots.takes.get(0).complete(true);
    await(() -> slots.given.equals(List.of(slots.takenSlots.get(0))));
    assertThat(h.granted).isNotDone();
    assertThat(pool.load().inFlight()).containsExactly(0);
  }

  @Test
  void aReleasedLeaseGivesItsSlotBack() throws Exception {
    TargetPool pool = pool(1, 4, "sk-a");
    Heard h = waiter();
    pool.acquire(h.waiter);
    slots.takes.get(0).complete(true);
    Lease lease = h.granted.get(10, TimeUnit.SECONDS);
    pool.release(lease);
    assertThat(slots.given).containsExactly(lease.slot());
    assertThat(pool.load().inFlight()).containsExactly(0);
  }

  @Test
  void aKeyRefusedByTheSharedCountLetsTheNextKeyBeTried() throws Exception {
    TargetPool pool = pool(1, 4, "sk-a", "sk-b");
    Heard h = waiter();
    pool.acquire(h.waiter);
    slots.takes.get(0).complete(false);
    await(() -> slots.takes.size() == 2);
    slots.takes.get(1).complete(true);
    Lease lease = h.granted.get(10, TimeUnit.SECONDS);
    assertThat(lease.keyIndex()).isEqualTo(1);
    assertThat(h.decided).isEmpty();
  }

  @Test
  void aPinnedWaiterRefusedItsKeyWaitsForItRatherThanTakingAnother() {
    TargetPool pool = pool(1, 4, "sk-a", "sk-b");
    Heard h = waiter();
    h.waiter.pinnedKey = 1;
    assertThat(pool.acquire(h.waiter)).isEqualTo(Outcome.PENDING);
    slots.takes.get(0).complete(false);
    await(() -> h.decided.equals(List.of(Outcome.QUEUED)));
    // sk-a, free, is never asked for, however often the waiter is tried again.
    assertThat(slots.takenKeys).containsOnly(TargetPool.coolId(pool.target(), "sk-b"));
    assertThat(pool.load().inFlight()[0]).isZero();
  }

  @Test
  void takesInFlightHoldTheKeysCountHere() {
    TargetPool pool = pool(1, 4, "sk-a");
    Heard first = waiter();
    Heard second = waiter();
    assertThat(pool.acquire(first.waiter)).isEqualTo(Outcome.PENDING);
    // The one slot of this replica is being taken: the next waits here, without asking Redis.
    assertThat(pool.acquire(second.waiter)).isEqualTo(Outcome.QUEUED);
    assertThat(slots.takes).hasSize(1);
  }

  @Test
  void aHeadStartCountsItsKeyHereAndIsGrantedAtOnceWhenItsSlotWasHeld() {
    TargetPool pool = pool(1, 4, "sk-a");
    Lease early = pool.headStart().orElseThrow();
    assertThat(pool.load().inFlight()).containsExactly(1);
    assertThat(pool.headStart()).isEmpty(); // the key's one request here is taken
    assertThat(pool.slotTake(early).key()).isEqualTo(TargetPool.coolId(pool.target(), "sk-a"));
    assertThat(pool.slotTake(early).slot()).isEqualTo(early.slot()).isNotEmpty();
    Heard h = waiter();
    assertThat(pool.acquire(h.waiter, early, true)).isEqualTo(Outcome.GRANTED);
    assertThat(h.waiter.lease).isSameAs(early);
    assertThat(slots.takes).isEmpty(); // its slot was asked for with its admission
    pool.release(early);
    assertThat(slots.given).containsExactly(early.slot());
    assertThat(pool.load().inFlight()).containsExactly(0);
  }

  @Test
  void aHeadStartWhoseSlotWasRefusedTriesTheNextKey() throws Exception {
    TargetPool pool = pool(1, 4, "sk-a", "sk-b");
    Lease early = pool.headStart().orElseThrow();
    assertThat(early.keyIndex()).isZero();
    Heard h = waiter();
    assertThat(pool.acquire(h.waiter, early, false)).isEqualTo(Outcome.PENDING);
    assertThat(slots.takenKeys).containsExactly(TargetPool.coolId(pool.target(), "sk-b"));
    slots.takes.get(0).complete(true);
    assertThat(h.granted.get(10, TimeUnit.SECONDS).keyIndex()).isEqualTo(1);
    assertThat(pool.load().inFlight()).containsExactly(0, 1);
    assertThat(slots.given).isEmpty(); // the refused slot was never held
  }

  @Test
  void aHeadStartWhoseSlotWasRefusedWithNoOtherKeyQueuesTheWaiter() {
    TargetPool pool = pool(1, 4, "sk-a");
    Lease early = pool.headStart().orElseThrow();
    Heard h = waiter();
    assertThat(pool.acquire(h.waiter, early, false)).isEqualTo(Outcome.PENDING);
    await(() -> h.decided.equals(List.of(Outcome.QUEUED)));
    assertThat(pool.queued()).isEqualTo(1);
    assertThat(pool.load().inFlight()).containsExactly(0);
  }

  @Test
  void anAbandonedHeadStartGivesItsCountAndItsSlotBack() {
    TargetPool pool = pool(1, 4, "sk-a", "sk-b");
    Lease held = pool.headStart().orElseThrow();
    Lease refused = pool.headStart().orElseThrow();
    assertThat(pool.load().inFlight()).containsExactly(1, 1);
    pool.abandon(held, true);
    pool.abandon(refused, false);
    assertThat(slots.given).containsExactly(held.slot());
    assertThat(pool.load().inFlight()).containsExactly(0, 0);
  }

  @Test
  void noHeadStartIsTakenBehindAQueueOrWithoutSharedSlots() {
    TargetPool pool = pool(1, 4, "sk-a", "sk-b");
    Heard first = waiter();
    first.waiter.pinnedKey = 0;
    pool.acquire(first.waiter);
    slots.takes.get(0).complete(false);
    await(() -> first.decided.equals(List.of(Outcome.QUEUED)));
    assertThat(pool.headStart()).isEmpty(); // sk-b is free, but a newcomer waits its turn
    Target t = new Target(UpstreamKind.OPENAI_CHAT, ChatDialect.OPENAI, "http://127.0.0.1:9/v1",
        "", List.of("sk-a"), 1);
    TargetPool alone = new TargetPool(vertx, t, 64, 4, new CoolDowns(), UpstreamSlots.LOCAL);
    assertThat(alone.headStart()).isEmpty();
    assertThat(alone.load().inFlight()).containsExactly(0);
  }
}
