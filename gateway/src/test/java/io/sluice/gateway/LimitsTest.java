package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-key limits as a client sees them: headers, refusals in its format, hard-mode cuts. */
class LimitsTest {
  static final String SECRET = "sk-gw-limited-0123456789";

  static String chatStream(long prompt, long completion) {
    return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
        + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
        + completion + ",\"total_tokens\":" + (prompt + completion) + "}}\n\n"
        + "data: [DONE]\n\n";
  }

  static GatewayHarness gateway(LoopbackUpstream up, KeyLimits limits, int concurrency,
      Map<String, Price> prices, Path usage) throws Exception {
    return gateway(up, limits, concurrency,
        GatewayConfig.LedgerSettings.DEFAULTS.withPrices(prices), usage);
  }

  static GatewayHarness gateway(LoopbackUpstream up, KeyLimits limits, int concurrency,
      GatewayConfig.LedgerSettings ledger, Path usage) throws Exception {
    GatewayConfig base = GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
        GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "sk-up")))));
    return new GatewayHarness(base.withHost("127.0.0.1")
        .withAccessKeys(List.of(new AccessKey("team", AccessTest.sha256(SECRET), List.of(),
            concurrency, limits)))
        .withUsageLog(usage.toString(), false)
        .withLedger(ledger));
  }

  static String chat(String model, int maxTokens) {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + maxTokens
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  HttpResponse<String> call(GatewayHarness gw, String path, String body) throws Exception {
    return gw.send(gw.post(path, body).header("Authorization", "Bearer " + SECRET).build());
  }

  @Test
  void anAnswerCarriesOpenAisRateLimitHeaders() throws Exception {
    KeyLimits limits = KeyLimits.NONE.withRequests(3, Duration.ofSeconds(60)).withTokens(1000);
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of(), Files.createTempFile("u", ".jsonl"))) {
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 10));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
      assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("2");
      assertThat(r.headers().firstValue("x-ratelimit-reset-requests").orElseThrow())
          .matches("(59(\\.\\d+)?s|1m0s)");
      assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("1000");
      assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
      assertThat(r.headers().firstValue("x-ratelimit-reset-tokens")).isPresent();
    }
  }

  @Test
  void anAnthropicClientGetsAnthropicsHeaderNames() throws Exception {
    KeyLimits limits = KeyLimits.NONE.withRequests(3, Duration.ofSeconds(60));
    String messages = "{\"model\":\"gpt-x\",\"max_tokens\":10,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of(), Files.createTempFile("u", ".jsonl"))) {
      HttpResponse<String> r = call(gw, "/v1/messages", messages);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("anthropic-ratelimit-requests-limit")).hasValue("3");
      assertThat(r.headers().firstValue("anthropic-ratelimit-requests-remaining")).hasValue("2");
      assertThat(r.headers().firstValue("anthropic-ratelimit-requests-reset").orElseThrow())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(r.headers().map().keySet()).noneMatch(h -> h.startsWith("x-ratelimit-"));
    }
  }

  @Test
  void aRequestPastTheWindowIs429NamingTheLimit() throws Exception {
    KeyLimits limits = KeyLimits.NONE.withRequests(2, Duration.ofSeconds(60));
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of(), Files.createTempFile("u", ".jsonl"))) {
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(200);
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(200);
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 10));
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after").map(Long::parseLong).orElseThrow())
          .isBetween(1L, 60L);
      assertThat(r.body()).contains("\"type\":\"rate_limit_error\"", "2 requests per 60000 ms");
      assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
      assertThat(up.calls).hasSize(2);
    }
  }

  @Test
  void theWindowOpensAgainWhenItEnds() throws Exception {
    KeyLimits limits = KeyLimits.NONE.withRequests(1, Duration.ofMillis(300));
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of(), Files.createTempFile("u", ".jsonl"))) {
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(200);
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(429);
      Awaits.until(() -> {
        try {
          return call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode() == 200;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
  }

  @Test
  void aSoftTokenWindowAdmitsUntilItIsUsedUp() throws Exception {
    // Each request reserves ~30 input (body / 4) + 100 output; each really uses 5 + 1.
    KeyLimits limits = KeyLimits.NONE.withTokens(250);
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of(), Files.createTempFile("u", ".jsonl"))) {
      for (int i = 0; i < 10; i++) { // settled at 6 tokens each: far from 250
        assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 100)).statusCode())
            .isEqualTo(200);
      }
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 100));
      assertThat(Long.parseLong(r.headers().firstValue("x-ratelimit-remaining-tokens")
          .orElseThrow())).isLessThan(250 - 60);
    }
  }

  @Test
  void aHardTokenWindowRefusesAReservationThatDoesNotFit() throws Exception {
    KeyLimits limits = KeyLimits.NONE.withTokens(100).withHard(true);
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of(), Files.createTempFile("u", ".jsonl"))) {
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 500));
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).contains("tokens per", "reserves");
      assertThat(up.calls).isEmpty();
    }
  }

  @Test
  void aHardKeysStreamIsCutWhenItOutgrowsItsReservation() throws Exception {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 200; i++) { // no usage: counted from the text, 4 bytes a token
      s.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,")
          .append("\"model\":\"gpt-x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":")
          .append("\"abcdefghijklmnop\"},\"finish_reason\":null}]}\n\n");
    }
    s.append("data: [DONE]\n\n");
    KeyLimits limits = KeyLimits.NONE.withTokens(10_000).withHard(true);
    Path usage = Files.createTempFile("u", ".jsonl");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(s.toString());
        GatewayHarness gw = gateway(up, limits, 0,
            GatewayConfig.LedgerSettings.DEFAULTS.withReserveCap(20), usage)) {
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 5000));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("reached its tokens limit mid-stream")
          .contains("\"finish_reason\":\"error\"").doesNotContain("data: [DONE]\n\ndata");
      Awaits.until(() -> read(usage).contains("usage_source"));
      assertThat(Files.readString(usage)).contains("\"usage_source\":\"estimated\"");
    }
  }

  @Test
  void aKeysConcurrencyIsHeldByTheLedger() throws Exception {
    java.util.concurrent.CopyOnWriteArrayList<LoopbackUpstream.Call> held =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.startStream();
          if (held.isEmpty()) {
            held.add(call); // the first stream stays open until the test ends it
          } else {
            call.write(chatStream(5, 1));
            call.end();
          }
        });
        GatewayHarness gw = gateway(up, KeyLimits.NONE, 1, Map.of(),
            Files.createTempFile("u", ".jsonl"))) {
      var first = gw.http.sendAsync(gw.post("/v1/chat/completions", chat("gpt-x", 10))
          .header("Authorization", "Bearer " + SECRET).build(),
          HttpResponse.BodyHandlers.ofString());
      Awaits.until(() -> held.size() == 1);
      HttpResponse<String> second = call(gw, "/v1/chat/completions", chat("gpt-x", 10));
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.body()).contains("concurrency limit of 1");
      up.run(() -> {
        held.get(0).write(chatStream(5, 1));
        held.get(0).end();
      });
      assertThat(first.get().statusCode()).isEqualTo(200);
      Awaits.until(() -> {
        try {
          return call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode() == 200;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
    }
  }

  @Test
  void aBudgetedKeyIsRefusedAnUnpricedModel() throws Exception {
    KeyLimits limits = KeyLimits.NONE.withBudget(new BigDecimal("5"), KeyLimits.BudgetPeriod.DAY);
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, limits, 0, Map.of("gpt-priced", Price.of("1", "2")),
            Files.createTempFile("u", ".jsonl"))) {
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 10));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("has a budget and this model has no price");
      assertThat(up.calls).isEmpty();
    }
  }

  @Test
  void aSpentBudgetRefusesTheNextRequest() throws Exception {
    // 1,000,000 input + 1,000,000 output at $1 / $2 per million: $3 a request against $5.
    KeyLimits limits = KeyLimits.NONE.withBudget(new BigDecimal("5"), KeyLimits.BudgetPeriod.DAY);
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(1_000_000, 1_000_000));
        GatewayHarness gw = gateway(up, limits, 0, Map.of("gpt-x", Price.of("1", "2")),
            Files.createTempFile("u", ".jsonl"))) {
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(200);
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(200);
      HttpResponse<String> r = call(gw, "/v1/chat/completions", chat("gpt-x", 10));
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).contains("budget of 5 USD per day");
    }
  }

  @Test
  void anUnpricedModelsCostIsUnknownInTheUsageFileNeverZero() throws Exception {
    Path usage = Files.createTempFile("u", ".jsonl");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(chatStream(5, 1));
        GatewayHarness gw = gateway(up, KeyLimits.NONE, 0, Map.of("gpt-y", Price.of("1", "2")),
            usage)) {
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-x", 10)).statusCode()).isEqualTo(200);
      assertThat(call(gw, "/v1/chat/completions", chat("gpt-y", 10)).statusCode()).isEqualTo(200);
      Awaits.until(() -> read(usage).lines().count() == 2);
      List<String> lines = Files.readAllLines(usage);
      assertThat(lines.get(0)).contains("\"model\":\"gpt-x\"", "\"cost_usd\":null");
      assertThat(lines.get(1)).contains("\"model\":\"gpt-y\"", "\"cost_usd\":0.000007");
    }
  }
}
