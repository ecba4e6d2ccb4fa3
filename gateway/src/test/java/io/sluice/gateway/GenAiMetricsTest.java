package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The GenAI meters against the simulated provider at a known pace (time to first token 300 ms,
 * then 20 tokens a second, 40 tokens), 200 streams at once, read back from /metrics.
 */
class GenAiMetricsTest {
  static final String PACE = "ttft=300ms, tps=20, tokens=40";

  static String stream(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  static GatewayConfig config(MockProvider mock) {
    GatewayConfig.Target target = new GatewayConfig.Target(UpstreamKind.OPENAI_CHAT,
        ChatDialect.OPENAI, mock.baseUrl(), "", List.of(), 256);
    // "warm" takes the first streams, while classes load and code compiles: its series are
    // apart from m1's, which the assertions read.
    return GatewayConfig.of(List.of(new GatewayConfig.Route("m1", List.of(target)),
        new GatewayConfig.Route("warm", List.of(target))));
  }

  @Test
  @Timeout(120)
  void aKnownPaceReadsBackFromMetrics() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(config(mock))) {
      run(gw, "warm", 20);
      run(gw, "m1", 200);
      Awaits.until(() -> gw.log.size() == 220);
      String metrics = gw.get("/metrics").body();

      double ttft = value(metrics, "sluice_gateway_time_to_first_token_seconds",
          "gen_ai_request_model=\"m1\",quantile=\"0.5\"");
      double tpot = value(metrics, "sluice_gateway_time_per_output_token_seconds",
          "gen_ai_request_model=\"m1\",quantile=\"0.5\"");
      double output = value(metrics, "gen_ai_client_token_usage_sum",
          "gen_ai_request_model=\"m1\",gen_ai_response_model=\"m1\",gen_ai_token_type=\"output\"");
      assertThat(output).isEqualTo(8000.0);
      // The gateway's own share of the time to first token, to tell a slow gateway from a slow
      // machine when the window below is missed (the simulated provider shares this JVM).
      double added = value(metrics, "sluice_gateway_added_seconds_sum", "door=")
          / value(metrics, "sluice_gateway_added_seconds_count", "door=");
      assertThat(ttft * 1000).as("time to first token p50 (ms); gateway's mean share %.3f ms",
          added * 1000).isBetween(300.0, 305.0);
      assertThat(tpot * 1000).as("time per output token p50 (ms)").isBetween(49.0, 52.0);
    }
  }

  @Test
  void everyMetricHasHelp() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(config(mock))) {
      run(gw, "m1", 1);
      Awaits.until(() -> gw.log.size() == 1);
      String metrics = gw.get("/metrics").body();
      for (String line : metrics.split("\n")) {
        if (line.startsWith("# TYPE ")) {
          String name = line.split(" ")[2];
          assertThat(metrics).containsPattern("# HELP " + Pattern.quote(name) + " \\S");
        }
      }
    }
  }

  @Test
  void aModelOutsideTheRoutesFoldsIntoOther() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(
            new GatewayConfig.Route("*", List.of(GatewayConfig.Target.of(
                UpstreamKind.OPENAI_CHAT, mock.baseUrl()))))))) {
      run(gw, "client-chosen-1", 1);
      run(gw, "client-chosen-2", 1);
      Awaits.until(() -> gw.log.size() == 2);
      String metrics = gw.get("/metrics").body();
      assertThat(metrics).doesNotContain("client-chosen");
      assertThat(value(metrics, "gen_ai_server_request_duration_seconds_count",
          "gen_ai_request_model=\"_OTHER\"")).isEqualTo(2.0);
    }
  }

  /** HTTP/1.1, one connection per stream: HTTP/2 would stop at the gateway's 100 streams. */
  static final java.net.http.HttpClient HTTP1 = java.net.http.HttpClient.newBuilder()
      .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

  static void run(GatewayHarness gw, String model, int streams) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      all.add(HTTP1.sendAsync(gw.post("/v1/chat/completions", stream(model))
          .header("x-sluice-mock", PACE).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var f : all) {
      assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
  }

  /** The value of the one sample of {@code name} whose labels contain {@code labels}. */
  static double value(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$")
        .matcher(metrics);
    Double found = null;
    while (m.find()) {
      if (m.group(1).contains(labels)) {
        assertThat(found).as("one sample of %s with %s", name, labels).isNull();
        found = Double.parseDouble(m.group(2));
      }
    }
    assertThat(found).as("a sample of %s with %s", name, labels).isNotNull();
    return found;
  }
}
