package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What replicas share through a real redis-server beyond limits: runtime keys made on one replica
 * and revoked on another, and the Responses affinity of {@code previous_response_id}.
 */
class SharedStateTest {
  static final String ADMIN = AdminApiTest.ADMIN;

  static List<GatewayHarness> replicas(RedisServer redis, GatewayConfig base) {
    List<GatewayHarness> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      out.add(new GatewayHarness(base.withHost("127.0.0.1").withAdminKey(ADMIN)
          .withLedger(GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis.uri(), false))));
    }
    // Failing closed, a replica is ready once it reaches Redis.
    out.forEach(gw -> Awaits.until(() -> ready(gw)));
    return out;
  }

  @Test
  void aKeyMadeOnOneReplicaWorksOnAllAndIsRevokedOnAll() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      List<GatewayHarness> gws = replicas(redis, GatewayConfig.of(List.of(new Route("*",
          List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up"))))));
      try {
        HttpResponse<String> created = AdminApiTest.admin(gws.get(0), "POST", "/admin/keys",
            "{\"id\":\"team-x\",\"limits\":{\"requests\":50,\"window\":\"1m\"}}");
        assertThat(created.statusCode()).isEqualTo(201);
        String secret = AdminApiTest.secretOf(created.body());
        for (GatewayHarness gw : gws) {
          Awaits.until(() -> status(gw, secret) == 200);
        }
        // Another replica sees it in its listing and changes it; the first refuses a duplicate.
        assertThat(AdminApiTest.admin(gws.get(1), "GET", "/admin/keys", "").body())
            .contains("\"id\":\"team-x\"");
        assertThat(AdminApiTest.admin(gws.get(2), "POST", "/admin/keys", "{\"id\":\"team-x\"}")
            .statusCode()).isEqualTo(409);
        assertThat(AdminApiTest.admin(gws.get(1), "DELETE", "/admin/keys/team-x", "")
            .statusCode()).isEqualTo(204);
        for (GatewayHarness gw : gws) {
          Awaits.until(() -> status(gw, secret) == 401);
        }
        assertThat(AdminApiTest.admin(gws.get(0), "DELETE", "/admin/keys/team-x", "")
            .statusCode()).isEqualTo(404);
      } finally {
        RedisReplicasTest.closeAll(gws);
      }
    }
  }

  static boolean ready(GatewayHarness gw) {
    try {
      return gw.get("/readyz").statusCode() == 200;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int status(GatewayHarness gw, String secret) {
    try {
      return AdminApiTest.chat(gw, secret).statusCode();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** What one upstream call was: which upstream and key, and what it continued. */
  record Seen(String where, String previous) {}

  static String created(String id) {
    return "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
        + "\"response\":{\"id\":\"" + id + "\",\"status\":\"in_progress\",\"model\":\"m\","
        + "\"output\":[]}}\n\n";
  }

  static String completed(String id) {
    return "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":1,"
        + "\"response\":{\"id\":\"" + id + "\",\"status\":\"completed\",\"model\":\"m\","
        + "\"output\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1,\"total_tokens\":4}}}\n\n";
  }

  @Test
  void everyContinuationReachesTheTargetAndKeyOfItsResponse() throws Exception {
    AtomicInteger ids = new AtomicInteger();
    Map<String, String> madeAt = new ConcurrentHashMap<>();
    List<Seen> continued = new CopyOnWriteArrayList<>();
    List<Runnable> held = new CopyOnWriteArrayList<>();
    List<LoopbackUpstream> ups = new ArrayList<>();
    try (RedisServer redis = RedisServer.start()) {
      for (String name : List.of("a", "b")) {
        ups.add(new LoopbackUpstream(call -> {
          String where = name + " " + call.headers.get("authorization");
          String id = "resp_" + ids.incrementAndGet();
          call.startStream();
          call.write(created(id));
          String previous = call.body.replaceAll(
              "(?s).*\"previous_response_id\":\"([^\"]+)\".*", "$1");
          if (previous.equals(call.body)) {
            madeAt.put(id, where);
            held.add(() -> { // first turns stay open, so that the next takes another key
              call.write(completed(id));
              call.end();
            });
          } else {
            continued.add(new Seen(where, previous));
            call.write(completed(id));
            call.end();
          }
        }));
      }
      // Two targets of two keys each, one request per key and no queue: four open first turns
      // take all four keys, and an idle gateway would send every continuation to the first.
      GatewayConfig base = GatewayConfig.of(List.of(new Route("gpt-r", List.of(
              Target.of(UpstreamKind.OPENAI_RESPONSES, ups.get(0).baseUrl(), "ka0", "ka1"),
              Target.of(UpstreamKind.OPENAI_RESPONSES, ups.get(1).baseUrl(), "kb0", "kb1")))))
          .withLimits(GatewayLimits.defaults().withConcurrency(1, 0));
      List<GatewayHarness> gws = replicas(redis, base);
      try {
        Set<String> places = new HashSet<>();
        for (int batch = 0; batch < 25; batch++) {
          GatewayHarness first = gws.get(batch % 3);
          List<CompletableFuture<HttpResponse<String>>> turns = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            turns.add(first.http.sendAsync(first.post("/v1/responses",
                "{\"model\":\"gpt-r\",\"stream\":true,\"input\":\"hi\"}").build(),
                HttpResponse.BodyHandlers.ofString()));
            int open = 4 * batch + i + 1;
            Awaits.until(() -> held.size() == open);
          }
          held.subList(4 * batch, 4 * batch + 4).forEach(Runnable::run);
          GatewayHarness next = gws.get((batch + 1) % 3);
          for (CompletableFuture<HttpResponse<String>> t : turns) {
            String body = t.get(20, TimeUnit.SECONDS).body();
            String id = body.replaceAll("(?s).*?\"id\":\"(resp_[0-9]+)\".*", "$1");
            places.add(madeAt.get(id));
            HttpResponse<String> more = next.send(next.post("/v1/responses",
                "{\"model\":\"gpt-r\",\"stream\":true,\"previous_response_id\":\"" + id
                + "\",\"input\":\"and then?\"}").build());
            assertThat(more.statusCode()).isEqualTo(200);
            Seen seen = continued.get(continued.size() - 1);
            assertThat(seen.previous()).isEqualTo(id);
            assertThat(seen.where()).as("continuation of " + id).isEqualTo(madeAt.get(id));
          }
        }
        assertThat(continued).hasSize(100);
        assertThat(places).hasSize(4); // the first turns were made on every key of both targets
      } finally {
        RedisReplicasTest.closeAll(gws);
        ups.forEach(LoopbackUpstream::close);
      }
    }
  }

  @Test
  void aHungRedisIsDecidedWithoutWaitingForIt() throws Exception {
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1))) {
      KeyLimits limits = KeyLimits.NONE.withRequests(1000, java.time.Duration.ofMinutes(1));
      // The default state.timeout (50 ms): one replica fails open, the other closed.
      List<GatewayHarness> gws = new ArrayList<>();
      for (boolean open : new boolean[] {true, false}) {
        gws.add(new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
                Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up")))))
            .withHost("127.0.0.1")
            .withAccessKeys(List.of(new GatewayConfig.AccessKey("shared",
                AccessTest.sha256(RedisReplicasTest.SECRET), List.of(), 0, limits)))
            .withLedger(GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis.uri(), open))));
      }
      try {
        Awaits.until(() -> ready(gws.get(1)));
        assertThat(RedisReplicasTest.call(gws.get(0)).get(20, TimeUnit.SECONDS).statusCode())
            .isEqualTo(200);
        redis.pause();
        List<HttpResponse<String>> open = new ArrayList<>();
        List<HttpResponse<String>> closed = new ArrayList<>();
        try {
          // Redis cannot answer while stopped: every answer here is the gateway's own decision,
          // taken while Redis still hangs.
          for (int i = 0; i < 5; i++) {
            open.add(RedisReplicasTest.call(gws.get(0)).get(20, TimeUnit.SECONDS));
            closed.add(RedisReplicasTest.call(gws.get(1)).get(20, TimeUnit.SECONDS));
          }
          HttpResponse<String> notReady = gws.get(1).get("/readyz");
          assertThat(notReady.statusCode()).isEqualTo(503);
          assertThat(notReady.body()).contains("state.redis");
          assertThat(gws.get(0).get("/readyz").statusCode()).isEqualTo(200); // fail-open serves
        } finally {
          redis.resume();
        }
        assertThat(open).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        assertThat(closed).allSatisfy(r -> {
          assertThat(r.statusCode()).isEqualTo(503);
          assertThat(r.body()).contains("shared state is unavailable");
        });
        assertThat(gws.get(0).get("/metrics").body())
            .contains("sluice_gateway_shared_state_unavailable_total{decision=\"open\"} 5");
        assertThat(gws.get(1).get("/metrics").body())
            .contains("sluice_gateway_shared_state_unavailable_total{decision=\"closed\"} 5");
        // Back on shared state without a restart.
        Awaits.until(() -> ready(gws.get(1)));
        assertThat(RedisReplicasTest.call(gws.get(1)).get(20, TimeUnit.SECONDS).statusCode())
            .isEqualTo(200);
      } finally {
        RedisReplicasTest.closeAll(gws);
      }
    }
  }
}
