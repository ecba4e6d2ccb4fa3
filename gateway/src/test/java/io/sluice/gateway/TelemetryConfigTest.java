package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sluice.gateway.internal.config.ConfigChanges;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code telemetry:} in sluice.yaml (docs/observability.md): every key read, a misspelled one
 * refused naming it, and what a reload applies (the model names) or leaves for a restart (the
 * exporters and the sampler).
 */
class TelemetryConfigTest {
  static final String ROUTE = ConfigTest.ROUTE;

  static final String ALL = """
      telemetry:
        service-name: edge-gateway
        metrics:
          models: [gpt-4o-2024-08-06, claude-x]
          otlp:
            endpoint: http://collector:4318/v1/metrics
            interval: 30s
        traces:
          enabled: true
          endpoint: http://collector:4318/v1/traces
          sample-ratio: 0.25
          capture-content: true
      """;

  private static String refusal(String yaml) {
    Throwable t = catchThrowable(() -> GatewayConfig.parse(yaml, Map.of()));
    assertThat(t).isInstanceOf(GatewayException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }

  @Test
  void everyTelemetryKeyIsRead() {
    GatewayConfig config = GatewayConfig.parse(ALL + ROUTE, Map.of());
    assertThat(config.telemetry()).isEqualTo(new GatewayConfig.Telemetry(
        List.of("gpt-4o-2024-08-06", "claude-x"), "http://collector:4318/v1/metrics",
        Duration.ofSeconds(30), true, "http://collector:4318/v1/traces", 0.25, true,
        "edge-gateway", ""));
  }

  @Test
  void withoutTelemetryMetricsAreOnMetricsAndTracesAreOff() {
    assertThat(GatewayConfig.parse(ROUTE, Map.of()).telemetry())
        .isEqualTo(GatewayConfig.Telemetry.defaults());
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "telemetry:\\n  tracing:\\n    enabled: true|'tracing' in telemetry"
          + "|known keys there: metrics, service-name, traces",
      "telemetry:\\n  service_name: x|'service_name' in telemetry|did you mean 'service-name'",
      "telemetry:\\n  traces:\\n    sample-rate: 0.5|'sample-rate' in telemetry.traces"
          + "|did you mean 'sample-ratio'",
      "telemetry:\\n  traces:\\n    enable: true|'enable' in telemetry.traces"
          + "|did you mean 'enabled'",
      "telemetry:\\n  metrics:\\n    model: [a]|'model' in telemetry.metrics|did you mean 'models'",
      "telemetry:\\n  metrics:\\n    otlp:\\n      intreval: 5s|'intreval' in "
          + "telemetry.metrics.otlp|did you mean 'interval'"})
  void aMisspelledTelemetryKeyIsRefusedNamingItAndTheNearestKnownOne(String yaml, String where,
      String hint) {
    assertThat(refusal(yaml.replace("\\n", "\n") + "\n" + ROUTE))
        .contains("unknown key " + where).contains(hint);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "traces:\\n    sample-ratio: 2|telemetry.traces.sample-ratio must be between 0 and 1",
      "traces:\\n    sample-ratio: half|telemetry.traces.sample-ratio must be a number",
      "traces:\\n    enabled: yes|telemetry.traces.enabled must be true or false",
      "traces:\\n    capture-content: 1|telemetry.traces.capture-content must be true or false",
      "metrics:\\n    otlp:\\n      interval: 0s|telemetry.metrics.otlp.interval must be positive",
      "metrics:\\n    otlp:\\n      interval: soon|telemetry.metrics.otlp.interval must be a "
          + "duration",
      "metrics:\\n    models: gpt-4o|telemetry.metrics.models must be a list"})
  void aBadTelemetryValueIsRefusedNamingTheSetting(String yaml, String message) {
    assertThat(refusal("telemetry:\n  " + yaml.replace("\\n", "\n") + "\n" + ROUTE))
        .contains(message);
  }

  @Test
  void aReloadAppliesTheModelNamesAndLeavesTheExportersForARestart() {
    GatewayConfig running = GatewayConfig.parse(ROUTE, Map.of());
    GatewayConfig next = GatewayConfig.parse(ALL + ROUTE, Map.of());
    ConfigChanges changes = ConfigChanges.of(running, next, "127.0.0.1");
    assertThat(changes.effective().telemetry()).isEqualTo(
        GatewayConfig.Telemetry.defaults().withMetricModels(next.telemetry().metricModels()));
    assertThat(changes.restartNeeded()).hasSize(3).anySatisfy(
        l -> assertThat(l).startsWith("telemetry.service-name changed")).anySatisfy(
        l -> assertThat(l).startsWith("telemetry.metrics.otlp changed")).anySatisfy(
        l -> assertThat(l).startsWith("telemetry.traces changed")).allSatisfy(
        l -> assertThat(l).endsWith("takes effect when the gateway is restarted"));
  }

  @Test
  void aReloadWithTheSameTelemetryNeedsNoRestart() {
    GatewayConfig running = GatewayConfig.parse(ALL + ROUTE, Map.of());
    GatewayConfig next = GatewayConfig.parse(ALL.replace("claude-x", "claude-y") + ROUTE,
        Map.of());
    ConfigChanges changes = ConfigChanges.of(running, next, "127.0.0.1");
    assertThat(changes.restartNeeded()).isEmpty();
    assertThat(changes.effective().telemetry()).isEqualTo(next.telemetry());
  }

  /** One route to the simulated provider, named by {@code host} (localhost or 127.0.0.1). */
  static String route(MockProvider mock, String model, String host) {
    return "server:\n  host: 127.0.0.1\n  port: 0\nroutes:\n  - model: " + model
        + "\n    targets:\n      - kind: openai-chat\n        base-url: http://" + host + ":"
        + mock.port() + "/v1\n";
  }

  /**
   * After a reload, the new route's model is a label value and the in-flight gauges are those of
   * the targets in force: the new target has its series, the dropped one has none.
   */
  @Test
  @Timeout(60)
  void theMetersFollowTheReloadedRoutes(@TempDir Path dir) throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
      Path file = dir.resolve("sluice.yaml");
      Files.writeString(file, route(mock, "a", "localhost"));
      try (GatewayHarness gw = new GatewayHarness(GatewayConfig.load(file))) {
        Files.writeString(file, route(mock, "b", "127.0.0.1"));
        assertThat(gw.gateway.reloadFile(file, UnaryOperator.identity())).isTrue();
        assertThat(gw.send(gw.post("/v1/chat/completions", "{\"model\":\"b\",\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"hi\"}]}").header("x-sluice-mock", "tokens=2")
            .build()).statusCode()).isEqualTo(200);
        Awaits.until(() -> gw.log.stream().anyMatch(l -> l.contains(" model=b ")));
        String metrics = gw.get("/metrics").body();
        assertThat(GenAiMetricsTest.value(metrics, "gen_ai_server_request_duration_seconds_count",
            Map.of("gen_ai_request_model", "b"))).isEqualTo(1.0);
        assertThat(GenAiMetricsTest.samples(metrics, "sluice_gateway_upstream_in_flight",
            Map.of())).extracting(s -> s.labels().get("sluice_target"))
            .containsExactly("openai-chat http://127.0.0.1:" + mock.port() + "/v1");
      }
    }
  }
}
