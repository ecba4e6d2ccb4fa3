package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who may open the dashboard, over plain HTTP: the admin key, its session, loopback. */
class DashboardAccessTest {
  static final String ADMIN = DashboardBrowserTest.ADMIN;

  static GatewayConfig routes() {
    return GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
        GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:9/v1")))));
  }

  static GatewayConfig withKeys() throws Exception {
    return routes().withHost("127.0.0.1").withAccessKeys(List.of(
        new AccessKey("team-a", AccessTest.sha256(AccessTest.SECRET), List.of(), 0)));
  }

  static HttpRequest.Builder get(GatewayHarness gw, String path) {
    return HttpRequest.newBuilder(URI.create(gw.url(path))).GET();
  }

  static HttpResponse<String> login(GatewayHarness gw, String key, String origin)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(gw.url("/dashboard/login")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("key=" + key));
    if (!origin.isEmpty()) {
      r.header("Origin", origin);
    }
    return gw.send(r.build());
  }

  @Test
  void aGatewayWithKeysButNoAdminKeyKeepsItsDashboardClosed() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(withKeys())) {
      HttpResponse<String> page = gw.get("/dashboard");
      assertThat(page.statusCode()).isEqualTo(403);
      assertThat(page.body()).contains("server.admin-key");
      HttpResponse<String> events = gw.send(get(gw, "/dashboard/events")
          .header("Authorization", "Bearer " + AccessTest.SECRET).build());
      assertThat(events.statusCode()).isEqualTo(403); // a gateway key is no admin key
    }
  }

  @Test
  void aGatewayWithoutKeysShowsItsDashboardToLoopback() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(routes())) {
      HttpResponse<String> page = gw.get("/dashboard");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
      assertThat(page.body()).contains("id=\"t-streams\"");
      HttpResponse<String> state = gw.get("/dashboard/state");
      assertThat(state.statusCode()).isEqualTo(200);
      assertThat(state.body()).startsWith("{\"full\":true");
    }
  }

  @Test
  void signingInSetsAnHttpOnlyStrictCookieThatOpensTheEventStream() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(withKeys().withAdminKey(ADMIN))) {
      assertThat(gw.get("/dashboard/events").statusCode()).isEqualTo(401);
      HttpResponse<String> in = login(gw, ADMIN, gw.url(""));
      assertThat(in.statusCode()).isEqualTo(303);
      assertThat(in.headers().firstValue("Location")).hasValue("/dashboard");
      String cookie = in.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/dashboard")
          .doesNotContain(ADMIN);
      HttpResponse<InputStream> events = gw.http.send(get(gw, "/dashboard/events")
          .header("Cookie", cookie.substring(0, cookie.indexOf(';'))).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(events.statusCode()).isEqualTo(200);
      assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(
          t -> assertThat(t).startsWith("text/event-stream"));
      try (InputStream body = events.body()) {
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[8192];
        while (seen.indexOf("\n\n", seen.indexOf("event: update")) < 0) {
          int n = body.read(buf);
          assertThat(n).isPositive();
          seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        assertThat(seen).contains("event: update\ndata: {\"full\":true");
      }
    }
  }

  @Test
  void aWrongKeyOrAForgedSessionIsRefused() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(withKeys().withAdminKey(ADMIN))) {
      HttpResponse<String> wrong = login(gw, AccessTest.SECRET, "");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
      HttpResponse<String> forged = gw.send(get(gw, "/dashboard/state")
          .header("Cookie", "sluice_dashboard=99999999999999.00ff").build());
      assertThat(forged.statusCode()).isEqualTo(401);
      assertThat(forged.body()).doesNotContain("upstreams");
    }
  }

  @Test
  void aSignInPostedFromAnotherSiteIsRefused() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(withKeys().withAdminKey(ADMIN))) {
      HttpResponse<String> r = login(gw, ADMIN, "https://elsewhere.example");
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }
  }

  @Test
  void theStateCarriesTheOutputOnlyWhenTheUsageLogKeepsContent() throws Exception {
    try (io.sluice.mock.MockProvider mock = io.sluice.mock.MockProvider.start(
        io.sluice.mock.MockOptions.defaults())) {
      GatewayConfig base = GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
          GatewayConfig.Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl())))));
      for (boolean content : new boolean[] {false, true}) {
        try (GatewayHarness gw = new GatewayHarness(base.withUsageLog("", content))) {
          HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", "{\"model\":\"m\","
              + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
              .build());
          assertThat(r.statusCode()).isEqualTo(200);
          Awaits.until(() -> gw.log.size() == 1);
          String state = gw.get("/dashboard/state").body();
          assertThat(state.contains("\"output\":")).isEqualTo(content);
          assertThat(state).doesNotContain("\"hi\""); // never the prompt
        }
      }
    }
  }

  @Test
  void theAdminKeyComesFromTheEnvironmentAndOnlyItsHashIsKept() throws Exception {
    GatewayConfig c = GatewayConfig.parse("""
        server:
          admin-key: ${SLUICE_ADMIN_KEY}
        routes:
          - model: "*"
            targets: [{base-url: "http://127.0.0.1:9/v1"}]
        """, Map.of("SLUICE_ADMIN_KEY", ADMIN));
    assertThat(c.adminKeySha256()).isEqualTo(AccessTest.sha256(ADMIN));
    assertThat(c.toString()).doesNotContain(ADMIN);
    GatewayConfig none = GatewayConfig.parse("""
        server:
          admin-key: ${SLUICE_ADMIN_KEY:-}
        routes:
          - model: "*"
            targets: [{base-url: "http://127.0.0.1:9/v1"}]
        """, Map.of());
    assertThat(none.adminKeySha256()).isEmpty();
  }
}
