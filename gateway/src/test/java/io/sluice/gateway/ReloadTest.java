package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.internal.config.ConfigChanges;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reloading sluice.yaml while the gateway runs (docs/configuration.md "Reloading"). */
@Timeout(60)
class ReloadTest {
  @TempDir Path dir;
  private final MockProvider mock = MockProvider.start(MockOptions.defaults());
  private GatewayHarness gw;
  private Path file;

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
    mock.close();
  }

  static String yaml(String baseUrl, String extra, String... models) {
    StringBuilder s = new StringBuilder("server:\n  host: 127.0.0.1\n  port: 0\n" + extra
        + "routes:\n");
    for (String m : models) {
      s.append("  - model: \"").append(m).append("\"\n    targets:\n")
          .append("      - kind: same-as-client\n        base-url: ").append(baseUrl)
          .append("\n");
    }
    return s.toString();
  }

  private void start(String text) throws Exception {
    file = dir.resolve("sluice.yaml");
    Files.writeString(file, text);
    gw = new GatewayHarness(GatewayConfig.load(file));
  }

  private boolean reload(String text) throws Exception {
    Files.writeString(file, text);
    return gw.gateway.reloadFile(file, UnaryOperator.identity());
  }

  private int status(String model) throws Exception {
    return gw.send(gw.post("/v1/chat/completions", "{\"model\":\"" + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        .header("x-sluice-mock", "tokens=2").build()).statusCode();
  }

  @Test
  void aNewRouteAnswersTheFirstRequestAfterTheReload() throws Exception {
    start(yaml(mock.baseUrl(), "", "a"));
    assertThat(status("b")).isEqualTo(404);
    assertThat(reload(yaml(mock.baseUrl(), "", "a", "b"))).isTrue();
    assertThat(status("b")).isEqualTo(200);
    assertThat(gw.log).anyMatch(l -> l.startsWith("reloaded ") && l.contains("2 routes"));
  }

  @Test
  void aBrokenFileIsRefusedWithTheSettingNamedAndTheRunningConfigurationStays() throws Exception {
    start(yaml(mock.baseUrl(), "", "a"));
    assertThat(reload(yaml(mock.baseUrl(), "limits:\n  max-attempts: lots\n", "a", "b")))
        .isFalse();
    assertThat(gw.log).anyMatch(l -> l.contains("refused, the running configuration stays")
        && l.contains("limits.max-attempts must be an integer, was 'lots'"));
    assertThat(status("a")).isEqualTo(200);
    assertThat(status("b")).isEqualTo(404);
  }

  @Test
  void aFileThatIsNoYamlIsRefused() throws Exception {
    start(yaml(mock.baseUrl(), "", "a"));
    assertThat(reload("routes: [\n  - model: a\n")).isFalse();
    assertThat(gw.log).anyMatch(l -> l.contains("refused") && l.contains("not valid YAML"));
    assertThat(status("a")).isEqualTo(200);
  }

  @Test
  void aNegativeLimitIsRefusedWithTheSettingNamed() throws Exception {
    start(yaml(mock.baseUrl(), "", "a"));
    assertThat(reload(yaml(mock.baseUrl(), "  drain:\n    timeout: -1s\n", "a"))).isFalse();
    assertThat(gw.log).anyMatch(l -> l.contains("server.drain.timeout must not be negative"));
  }

  @Test
  void aChangedPortIsLoggedAsNeedingARestartAndTheRestApplies() throws Exception {
    start(yaml(mock.baseUrl(), "", "a"));
    int port = gw.gateway.port();
    String moved = yaml(mock.baseUrl(), "", "a", "b").replace("port: 0", "port: 18999");
    assertThat(reload(moved)).isTrue();
    assertThat(gw.log).anyMatch(l -> l.contains("server.port changed from 0 to 18999")
        && l.contains("until it is restarted"));
    assertThat(gw.gateway.port()).isEqualTo(port);
    assertThat(status("b")).isEqualTo(200);
  }

  @Test
  void aStreamInFlightFinishesOnTheConfigurationItStartedWith() throws Exception {
    start(yaml(mock.baseUrl(), "", "m"));
    try (LiveStreams live = new LiveStreams(gw.gateway.port(), 4)) {
      LiveStreams.Stream before = live.open("/v1/chat/completions", "m", "tps=10, tokens=10");
      live.awaitFirstBytes(10);
      // The same model now goes to an upstream that answers 404 for every path.
      assertThat(reload(yaml(mock.baseUrl() + "/nowhere", "", "m"))).isTrue();
      LiveStreams.Stream after = live.open("/v1/chat/completions", "m", "tokens=2");
      live.awaitEnded(20);
      assertThat(before.ended.get()).isEqualTo(200);
      assertThat(before.text()).contains("\"finish_reason\":\"stop\"")
          .endsWith("data: [DONE]\n\n");
      assertThat(after.status).isEqualTo(404);
    }
  }

  @Test
  void removingEveryAccessKeyFromAGatewayListeningBeyondLoopbackIsRefused() {
    GatewayConfig running = GatewayConfig.parse(yaml("http://127.0.0.1:1", "", "a")
        + "access-keys:\n  - id: k\n    sha256: " + "ab".repeat(32) + "\n", java.util.Map.of());
    GatewayConfig keyless = GatewayConfig.parse(yaml("http://127.0.0.1:1", "", "a"),
        java.util.Map.of());
    assertThatThrownBy(() -> ConfigChanges.of(running, keyless, "0.0.0.0"))
        .isInstanceOf(GatewayException.class).hasMessageContaining("access-keys");
    assertThat(ConfigChanges.of(running, keyless, "127.0.0.1").restartNeeded()).isEmpty();
  }

  @Test
  void watchingTheFileReloadsItWhenItsContentChanges() throws Exception {
    start(yaml(mock.baseUrl(), "", "a"));
    try (AutoCloseable watch = gw.gateway.watch(file, Duration.ofMillis(50),
        UnaryOperator.identity())) {
      Files.writeString(file, yaml(mock.baseUrl(), "", "a", "b"));
      Awaits.until(() -> gw.log.stream().anyMatch(l -> l.startsWith("reloaded ")));
      assertThat(status("b")).isEqualTo(200);
    }
  }
}
