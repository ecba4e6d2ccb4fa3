package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Token windows and spend across three replicas on one real redis-server: concurrent streams
 * against a shared token window, and Redis killed and restarted under load.
 */
class ReplicaLimitsTest {
  static final String SECRET = "sk-gw-replicas-0123456789";
  static final Price PRICE = new Price(new BigDecimal("2"), new BigDecimal("8"),
      new BigDecimal("0.5"), new BigDecimal("2.5"), new BigDecimal("8"));

  static List<GatewayHarness> replicas(LoopbackUpstream up, RedisServer redis, KeyLimits limits,
      boolean failOpen) throws Exception {
    List<GatewayHarness> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      out.add(new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
              Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up")))))
          .withHost("127.0.0.1").withAdminKey(AdminApiTest.ADMIN)
          .withAccessKeys(List.of(new AccessKey("team", AccessTest.sha256(SECRET), List.of(), 0,
              limits)))
          // state.timeout is 50 ms by default; these tests are about shared counts, not that
          // bound (SharedStateTest holds it), and a burst on a loaded two-core machine can
          // keep an event loop from reading Redis's answer for longer.
          .withLedger(GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis.uri(), failOpen)
              .withRedisTimeout(Duration.ofSeconds(2)).withPrices(Map.of("gpt-x", PRICE)))));
    }
    if (!failOpen) {
      out.forEach(gw -> Awaits.until(() -> SharedStateTest.ready(gw)));
    }
    return out;
  }

  static CompletableFuture<HttpResponse<String>> stream(GatewayHarness gw, int maxTokens) {
    return gw.http.sendAsync(gw.post("/v1/chat/completions", LimitsTest.chat("gpt-x", maxTokens))
        .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * 40 concurrent streams of 1,000 tokens each (reserved as their estimated input plus
   * max_tokens) against a 10,000-token window shared by three replicas.
   */
  @ParameterizedTest(name = "hard={0}")
  @ValueSource(booleans = {false, true})
  void concurrentStreamsStayWithinASharedTokenWindow(boolean hard) throws Exception {
    long limit = 10_000;
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(20, 980))) {
      KeyLimits limits = new KeyLimits(0, limit, Duration.ofSeconds(30), BigDecimal.ZERO,
          KeyLimits.BudgetPeriod.NONE, hard);
      List<GatewayHarness> gws = replicas(up, redis, limits, false);
      try {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          all.add(stream(gws.get(i % 3), 980));
        }
        int admitted = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
          int status = f.get(30, TimeUnit.SECONDS).statusCode();
          assertThat(status).isIn(200, 429);
          admitted += status == 200 ? 1 : 0;
        }
        long used = admitted * 1000L;
        long reservation = 980 + LimitsTest.chat("gpt-x", 980).length() / 4;
        if (hard) {
          assertThat(used).isLessThanOrEqualTo(limit);
        } else {
          assertThat(used).isLessThanOrEqualTo(limit + reservation);
        }
        // The window was used, not refused from the start: a whole reservation short at most.
        assertThat(used).isGreaterThan(limit - 2 * reservation);
        assertThat(up.calls).hasSize(admitted);
      } finally {
        RedisReplicasTest.closeAll(gws);
      }
    }
  }

  /** Requests and USD of a key's total spend, as the admin API reads them from Redis. */
  record Total(long requests, BigDecimal usd) {}

  static Total total(GatewayHarness gw) throws Exception {
    HttpResponse<String> r = gw.send(HttpRequest.newBuilder(
        URI.create(gw.url("/admin/keys/team/spend")))
        .header("Authorization", "Bearer " + AdminApiTest.ADMIN).GET().build());
    assertThat(r.statusCode()).isEqualTo(200);
    String t = r.body().substring(r.body().indexOf("\"total\""));
    return new Total(Long.parseLong(t.replaceAll("(?s).*?\"requests\":([0-9]+).*", "$1")),
        new BigDecimal(t.replaceAll("(?s).*?\"usd\":([0-9.Ee+-]+).*", "$1")));
  }

  /**
   * Redis killed with {@code kill -9} and restarted while three replicas serve: every request
   * gets a defined answer (fail-closed: 200 or 503; fail-open: 200), none waits on Redis, and
   * the spend Redis had acknowledged before it died is still there after it comes back.
   */
  @ParameterizedTest(name = "failOpen={0}")
  @ValueSource(booleans = {false, true})
  void redisKilledUnderLoadLosesNothingSettled(boolean failOpen, @TempDir Path dir)
      throws Exception {
    try (RedisServer redis = RedisServer.durable(dir);
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(100, 10))) {
      KeyLimits limits = KeyLimits.NONE.withRequests(100_000, Duration.ofMinutes(1));
      List<GatewayHarness> gws = replicas(up, redis, limits, failOpen);
      try {
        List<CompletableFuture<HttpResponse<String>>> before = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
          before.add(stream(gws.get(i % 3), 10));
        }
        for (CompletableFuture<HttpResponse<String>> f : before) {
          assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        // Settlement follows the answer: wait until Redis has booked all 120.
        Awaits.until(() -> totalOrFail(gws.get(0)).requests() == 120);
        Total settled = total(gws.get(1));
        assertThat(settled.usd()).isPositive();

        List<CompletableFuture<HttpResponse<String>>> during = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          during.add(stream(gws.get(i % 3), 10));
        }
        redis.kill();
        for (int i = 0; i < 60; i++) {
          during.add(stream(gws.get(i % 3), 10));
        }
        int served = 0;
        for (CompletableFuture<HttpResponse<String>> f : during) {
          HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
          if (failOpen) {
            assertThat(r.statusCode()).isEqualTo(200);
          } else {
            assertThat(r.statusCode()).isIn(200, 503);
          }
          served += r.statusCode() == 200 ? 1 : 0;
        }
        redis.restart();
        // Back on shared state: the admin API reads spend from Redis again (a 503 until then).
        Awaits.until(() -> spendStatus(gws.get(0)) == 200);
        Total after = total(gws.get(0));
        // Nothing Redis acknowledged is lost, and nothing is booked twice: at most the requests
        // served, some of whose settlements found Redis gone.
        assertThat(after.requests()).isBetween(settled.requests(), 120L + served);
        assertThat(after.usd()).isGreaterThanOrEqualTo(settled.usd());
        System.out.println("failOpen=" + failOpen + ": " + served + " of 120 served while Redis"
            + " died; spend " + settled + " before, " + after + " after the restart");
      } finally {
        RedisReplicasTest.closeAll(gws);
      }
    }
  }

  private static int spendStatus(GatewayHarness gw) {
    try {
      int status = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/admin/keys/team/spend")))
          .header("Authorization", "Bearer " + AdminApiTest.ADMIN).GET().build()).statusCode();
      assertThat(status).as("spend while Redis comes back").isIn(200, 503);
      return status;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Total totalOrFail(GatewayHarness gw) {
    try {
      return total(gw);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
