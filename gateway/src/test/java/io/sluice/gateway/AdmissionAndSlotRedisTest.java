package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A keyed request's admission and its upstream key's shared slot, sent to a real redis-server in
 * one write: what Redis holds after each outcome (the slot set empty again after a refusal, a
 * Redis that does not answer in time, a client that left before the answers came, a key taken
 * by other replicas) and what the client receives. Each upstream key allows one request, with no
 * queue: a count this gateway failed to give back would turn the next request away.
 */
class AdmissionAndSlotRedisTest {
  static final String SECRET = "sk-gw-slot-0123456789";

  private static GatewayHarness gateway(RedisServer redis, Target target, KeyLimits limits,
      boolean failOpen, Duration timeout) throws Exception {
    return new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(target))))
        .withHost("127.0.0.1")
        .withLimits(GatewayLimits.defaults().withConcurrency(1, 0))
        .withAccessKeys(List.of(new AccessKey("team", AccessTest.sha256(SECRET), List.of(), 0,
            limits)))
        .withLedger(GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis.uri(), failOpen)
            .withRedisTimeout(timeout)));
  }

  private static KeyLimits requests(long perMinute) {
    return new KeyLimits(perMinute, 0, Duration.ofMinutes(1), BigDecimal.ZERO,
        KeyLimits.BudgetPeriod.NONE, false);
  }

  private static HttpResponse<String> chat(GatewayHarness gw) throws Exception {
    return gw.send(gw.post("/v1/chat/completions", LimitsTest.chat("gpt-x", 16))
        .header("Authorization", "Bearer " + SECRET).build());
  }

  /** The slot set of an upstream key in Redis, named as the gateway names it (never the key). */
  private static String slotSet(Target target, String apiKey) {
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
          (target.baseUrl() + "\n" + apiKey).getBytes(StandardCharsets.UTF_8));
      return "sluice:slots:{" + HexFormat.of().formatHex(h, 0, 12) + "}";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long held(RedisServer redis, String set) {
    return (Long) RedisProbe.call(redis, "ZCARD", set);
  }

  /** Requests the gateway key's window counted in Redis: the admission script ran. */
  private static long counted(RedisServer redis) {
    Object n = RedisProbe.call(redis, "HGET", "sluice:{team}:req", "n");
    return n == null ? 0 : Long.parseLong((String) n);
  }

  private static void ready(GatewayHarness gw, RedisServer redis) {
    Awaits.until(() -> SharedStateTest.ready(gw));
    RedisProbe.awaitSubscribers(redis, 1);
  }

  /** An upstream whose streams stay open until the test ends them. */
  private static LoopbackUpstream holding(List<LoopbackUpstream.Call> open) {
    return new LoopbackUpstream(call -> {
      call.startStream();
      call.write(UpstreamSlotsAcrossReplicasTest.delta());
      open.add(call);
    });
  }

  private static void finish(LoopbackUpstream up, LoopbackUpstream.Call call) {
    up.run(() -> {
      call.write(LimitsTest.chatStream(5, 1));
      call.end();
    });
  }

  @Test
  void anAdmittedRequestHoldsItsKeysSlotUntilItEnds() throws Exception {
    List<LoopbackUpstream.Call> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RedisServer redis = RedisServer.start(); LoopbackUpstream up = holding(open)) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(10), false,
          Duration.ofSeconds(2))) {
        ready(gw, redis);
        CompletableFuture<HttpResponse<String>> r = gw.http.sendAsync(
            gw.post("/v1/chat/completions", LimitsTest.chat("gpt-x", 16))
                .header("Authorization", "Bearer " + SECRET).build(),
            HttpResponse.BodyHandlers.ofString());
        Awaits.until(() -> open.size() == 1);
        assertThat(held(redis, slotSet(target, "sk-up"))).isEqualTo(1);
        assertThat(counted(redis)).isEqualTo(1);
        finish(up, open.get(0));
        HttpResponse<String> done = r.get(20, TimeUnit.SECONDS);
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("Hello").endsWith("data: [DONE]\n\n");
        assertThat(done.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9");
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
      }
    }
  }

  @Test
  void aRefusedRequestGetsA429AndGivesItsSlotBack() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(1), false,
          Duration.ofSeconds(2))) {
        ready(gw, redis);
        assertThat(chat(gw).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> refused = chat(gw);
          assertThat(refused.statusCode()).isEqualTo(429);
          assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests"))
              .hasValue("0");
          assertThat(refused.headers().firstValue("retry-after")).isPresent();
          assertThat(refused.body()).contains("\"type\":\"rate_limit_error\"")
              .contains("requests");
          Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
        }
        assertThat(up.calls).hasSize(1);
        assertThat(RedisProbe.call(redis, "EXISTS", slotSet(target, "sk-up"))).isEqualTo(0L);
      }
    }
  }

  /**
   * Redis holds every write for a while ({@code CLIENT PAUSE ... WRITE}): the admission is not
   * answered within {@code state.timeout}. Once Redis runs the held commands, the admission and
   * the slot's take still happen there, and the give that followed them undoes the slot.
   */
  private static void withRedisHeld(RedisServer redis, Consumer<Void> during) {
    assertThat(RedisProbe.call(redis, "CLIENT", "PAUSE", "20000", "WRITE")).isEqualTo("OK");
    try {
      during.accept(null);
    } finally {
      RedisProbe.call(redis, "CLIENT", "UNPAUSE");
    }
  }

  @Test
  void failingClosedARequestRedisDoesNotAnswerIsRefusedAndLeavesNoSlot() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(10), false,
          Duration.ofMillis(300))) {
        ready(gw, redis);
        withRedisHeld(redis, v -> {
          HttpResponse<String> r = call(gw);
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(r.body()).contains("shared state is unavailable");
        });
        Awaits.until(() -> counted(redis) == 1); // the late admission ran in Redis
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
        assertThat(up.calls).isEmpty();
        // Nothing is left counted in the pool either: its one request per key is free.
        assertThat(chat(gw).statusCode()).isEqualTo(200);
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
      }
    }
  }

  @Test
  void failingOpenARequestRedisDoesNotAnswerIsServedAndLeavesNoSlot() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(10), true,
          Duration.ofMillis(300))) {
        ready(gw, redis);
        withRedisHeld(redis, v -> {
          HttpResponse<String> r = call(gw);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).endsWith("data: [DONE]\n\n");
        });
        assertThat(up.calls).hasSize(1);
        Awaits.until(() -> counted(redis) == 1);
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
        assertThat(chat(gw).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void withRedisDownFailingClosedTheRequestIsRefusedAndThePoolsCountGoesBack() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(10), false,
          Duration.ofMillis(300))) {
        ready(gw, redis);
        redis.kill();
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = chat(gw);
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(r.body()).contains("shared state is unavailable");
        }
        redis.restart();
        assertThat(up.calls).isEmpty();
        Awaits.until(() -> statusOf(gw) == 200);
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
      }
    }
  }

  @Test
  void withRedisDownFailingOpenRequestsAreServedOnThePoolsOwnCount() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(10), true,
          Duration.ofMillis(300))) {
        ready(gw, redis);
        redis.kill();
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = chat(gw);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).endsWith("data: [DONE]\n\n");
        }
        assertThat(up.calls).hasSize(3);
        redis.restart();
        Awaits.until(() -> statusOf(gw) == 200 && counted(redis) >= 1);
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
      }
    }
  }

  @Test
  void aClientThatLeftBeforeTheAnswersCameLeavesNoSlotAndNoUpstreamCall() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up");
      try (GatewayHarness gw = gateway(redis, target, requests(10), false,
          Duration.ofSeconds(10))) {
        ready(gw, redis);
        withRedisHeld(redis, v -> {
          try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", gw.gateway.port()), 2000);
            s.setSoTimeout(10_000);
            String body = LimitsTest.chat("gpt-x", 16);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + SECRET + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
            out.flush();
            // Its admission and take wait in Redis; then the client leaves, and the gateway
            // closes its side, which the client reads as the end of the stream.
            Awaits.until(() -> blocked(redis) >= 1);
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1); // nothing was answered
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        Awaits.until(() -> counted(redis) == 1);
        Awaits.until(() -> held(redis, slotSet(target, "sk-up")) == 0);
        assertThat(up.calls).isEmpty();
        assertThat(chat(gw).statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void aKeyFullOnOtherReplicasIsPassedOverForTheNextKeyOfThePool() throws Exception {
    List<String> used = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = new LoopbackUpstream(call -> {
          used.add(call.headers.get("authorization"));
          call.startStream();
          call.write(LimitsTest.chatStream(5, 1));
          call.end();
        })) {
      Target target = Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-a", "sk-b");
      try (GatewayHarness gw = gateway(redis, target, requests(10), false,
          Duration.ofSeconds(2))) {
        ready(gw, redis);
        // Another replica holds the first key's one slot for the next minute.
        String first = slotSet(target, "sk-a");
        RedisProbe.call(redis, "ZADD", first,
            Long.toString(System.currentTimeMillis() + 60_000), "elsewhere:1");
        for (int i = 0; i < 3; i++) {
          HttpResponse<String> r = chat(gw);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).endsWith("data: [DONE]\n\n");
          Awaits.until(() -> held(redis, slotSet(target, "sk-b")) == 0);
        }
        assertThat(used).containsExactly("Bearer sk-b", "Bearer sk-b", "Bearer sk-b");
        assertThat(RedisProbe.call(redis, "ZRANGE", first, "0", "-1"))
            .isEqualTo(List.of("elsewhere:1"));
      }
    }
  }

  private static long blocked(RedisServer redis) {
    String info = (String) RedisProbe.call(redis, "INFO", "clients");
    return Long.parseLong(info.replaceAll("(?s).*blocked_clients:([0-9]+).*", "$1"));
  }

  private static HttpResponse<String> call(GatewayHarness gw) {
    try {
      return chat(gw);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int statusOf(GatewayHarness gw) {
    return call(gw).statusCode();
  }
}
