package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (headless Chromium from the system's packages): what the page
 * shows while the test sends requests through a gateway on the simulated provider.
 */
class DashboardBrowserTest {
  static final String ADMIN = "sk-admin-dashboard-0123456789";
  static final String TEAM_A = "sk-gw-team-a-0123456789";
  static final String TEAM_B = "sk-gw-team-b-0123456789";
  static final Duration TWO_SECONDS = Duration.ofSeconds(2);

  static MockProvider mock;
  static Chromium chromium;

  @BeforeAll
  static void start() throws Exception {
    chromium = Chromium.start();
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterAll
  static void stop() throws Exception {
    if (mock != null) {
      mock.close();
    }
    if (chromium != null) {
      chromium.close();
    }
  }

  static GatewayHarness gateway() throws Exception {
    GatewayConfig base = GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
        GatewayConfig.Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl(),
            "sk-upstream-one", "sk-upstream-two")))));
    return new GatewayHarness(base.withHost("127.0.0.1").withAdminKey(ADMIN)
        .withAccessKeys(List.of(
            new AccessKey("team-a", AccessTest.sha256(TEAM_A), List.of(), 16),
            new AccessKey("team-b", AccessTest.sha256(TEAM_B), List.of(), 0))));
  }

  /** Signs in through the form, as a person would, and waits for the first update. */
  static Chromium.Page signIn(GatewayHarness gw) throws Exception {
    Chromium.Page page = chromium.open(gw.url("/dashboard"), 1440, 900);
    page.await("document.getElementById('key') !== null", JsonNode::asBoolean, TWO_SECONDS);
    page.eval("document.getElementById('key').value = '" + ADMIN + "';"
        + "document.querySelector('form').submit(); true");
    try {
      page.await("document.getElementById('live') && document.getElementById('live').textContent",
          v -> v.asText().equals("live"), Duration.ofSeconds(5));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; page: "
          + page.eval("location.href + ' ' + document.documentElement.outerHTML"), e);
    }
    return page;
  }

  static CompletableFuture<HttpResponse<String>> stream(GatewayHarness gw, String key,
      String model, String mockHeader) {
    HttpRequest.Builder r = gw.post("/v1/chat/completions", "{\"model\":\"" + model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}")
        .header("Authorization", "Bearer " + key);
    if (!mockHeader.isEmpty()) {
      r.header(MockProvider.HEADER, mockHeader);
    }
    return gw.http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String rows(String table, String filter) {
    return "[...document.querySelectorAll('#" + table + " tbody tr')].filter(tr => " + filter
        + ").length";
  }

  @Test
  void anOpenStreamAppearsWithinTwoSecondsAndLeavesWhenItEnds() throws Exception {
    try (GatewayHarness gw = gateway()) {
      Chromium.Page page = signIn(gw);
      CompletableFuture<HttpResponse<String>> slow =
          stream(gw, TEAM_A, "slow-model", "ttft=100ms, tps=5, tokens=15");
      page.await(rows("open-streams", "tr.dataset.model === 'slow-model'"),
          v -> v.asInt() == 1, TWO_SECONDS);
      assertThat(slow.get().statusCode()).isEqualTo(200);
      page.await(rows("open-streams", "tr.dataset.model === 'slow-model'"),
          v -> v.asInt() == 0, TWO_SECONDS);
      page.await(rows("requests", "tr.dataset.model === 'slow-model' && tr.dataset.status"
          + " === '200'"), v -> v.asInt() == 1, TWO_SECONDS);
    }
  }

  @Test
  void aFailedRequestAppearsWithItsError() throws Exception {
    try (GatewayHarness gw = gateway()) {
      Chromium.Page page = signIn(gw);
      HttpResponse<String> failed = stream(gw, TEAM_A, "broken-model", "fault=status:400").get();
      assertThat(failed.statusCode()).isEqualTo(400);
      JsonNode row = page.await("[...document.querySelectorAll('#requests tbody tr')]"
          + ".filter(tr => tr.dataset.model === 'broken-model')"
          + ".map(tr => [...tr.cells].map(c => c.textContent))",
          v -> v.size() == 1, TWO_SECONDS).get(0);
      assertThat(row.get(4).asText()).isEqualTo("400");
      assertThat(row.get(9).asText()).isNotEmpty();
      page.await(rows("errors", "tr.cells[0].textContent === " + quote(row.get(9).asText())),
          v -> v.asInt() == 1, TWO_SECONDS);
    }
  }

  @Test
  void theCountsMatchWhatWasSentAndTheFiltersWork() throws Exception {
    try (GatewayHarness gw = gateway()) {
      Chromium.Page page = signIn(gw);
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sent.add(stream(gw, TEAM_A, "model-a", "tokens=10"));
      }
      for (int i = 0; i < 3; i++) {
        sent.add(stream(gw, TEAM_B, "model-b", "tokens=10"));
      }
      for (CompletableFuture<HttpResponse<String>> f : sent) {
        assertThat(f.get().statusCode()).isEqualTo(200);
      }
      page.await(rows("requests", "true"), v -> v.asInt() == 8, TWO_SECONDS);
      JsonNode keys = page.await("[...document.querySelectorAll('#keys tbody tr')]"
          + ".map(tr => [tr.cells[0].textContent, tr.cells[2].textContent])",
          v -> v.toString().contains("[\"team-b\",\"3\"]"), TWO_SECONDS);
      assertThat(keys.toString()).contains("[\"team-a\",\"5\"]", "[\"team-b\",\"3\"]");
      page.eval("const s = document.getElementById('f-model'); s.value = 'model-b';"
          + "s.dispatchEvent(new Event('change')); true");
      assertThat(page.eval(rows("requests", "true")).asInt()).isEqualTo(3);
      assertThat(page.eval(rows("requests", "tr.dataset.model !== 'model-b'")).asInt()).isZero();
      page.eval("const k = document.getElementById('f-key'); k.value = 'team-a';"
          + "k.dispatchEvent(new Event('change')); true");
      assertThat(page.eval(rows("requests", "true")).asInt()).isZero();
    }
  }

  @Test
  void aClickShowsTheRequestsDetailsWithoutItsContent() throws Exception {
    try (GatewayHarness gw = gateway()) {
      Chromium.Page page = signIn(gw);
      assertThat(stream(gw, TEAM_B, "detail-model", "tokens=7").get().statusCode()).isEqualTo(200);
      page.await(rows("requests", "true"), v -> v.asInt() == 1, TWO_SECONDS);
      String details = page.eval("document.querySelector('#requests tbody tr').click();"
          + "document.getElementById('details').open + ' ' "
          + "+ document.getElementById('details-list').textContent").asText();
      assertThat(details).startsWith("true").contains("detail-model", "team-b", "Tokens out7");
      assertThat(page.eval("document.getElementById('details-output').hidden").asBoolean())
          .isTrue(); // the usage log keeps no content, so neither does the page
    }
  }

  @Test
  void withoutTheAdminKeyThePageAndItsEventStreamAreRefused() throws Exception {
    try (GatewayHarness gw = gateway()) {
      Chromium.Page page = chromium.open(gw.url("/dashboard"), 1024, 700);
      page.await("document.getElementById('key') !== null", JsonNode::asBoolean, TWO_SECONDS);
      assertThat(page.eval("document.getElementById('t-streams') === null").asBoolean()).isTrue();
      assertThat(page.eval("fetch('/dashboard/events').then(r => r.status)").asInt())
          .isEqualTo(401);
      page.eval("document.getElementById('key').value = '" + TEAM_A + "';"
          + "document.querySelector('form').submit(); true"); // a gateway key is not the admin key
      page.await("document.querySelector('.error') && document.querySelector('.error')"
          + ".textContent", v -> v.asText().contains("not the admin key"), TWO_SECONDS);
      assertThat(page.eval("fetch('/dashboard/events').then(r => r.status)").asInt())
          .isEqualTo(401);
      assertThat(page.eval("location.href").asText()).doesNotContain(TEAM_A, ADMIN);
    }
  }

  /** The screenshot in docs/dashboard.md: target/dashboard.png, looked at before it is copied. */
  @Test
  void aBusyDashboard() throws Exception {
    try (GatewayHarness gw = gateway()) {
      Chromium.Page page = signIn(gw);
      assertThat(stream(gw, TEAM_A, "gpt-4o", "fault=status:429;retry-after=90;times=1, id=s1")
          .get().statusCode()).isEqualTo(200); // key0 rests, key1 answers
      List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      String[] models = {"gpt-4o", "claude-sonnet-4", "mistral-large"};
      for (int i = 0; i < 24; i++) {
        sent.add(stream(gw, i % 3 == 0 ? TEAM_B : TEAM_A, models[i % 3],
            "ttft=" + (80 + 40 * (i % 5)) + "ms, tps=200, tokens=" + (20 + 7 * i)));
      }
      sent.add(stream(gw, TEAM_A, "gpt-4o", "fault=error-after:5"));
      sent.add(stream(gw, TEAM_B, "claude-sonnet-4", "fault=status:400"));
      gw.send(gw.post("/v1/chat/completions", "{}").header("Authorization", "Bearer sk-wrong")
          .build());
      for (CompletableFuture<HttpResponse<String>> f : sent) {
        f.get();
      }
      for (int i = 0; i < 9; i++) { // still streaming when the picture is taken
        sent.add(stream(gw, i % 2 == 0 ? TEAM_A : TEAM_B, models[i % 3],
            "ttft=150ms, tps=2, tokens=40"));
      }
      page.await("document.getElementById('t-streams').textContent",
          v -> v.asText().equals("9"), TWO_SECONDS);
      page.await(rows("requests", "true"), v -> v.asInt() >= 28, TWO_SECONDS);
      page.await("document.querySelector('#upstreams td.cool') !== null", JsonNode::asBoolean,
          TWO_SECONDS);
      Path shot = Path.of("target", "dashboard.png");
      page.screenshot(shot);
      assertThat(shot).isNotEmptyFile();
    }
  }

  static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Test
  void theStateAnswersABearerAdminKeyAndNothingElse() throws Exception {
    try (GatewayHarness gw = gateway()) {
      HttpResponse<String> none = gw.get("/dashboard/state");
      assertThat(none.statusCode()).isEqualTo(401);
      HttpResponse<String> team = gw.send(HttpRequest.newBuilder(URI.create(
          gw.url("/dashboard/state"))).header("Authorization", "Bearer " + TEAM_A).build());
      assertThat(team.statusCode()).isEqualTo(401);
      HttpResponse<String> admin = gw.send(HttpRequest.newBuilder(URI.create(
          gw.url("/dashboard/state"))).header("Authorization", "Bearer " + ADMIN).build());
      assertThat(admin.statusCode()).isEqualTo(200);
      assertThat(admin.body()).contains("\"upstreams\"", "team-a")
          .doesNotContain("sk-upstream-one", ADMIN);
    }
  }
}
