package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Spend over many mixed requests equals a total computed by hand, to the last digit: OpenAI and
 * Anthropic usage with cache reads, cache writes and reasoning, streams cut off without usage
 * (counted from what came), and an unpriced model that adds nothing.
 */
class SpendTest {
  static final String ADMIN = "adm-0123456789";
  static final String SECRET = "sk-gw-spender-0123456789";
  static final java.util.regex.Pattern CASE =
      java.util.regex.Pattern.compile("question ([0-9]+) ([a-z]+)");
  static final BigDecimal MILLION = new BigDecimal(1_000_000);

  static String anthropic(long in, long read, long write, long out) {
    return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m1\","
        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":"
        + "{\"input_tokens\":" + in + ",\"cache_read_input_tokens\":" + read
        + ",\"cache_creation_input_tokens\":" + write + ",\"output_tokens\":1}}}\n\n"
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        + "\"end_turn\"},\"usage\":{\"output_tokens\":" + out + "}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  }

  static String chat(long prompt, long cached, long completion, long reasoning) {
    return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
        + completion + ",\"total_tokens\":" + (prompt + completion)
        + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoning + "}}}\n\n"
        + "data: [DONE]\n\n";
  }

  /** A stream the upstream cuts off: 13 bytes of text, no usage, no [DONE]. */
  static final String CUT = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
      + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello, world!\"},"
      + "\"finish_reason\":null}]}\n\n";

  @Test
  @org.junit.jupiter.api.Timeout(120) // a thousand requests on a loaded two-core machine
  void spendOverAThousandMixedRequestsIsExact() throws Exception {
    Price a = new Price(new BigDecimal("0.15"), new BigDecimal("0.6"), new BigDecimal("0.075"),
        new BigDecimal("0.15"), new BigDecimal("0.6"));
    Price b = new Price(new BigDecimal("3"), new BigDecimal("15"), new BigDecimal("0.3"),
        new BigDecimal("3.75"), new BigDecimal("15"));
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          // The gateway forwards only the headers a provider needs, so the case rides in the body.
          java.util.regex.Matcher m = CASE.matcher(call.body);
          if (!m.find()) {
            throw new AssertionError("no case in " + call.body);
          }
          long n = Long.parseLong(m.group(1));
          String v = m.group(2);
          call.startStream();
          switch (v) {
            case "chat":
            case "free": call.write(chat(100 + n, n % 50, 20 + n % 7, n % 5)); break;
            case "anthropic": call.write(anthropic(10 + n, n % 30, n % 11, 5 + n % 13)); break;
            default: call.write(CUT); break;
          }
          call.end();
        });
        GatewayHarness gw = new GatewayHarness(new GatewayConfig("127.0.0.1", 0, List.of(
            new Route("gpt-a", List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl()))),
            new Route("claude-b", List.of(Target.of(UpstreamKind.ANTHROPIC, up.baseUrl()))),
            new Route("free", List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))),
            List.of(new AccessKey("spender", AccessTest.sha256(SECRET), List.of(), 0)),
            GatewayLimits.defaults(), "", false, "").withLedger(GatewayConfig.LedgerSettings.DEFAULTS
                .withPrices(Map.of("gpt-a", a, "claude-b", b))).withAdminKey(ADMIN))) {
      BigDecimal expected = BigDecimal.ZERO;
      List<CompletableFuture<HttpResponse<String>>> batch = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        long n = i;
        String variant = i % 4 == 0 ? "anthropic" : i % 4 == 3 ? "cut" : i % 8 == 1 ? "free" : "chat";
        String model = variant.equals("anthropic") ? "claude-b" : variant.equals("free") ? "free"
            : "gpt-a";
        String path = variant.equals("anthropic") ? "/v1/messages" : "/v1/chat/completions";
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":50,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"question " + i + " " + variant
            + "\"}]}";
        switch (variant) {
          case "chat": {
            long prompt = 100 + n;
            long cached = n % 50;
            long completion = 20 + n % 7;
            long reasoning = n % 5;
            expected = expected.add(perMillion(a.input(), prompt - cached)
                .add(perMillion(a.cacheRead(), cached))
                .add(perMillion(a.output(), completion - reasoning))
                .add(perMillion(a.reasoning(), reasoning)));
            break;
          }
          case "anthropic": {
            long read = n % 30;
            long write = n % 11;
            expected = expected.add(perMillion(b.input(), 10 + n)
                .add(perMillion(b.cacheRead(), read))
                .add(perMillion(b.cacheWrite(), write))
                .add(perMillion(b.output(), 5 + n % 13)));
            break;
          }
          case "cut": // estimated: the body's bytes / 4 in, "Hello, world!" (13 bytes) / 4 out
            expected = expected.add(perMillion(a.input(), (body.length() + 3) / 4)
                .add(perMillion(a.output(), 4)));
            break;
          default:
            break;
        }
        batch.add(gw.http.sendAsync(gw.post(path, body).header("Authorization", "Bearer " + SECRET)
            .build(),
            HttpResponse.BodyHandlers.ofString()));
        if (batch.size() == 100) {
          drain(batch);
        }
      }
      drain(batch);
      HttpResponse<String> spend = gw.send(HttpRequest.newBuilder(
          URI.create(gw.url("/admin/keys/spender/spend")))
          .header("Authorization", "Bearer " + ADMIN).GET().build());
      assertThat(spend.statusCode()).isEqualTo(200);
      String total = spend.body().substring(spend.body().indexOf("\"total\""));
      assertThat(total).contains("\"requests\":1000", "\"unpriced_requests\":125",
          "\"estimated_requests\":250");
      BigDecimal usd = new BigDecimal(total.replaceAll(".*\"usd\":([0-9.Ee+-]+).*", "$1"));
      assertThat(usd.subtract(expected).abs()).isLessThanOrEqualTo(new BigDecimal("1e-9"));
      assertThat(usd.compareTo(expected)).isZero(); // exact, not merely close
    }
  }

  private static BigDecimal perMillion(BigDecimal price, long tokens) {
    return price.multiply(BigDecimal.valueOf(tokens)).divide(MILLION);
  }

  private static void drain(List<CompletableFuture<HttpResponse<String>>> batch)
      throws Exception {
    for (CompletableFuture<HttpResponse<String>> f : batch) {
      assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    batch.clear();
  }
}
