package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} behind {@code telemetry.metrics.key}, as a scraper and a stranger see it. */
class MetricsAccessTest {
  static final String KEY = "metrics-0123456789abcdef";
  @TempDir Path dir;

  static String yaml(String baseUrl, String key) {
    return ReloadTest.yaml(baseUrl, "", "m") + (key.isEmpty() ? ""
        : "telemetry:\n  metrics:\n    key: ${METRICS_KEY}\n");
  }

  static HttpResponse<String> scrape(GatewayHarness gw, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url("/metrics"))).GET();
    if (!bearer.isEmpty()) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return gw.send(b.build());
  }

  @Test
  void withAKeyOnlyItsHolderReadsTheMetricsAndAReloadChangesIt() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
      Path file = dir.resolve("sluice.yaml");
      Files.writeString(file, yaml(mock.baseUrl(), KEY));
      GatewayConfig config = GatewayConfig.parse(Files.readString(file),
          Map.of("METRICS_KEY", KEY));
      try (GatewayHarness gw = new GatewayHarness(config)) {
        HttpResponse<String> none = scrape(gw, "");
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate")).hasValue("Bearer");
        assertThat(none.body()).contains("telemetry.metrics.key").doesNotContain("sluice_");
        assertThat(scrape(gw, "not-the-key").statusCode()).isEqualTo(401);
        HttpResponse<String> held = scrape(gw, KEY);
        assertThat(held.statusCode()).isEqualTo(200);
        assertThat(held.body()).contains("sluice_gateway_");
        // A reload without the key opens /metrics again; the probes never needed one.
        Files.writeString(file, yaml(mock.baseUrl(), ""));
        assertThat(gw.gateway.reloadFile(file, UnaryOperator.identity())).isTrue();
        assertThat(scrape(gw, "").statusCode()).isEqualTo(200);
        assertThat(gw.get("/healthz").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void aMisspelledKeySettingIsRefused() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> GatewayConfig.parse(
        "routes:\n  - model: m\n    targets:\n      - kind: openai-chat\n"
            + "        base-url: http://127.0.0.1:9/v1\ntelemetry:\n  metrics:\n    keys: x\n",
        Map.of()))).hasMessageContaining("'keys'").hasMessageContaining("telemetry.metrics");
  }
}
