package io.sluice.gateway.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.UpstreamKind;
import io.sluice.gateway.internal.routing.TargetPool;
import io.vertx.core.Vertx;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ledger outlives configurations, the key pools do not: what a replaced pool registered goes
 * with it, and what a live pool registered stays.
 */
class ListenersTest {

  @Test
  void aListenerItsOwnerHoldsHearsEveryChange() {
    CoolDowns coolDowns = new CoolDowns();
    AtomicInteger heard = new AtomicInteger();
    Runnable listener = heard::incrementAndGet;
    coolDowns.onChange(listener);

    collectGarbage();
    coolDowns.apply("key-a", 1_000);
    coolDowns.apply("key-b", 2_000);

    assertThat(heard).hasValue(2);
    Reference.reachabilityFence(listener);
  }

  @Test
  void aListenerNobodyHoldsIsDroppedWhenTheNextIsAdded() {
    Listeners<Runnable> listeners = new Listeners<>();
    for (int i = 0; i < 1_000; i++) {
      listeners.add(new AtomicInteger()::incrementAndGet);
    }
    assertThat(listeners.size()).isEqualTo(1_000);

    collectGarbage();
    Runnable kept = () -> { };
    listeners.add(kept);

    assertThat(listeners.size()).isEqualTo(1);
    AtomicInteger called = new AtomicInteger();
    listeners.forEach(l -> called.incrementAndGet());
    assertThat(called).hasValue(1);
    Reference.reachabilityFence(kept);
  }

  @Test
  void poolsReplacedByReloadsLeaveNoListenerBehind() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      CoolDowns coolDowns = new CoolDowns();
      // A configuration reloaded 500 times, each with a changed target: a new pool each time.
      for (int i = 0; i < 500; i++) {
        new TargetPool(vertx, Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:1/v" + i,
            "sk-" + i), 4, 8, coolDowns, UpstreamSlots.LOCAL);
      }
      collectGarbage();
      TargetPool live = new TargetPool(vertx, Target.of(UpstreamKind.OPENAI_CHAT,
          "http://127.0.0.1:1/v1", "sk-live"), 4, 8, coolDowns, UpstreamSlots.LOCAL);

      assertThat(coolDowns.listenerCount()).isEqualTo(1);
      Reference.reachabilityFence(live);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Until a weakly held object is gone: a full collection has run (bounded). */
  private static void collectGarbage() {
    WeakReference<Object> sentinel = new WeakReference<>(new Object());
    for (int i = 0; i < 50 && sentinel.get() != null; i++) {
      System.gc();
    }
    assertThat(sentinel.get()).as("a garbage collection ran").isNull();
  }
}
