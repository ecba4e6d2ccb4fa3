package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Three gateway replicas on loopback sharing one real redis-server; clients round-robin. */
class RedisReplicasTest {
  static final String SECRET = "sk-gw-shared-0123456789";

  static List<GatewayHarness> replicas(LoopbackUpstream up, RedisServer redis, KeyLimits limits,
      boolean failOpen) throws Exception {
    List<GatewayHarness> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      out.add(new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
              GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up")))))
          .withHost("127.0.0.1")
          .withAccessKeys(List.of(new AccessKey("shared", AccessTest.sha256(SECRET), List.of(), 0,
              limits)))
          // 50 ms by default; this machine's load (many builds on two cores) needs more slack.
          .withLedger(GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis.uri(), failOpen)
              .withRedisTimeout(Duration.ofSeconds(2)))));
    }
    return out;
  }

  static void closeAll(List<GatewayHarness> replicas) {
    replicas.forEach(GatewayHarness::close);
  }

  static CompletableFuture<HttpResponse<String>> call(GatewayHarness gw) {
    return gw.http.sendAsync(gw.post("/v1/chat/completions", LimitsTest.chat("gpt-x", 10))
        .header("Authorization", "Bearer " + SECRET).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aRequestWindowHoldsAcrossReplicas() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      List<GatewayHarness> gws = replicas(up, redis,
          KeyLimits.NONE.withRequests(20, Duration.ofSeconds(10)), false);
      try {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          answers.add(call(gws.get(i % 3)));
        }
        int admitted = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> a : answers) {
          HttpResponse<String> r = a.get(20, TimeUnit.SECONDS);
          int status = r.statusCode();
          admitted += status == 200 ? 1 : 0;
          refused += status == 429 ? 1 : 0;
        }
        assertThat(admitted).isEqualTo(20);
        assertThat(refused).isEqualTo(80);
        assertThat(up.calls).hasSize(20);
      } finally {
        closeAll(gws);
      }
    }
  }

  @Test
  void a429OnOneReplicaRestsTheKeyOnTheOthers() throws Exception {
    AtomicInteger n = new AtomicInteger();
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = new LoopbackUpstream(call -> {
          if (n.getAndIncrement() == 0) {
            call.request.response().putHeader("Retry-After", "5");
            call.answer(429, "application/json",
                "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}");
          } else {
            call.startStream();
            call.write(LimitsTest.chatStream(5, 1));
            call.end();
          }
        })) {
      List<GatewayHarness> gws = replicas(up, redis, KeyLimits.NONE, false);
      try {
        assertThat(call(gws.get(0)).get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(429);
        long answered = System.nanoTime();
        HttpResponse<String> other = call(gws.get(1)).get(20, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - answered) / 1_000_000;
        assertThat(other.statusCode()).isEqualTo(429);
        assertThat(other.body()).contains("cooling down");
        assertThat(up.calls).hasSize(1); // the other replica never called the resting key
        System.out.println("cool-down seen by another replica within " + millis + " ms");
        assertThat(call(gws.get(2)).get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(429);
      } finally {
        closeAll(gws);
      }
    }
  }

  @Test
  void failClosedRefusesWhileRedisIsDownAndRecoversWithoutARestart() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      List<GatewayHarness> gws = replicas(up, redis,
          KeyLimits.NONE.withRequests(1000, Duration.ofSeconds(10)), false);
      try {
        assertThat(call(gws.get(0)).get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        redis.kill();
        long t0 = System.nanoTime();
        HttpResponse<String> down = call(gws.get(1)).get(20, TimeUnit.SECONDS);
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("shared state is unavailable");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
        redis.restart();
        Awaits.until(() -> {
          try {
            return call(gws.get(2)).get(20, TimeUnit.SECONDS).statusCode() == 200;
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });
        assertThat(gws.get(1).get("/metrics").body())
            .contains("sluice_gateway_shared_state_unavailable_total{decision=\"closed\"");
      } finally {
        closeAll(gws);
      }
    }
  }

  @Test
  void failOpenAdmitsWhileRedisIsDown() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      List<GatewayHarness> gws = replicas(up, redis,
          KeyLimits.NONE.withRequests(1000, Duration.ofSeconds(10)), true);
      try {
        redis.kill();
        assertThat(call(gws.get(0)).get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(gws.get(0).get("/metrics").body())
            .contains("sluice_gateway_shared_state_unavailable_total{decision=\"open\"");
      } finally {
        closeAll(gws);
      }
    }
  }
}
