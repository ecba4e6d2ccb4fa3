package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Claim;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.RedisLedger;
import io.sluice.gateway.internal.ledger.SlotTake;
import io.sluice.gateway.internal.ledger.Spend;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The ledger calls its scripts by SHA: what happens when Redis no longer knows them (SCRIPT
 * FLUSH, a restarted Redis), read from a real redis-server's keys. Each call still runs, and runs
 * once: a request is counted once in its window and its slot is held once.
 */
class RedisScriptCacheTest {
  private static final KeyLimits LIMITS = new KeyLimits(100, 1_000_000, Duration.ofMinutes(1),
      BigDecimal.ZERO, KeyLimits.BudgetPeriod.NONE, false);

  private static <T> T on(Context loop, Supplier<Future<T>> call) throws Exception {
    java.util.concurrent.CompletableFuture<T> out = new java.util.concurrent.CompletableFuture<>();
    loop.runOnContext(v -> call.get().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out.get(10, TimeUnit.SECONDS);
  }

  private static Claim claim() {
    return new Claim("team", LIMITS, 0, 100, BigDecimal.ZERO, false, System.currentTimeMillis());
  }

  private static long counted(RedisServer redis) {
    Object n = RedisProbe.call(redis, "HGET", "sluice:{team}:req", "n");
    return n == null ? 0 : Long.parseLong((String) n);
  }

  private static RedisLedger ledger(Vertx vertx, RedisServer redis) {
    return new RedisLedger(vertx, GatewayConfig.LedgerSettings.DEFAULTS
        .withRedis(redis.uri(), false).withRedisTimeout(Duration.ofSeconds(5)),
        new GatewayMetrics());
  }

  @Test
  void anAdmissionWithItsSlotRunsOnceAfterTheScriptsWereFlushed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start(); RedisLedger ledger = ledger(vertx, redis)) {
      Context loop = vertx.getOrCreateContext();
      ledger.loopStarted(loop);
      assertThat(on(loop, () -> ledger.admit(claim())).admitted()).isTrue();
      RedisProbe.call(redis, "SCRIPT", "FLUSH");
      SlotTake.Answer a = on(loop, () -> ledger.admit(claim(), new SlotTake("up", "s1", 1)));
      assertThat(a.admission().admitted()).isTrue();
      assertThat(a.held()).isTrue();
      assertThat(counted(redis)).isEqualTo(2);
      assertThat(RedisProbe.call(redis, "ZCARD", "sluice:slots:{up}")).isEqualTo(1L);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSettlementAndAGiveRunAfterTheScriptsWereFlushed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start(); RedisLedger ledger = ledger(vertx, redis)) {
      Context loop = vertx.getOrCreateContext();
      ledger.loopStarted(loop);
      SlotTake.Answer a = on(loop, () -> ledger.admit(claim(), new SlotTake("up", "s1", 1)));
      RedisProbe.call(redis, "SCRIPT", "FLUSH");
      Admission admitted = a.admission();
      on(loop, () -> {
        ledger.settle(admitted.ticket(), new Ledger.Settlement("gpt-x", 30,
            new Spend(1, 10, 20, 0, 0, 0, BigDecimal.ZERO, 1, 0)));
        return ledger.slots().give("up", "s1");
      });
      Awaits.until(() -> "1".equals(RedisProbe.call(redis, "HGET", "sluice:{team}:spend",
          "gpt-x|requests")));
      assertThat(RedisProbe.call(redis, "HGET", "sluice:{team}:spend", "gpt-x|out"))
          .isEqualTo("20");
      assertThat(RedisProbe.call(redis, "HGET", "sluice:{team}:spend", "gpt-x|cache_read"))
          .isNull();
      assertThat(RedisProbe.call(redis, "HMGET", "sluice:{team}:tok", "u", "r"))
          .isEqualTo(java.util.List.of("30", "0"));
      assertThat(RedisProbe.call(redis, "EXISTS", "sluice:slots:{up}")).isEqualTo(0L);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRestartedRedisGetsTheScriptsAgainWhenTheLineReconnects() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start(); RedisLedger ledger = ledger(vertx, redis)) {
      Context loop = vertx.getOrCreateContext();
      ledger.loopStarted(loop);
      assertThat(on(loop, () -> ledger.admit(claim())).admitted()).isTrue();
      redis.kill();
      redis.restart();
      Awaits.until(() -> {
        try {
          return on(loop, () -> ledger.admit(claim(), new SlotTake("up", "s2", 1))).held()
              && counted(redis) == 1;
        } catch (Exception notYet) { // refused while the line reconnects: fail-closed
          return false;
        }
      });
      Object loaded = RedisProbe.call(redis, "INFO", "commandstats");
      assertThat(loaded.toString()).contains("cmdstat_script|load").doesNotContain("cmdstat_eval:");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGiveAnnouncesTheSlotOnlyWhenTheKeyWasFull() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start(); RedisLedger ledger = ledger(vertx, redis)) {
      Context loop = vertx.getOrCreateContext();
      ledger.loopStarted(loop);
      assertThat(on(loop, () -> ledger.slots().take("up", "a", 2))).isTrue();
      assertThat(on(loop, () -> ledger.slots().take("up", "b", 2))).isTrue();
      assertThat(on(loop, () -> ledger.slots().take("up", "c", 2))).isFalse();
      RedisProbe.call(redis, "CONFIG", "RESETSTAT");
      on(loop, () -> ledger.slots().give("up", "a")); // 2 of 2 held: a replica may wait
      assertThat(RedisLedgerCostTest.stats(redis).get("cmdstat_publish.calls")).isEqualTo(1.0);
      on(loop, () -> ledger.slots().give("up", "b")); // 1 of 2: no take was refused since
      assertThat(RedisLedgerCostTest.stats(redis).get("cmdstat_publish.calls")).isEqualTo(1.0);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
