package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.internal.ledger.Claim;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.LedgerException;
import io.sluice.gateway.internal.ledger.SlotTake;
import io.sluice.gateway.internal.ledger.Ledgers;
import io.sluice.gateway.internal.ledger.UpstreamSlots;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Redis side of shared upstream key slots, against a real redis-server. */
class UpstreamSlotsRedisTest {
  private final Vertx vertx = Vertx.vertx();
  private final GatewayMetrics metrics = new GatewayMetrics();

  @AfterEach
  void close() {
    vertx.close();
  }

  private Ledger ledger(RedisServer redis, Duration leaseTtl) {
    return Ledgers.create(vertx, LedgerSettings.DEFAULTS.withRedis(redis.uri(), false)
        .withRedisTimeout(Duration.ofSeconds(2)).withLeaseTtl(leaseTtl), metrics);
  }

  private static boolean take(UpstreamSlots slots, String slot, int limit) throws Exception {
    return get(slots.take("k1", slot, limit));
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void slotsAreTakenUpToTheLimitAcrossLedgers() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30));
        Ledger b = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 2);
      assertThat(take(a.slots(), "a1", 2)).isTrue();
      assertThat(take(b.slots(), "b1", 2)).isTrue();
      assertThat(take(a.slots(), "a2", 2)).isFalse();
      assertThat(take(b.slots(), "b2", 2)).isFalse();
      assertThat(metrics.scrape()).doesNotContain("slot_local");
    }
  }

  @Test
  void aGivenSlotIsAnnouncedToEveryReplicaAndCanBeTakenAgain() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30));
        Ledger b = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 2);
      List<String> heard = new CopyOnWriteArrayList<>();
      b.slots().onFreed(heard::add);
      assertThat(take(a.slots(), "a1", 1)).isTrue();
      assertThat(take(b.slots(), "b1", 1)).isFalse();
      a.slots().give("k1", "a1");
      Awaits.until(() -> heard.equals(List.of("k1")));
      assertThat(take(b.slots(), "b1", 1)).isTrue();
    }
  }

  @Test
  void aSlotNobodyRenewsExpiresAfterTheLeaseTtl() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger b = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 1);
      Vertx dying = Vertx.vertx();
      Ledger a = Ledgers.create(dying, LedgerSettings.DEFAULTS.withRedis(redis.uri(), false)
          .withRedisTimeout(Duration.ofSeconds(2)).withLeaseTtl(Duration.ofSeconds(2)), metrics);
      RedisProbe.awaitSubscribers(redis, 2);
      assertThat(take(a.slots(), "a1", 1)).isTrue();
      get(dying.close()); // its renewals stop, as a killed replica's would; nothing is given back
      long stopped = System.nanoTime();
      assertThat(take(b.slots(), "b1", 1)).isFalse();
      Awaits.until(() -> {
        try {
          return take(b.slots(), "b1", 1);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertThat((System.nanoTime() - stopped) / 1_000_000).isLessThan(10_000);
    }
  }

  @Test
  void heldSlotsAreRenewedWhileTheirReplicaLives() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(1))) {
      RedisProbe.awaitSubscribers(redis, 1);
      assertThat(take(a.slots(), "a1", 1)).isTrue();
      long first = score(redis, "a1");
      Awaits.until(() -> score(redis, "a1") > first); // renewed every third of the TTL
      assertThat(take(a.slots(), "a2", 1)).isFalse();
    }
  }

  private static long score(RedisServer redis, String slot) {
    return (long) Double.parseDouble(
        (String) RedisProbe.call(redis, "ZSCORE", "sluice:slots:{k1}", slot));
  }

  @Test
  void withRedisDownATakeLetsThePoolsOwnCountDecideAndIsCounted() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 1);
      redis.kill();
      assertThat(take(a.slots(), "a1", 1)).isTrue();
      assertThat(take(a.slots(), "a2", 1)).isTrue();
      assertThat(metrics.scrape())
          .contains("sluice_gateway_shared_state_unavailable_total{decision=\"slot_local\"");
    }
  }

  /** A claim of key {@code team} under a limit of {@code perMinute} requests a minute. */
  private static Claim claim(long perMinute) {
    return new Claim("team", new KeyLimits(perMinute, 0, Duration.ofMinutes(1), BigDecimal.ZERO,
        KeyLimits.BudgetPeriod.NONE, false), 0, 10, BigDecimal.ZERO, true,
        System.currentTimeMillis());
  }

  private static long slotsHeld(RedisServer redis) {
    return (Long) RedisProbe.call(redis, "ZCARD", "sluice:slots:{k1}");
  }

  @Test
  void anAdmissionAndASlotAreAnsweredTogether() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 1);
      SlotTake.Answer answer = get(a.admit(claim(5), new SlotTake("k1", "a1", 1)));
      assertThat(answer.admission().admitted()).isTrue();
      assertThat(answer.admission().requests().remaining()).isEqualTo(4);
      assertThat(answer.held()).isTrue();
      assertThat(RedisProbe.call(redis, "ZRANGE", "sluice:slots:{k1}", "0", "-1"))
          .isEqualTo(List.of("a1"));
      assertThat(RedisProbe.call(redis, "HGET", "sluice:{team}:req", "n")).isEqualTo("1");
    }
  }

  @Test
  void aRefusedAdmissionStillTookItsSlotForItsCallerToGiveBack() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 1);
      assertThat(get(a.admit(claim(1), new SlotTake("k1", "a1", 2))).admission().admitted())
          .isTrue();
      SlotTake.Answer refused = get(a.admit(claim(1), new SlotTake("k1", "a2", 2)));
      assertThat(refused.admission().admitted()).isFalse();
      assertThat(refused.admission().refusedBy()).isEqualTo("requests");
      assertThat(refused.held()).isTrue();
      assertThat(slotsHeld(redis)).isEqualTo(2);
      get(a.slots().give("k1", "a2"));
      assertThat(RedisProbe.call(redis, "ZRANGE", "sluice:slots:{k1}", "0", "-1"))
          .isEqualTo(List.of("a1"));
    }
  }

  @Test
  void aSlotTakenElsewhereIsRefusedBesideAnAdmission() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30));
        Ledger b = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 2);
      assertThat(take(b.slots(), "b1", 1)).isTrue();
      SlotTake.Answer answer = get(a.admit(claim(5), new SlotTake("k1", "a1", 1)));
      assertThat(answer.admission().admitted()).isTrue();
      assertThat(answer.held()).isFalse();
      assertThat(RedisProbe.call(redis, "ZRANGE", "sluice:slots:{k1}", "0", "-1"))
          .isEqualTo(List.of("b1"));
    }
  }

  @Test
  void withRedisDownFailingOpenTheRequestIsAdmittedAndThePoolsCountDecides() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = Ledgers.create(vertx, LedgerSettings.DEFAULTS.withRedis(redis.uri(), true)
            .withRedisTimeout(Duration.ofMillis(300)), metrics)) {
      RedisProbe.awaitSubscribers(redis, 1);
      redis.kill();
      SlotTake.Answer answer = get(a.admit(claim(5), new SlotTake("k1", "a1", 1)));
      assertThat(answer.admission().admitted()).isTrue();
      assertThat(answer.admission().ticket().tokensWindow()).isEqualTo(-1); // nothing reserved
      assertThat(answer.held()).isTrue();
      assertThat(metrics.scrape())
          .contains("sluice_gateway_shared_state_unavailable_total{decision=\"open\"")
          .contains("sluice_gateway_shared_state_unavailable_total{decision=\"slot_local\"");
    }
  }

  @Test
  void withRedisDownFailingClosedTheAdmissionFailsWithA503() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = Ledgers.create(vertx, LedgerSettings.DEFAULTS.withRedis(redis.uri(), false)
            .withRedisTimeout(Duration.ofMillis(300)), metrics)) {
      RedisProbe.awaitSubscribers(redis, 1);
      redis.kill();
      Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
          () -> get(a.admit(claim(5), new SlotTake("k1", "a1", 1))));
      assertThat(failure).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(LedgerException.class);
      assertThat(((LedgerException) failure.getCause()).status()).isEqualTo(503);
    }
  }

  private static long readsProcessed(RedisServer redis) {
    String info = (String) RedisProbe.call(redis, "INFO", "stats");
    return Long.parseLong(info.replaceAll("(?s).*total_reads_processed:([0-9]+).*", "$1"));
  }

  @Test
  void anAdmissionAndItsSlotReachRedisInOneRead() throws Exception {
    try (RedisServer redis = RedisServer.start();
        Ledger a = ledger(redis, Duration.ofSeconds(30))) {
      RedisProbe.awaitSubscribers(redis, 1);
      get(a.admit(claim(1000), new SlotTake("k1", "warm", 100))); // the line is connected
      int n = 20;
      long before = readsProcessed(redis);
      for (int i = 0; i < n; i++) {
        assertThat(get(a.admit(claim(1000), new SlotTake("k1", "s" + i, 100))).held()).isTrue();
      }
      long reads = readsProcessed(redis) - before;
      // One read per pair, one for the probe's own INFO, and room for a timer's command: sent
      // one after the other, the pairs would take 2n reads.
      assertThat(reads).isBetween((long) n, n + 5L);
      assertThat(slotsHeld(redis)).isEqualTo(n + 1);
    }
  }
}
