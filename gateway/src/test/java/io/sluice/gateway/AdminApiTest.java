package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys managed at runtime behind the admin key: what an operator with curl sees. */
class AdminApiTest {
  static final String ADMIN = "adm-secret-0123456789";

  static GatewayHarness gateway(LoopbackUpstream up) {
    GatewayConfig base = GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
        GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up")))));
    return new GatewayHarness(base.withHost("127.0.0.1").withAdminKey(ADMIN));
  }

  static HttpResponse<String> admin(GatewayHarness gw, String method, String path, String body)
      throws Exception {
    return gw.send(HttpRequest.newBuilder(URI.create(gw.url(path)))
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
        .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static HttpResponse<String> chat(GatewayHarness gw, String secret) throws Exception {
    return gw.send(gw.post("/v1/chat/completions", LimitsTest.chat("gpt-x", 10))
        .header("Authorization", "Bearer " + secret).build());
  }

  static String secretOf(String created) {
    return created.replaceAll(".*\"secret\":\"([^\"]+)\".*", "$1");
  }

  @Test
  void aCreatedKeysSecretIsShownOnceAndWorks() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      HttpResponse<String> created = admin(gw, "POST", "/admin/keys",
          "{\"id\":\"team-b\",\"limits\":{\"requests\":5,\"window\":\"10s\"}}");
      assertThat(created.statusCode()).isEqualTo(201);
      String secret = secretOf(created.body());
      assertThat(secret).startsWith("sk-sluice-");
      assertThat(chat(gw, secret).statusCode()).isEqualTo(200);
      HttpResponse<String> list = admin(gw, "GET", "/admin/keys", "");
      assertThat(list.body()).contains("\"id\":\"team-b\"", "\"requests\":5")
          .doesNotContain(secret).doesNotContain("sha256");
      assertThat(admin(gw, "GET", "/admin/keys/team-b", "").body()).doesNotContain(secret);
    }
  }

  @Test
  void anUpdateChangesTheLimitsOfTheNextRequest() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      String secret = secretOf(admin(gw, "POST", "/admin/keys", "{\"id\":\"k\"}").body());
      assertThat(chat(gw, secret).statusCode()).isEqualTo(200);
      HttpResponse<String> patched = admin(gw, "PATCH", "/admin/keys/k",
          "{\"limits\":{\"requests\":2,\"window\":\"1m\"}}");
      assertThat(patched.statusCode()).isEqualTo(200);
      assertThat(patched.body()).contains("\"requests\":2");
      // The request before the update counts in the window it opened.
      assertThat(chat(gw, secret).statusCode()).isEqualTo(200);
      assertThat(chat(gw, secret).statusCode()).isEqualTo(429);
    }
  }

  @Test
  void aRevokedKeyIs401() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      String secret = secretOf(admin(gw, "POST", "/admin/keys", "{\"id\":\"gone\"}").body());
      assertThat(admin(gw, "DELETE", "/admin/keys/gone", "").statusCode()).isEqualTo(204);
      assertThat(chat(gw, secret).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void spendIsReadPerModel() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      String secret = secretOf(admin(gw, "POST", "/admin/keys", "{\"id\":\"s\"}").body());
      chat(gw, secret);
      HttpResponse<String> spend = admin(gw, "GET", "/admin/keys/s/spend", "");
      assertThat(spend.statusCode()).isEqualTo(200);
      assertThat(spend.body()).contains("\"gpt-x\":{\"requests\":1,\"tokens_in\":5,\"tokens_out\":1",
          "\"unpriced_requests\":1");
    }
  }

  @Test
  void withoutTheAdminKeyTheApiIs401() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      assertThat(gw.get("/admin/keys").statusCode()).isEqualTo(401);
      HttpResponse<String> wrong = gw.send(HttpRequest.newBuilder(URI.create(gw.url("/admin/keys")))
          .header("Authorization", "Bearer nope").GET().build());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("invalid admin key").doesNotContain("nope");
    }
  }

  @Test
  void anUnknownKeyIs404() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      assertThat(admin(gw, "PATCH", "/admin/keys/nobody", "{\"concurrency\":2}").statusCode())
          .isEqualTo(404);
      assertThat(admin(gw, "DELETE", "/admin/keys/nobody", "").body())
          .contains("no key with id 'nobody'");
      assertThat(admin(gw, "GET", "/admin/keys/nobody/spend", "").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void aNegativeBudgetIs400() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      HttpResponse<String> r = admin(gw, "POST", "/admin/keys",
          "{\"id\":\"neg\",\"budget\":{\"usd\":-1,\"period\":\"day\"}}");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("budget.usd must not be negative");
      assertThat(admin(gw, "GET", "/admin/keys/neg", "").statusCode()).isEqualTo(404);
    }
  }

  @Test
  void malformedJsonIs400() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      HttpResponse<String> r = admin(gw, "POST", "/admin/keys", "{\"id\":");
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("not valid JSON");
      assertThat(admin(gw, "POST", "/admin/keys", "{\"id\":\"x\",\"colour\":1}").body())
          .contains("unknown field 'colour'");
      assertThat(admin(gw, "POST", "/admin/keys", "{\"id\":\"x\",\"concurrency\":\"two\"}")
          .statusCode()).isEqualTo(400);
    }
  }

  @Test
  void aTakenIdIs409() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(LimitsTest.chatStream(5, 1));
        GatewayHarness gw = gateway(up)) {
      assertThat(admin(gw, "POST", "/admin/keys", "{\"id\":\"dup\"}").statusCode()).isEqualTo(201);
      assertThat(admin(gw, "POST", "/admin/keys", "{\"id\":\"dup\"}").statusCode()).isEqualTo(409);
    }
  }
}
