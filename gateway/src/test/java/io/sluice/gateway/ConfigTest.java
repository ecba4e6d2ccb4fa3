package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.codec.ChatDialect;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {
  static final String YAML = """
      server:
        port: 9090
      limits:
        heartbeat: 2s
        first-token-timeout: 90s
        queue-size: 10
      usage-log:
        path: /tmp/usage.jsonl
      access-keys:
        - id: team-a
          sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
          models: ["gpt-*"]
      routes:
        - model: gpt-4o
          targets:
            - kind: openai-chat
              base-url: https://api.openai.com/v1
              rename: gpt-4o-2024-08-06
              api-keys: ["${OPENAI_KEY}", "${OPENAI_KEY_2:-}"]
            - kind: openai-chat
              dialect: mistral
              base-url: https://api.mistral.ai/v1
              api-keys: ["${MISTRAL_KEY}"]
        - model: "claude-*"
          targets:
            - kind: anthropic
              base-url: https://api.anthropic.com/v1
              api-keys: ["${ANTHROPIC_KEY}"]
              concurrency: 8
              http2: true
      """;

  /** The one route every document needs, to test the other settings. */
  static final String ROUTE = """
      routes:
        - model: "*"
          targets: [{kind: same-as-client, base-url: "http://127.0.0.1:9/v1"}]
      """;

  static final Map<String, String> ENV =
      Map.of("OPENAI_KEY", "sk-o", "MISTRAL_KEY", "sk-m", "ANTHROPIC_KEY", "sk-a");

  @Test
  void aTargetIsCalledOverHttp2OnlyWhenItSaysSo() {
    GatewayConfig c = GatewayConfig.parse(YAML, ENV);
    assertThat(c.routes().get(0).targets().get(0).http2()).isFalse();
    assertThat(c.routes().get(1).targets().get(0).http2()).isTrue();
  }

  @Test
  void theUsageLogHoldsTheOutputOnlyWhenIncludeContentSaysSo() {
    assertThat(GatewayConfig.parse(YAML, ENV).logContent()).isFalse();
    assertThat(GatewayConfig.parse(YAML.replace("path: /tmp/usage.jsonl",
        "path: /tmp/usage.jsonl\n  include-content: true"), ENV).logContent()).isTrue();
  }

  @Test
  void readsTheQuotaCoolDownAndDefaultsItToTenMinutes() {
    GatewayConfig c = GatewayConfig.parse(YAML.replace("queue-size: 10",
        "queue-size: 10\n  quota-cool-down: 45m"), ENV);
    assertThat(c.limits().quotaCoolDown()).isEqualTo(Duration.ofMinutes(45));
    assertThat(GatewayConfig.parse(YAML, ENV).limits().quotaCoolDown())
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void readsTheFullExample() {
    GatewayConfig c = GatewayConfig.parse(YAML, ENV);
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.limits().heartbeat()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.limits().firstTokenTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.limits().queueSize()).isEqualTo(10);
    assertThat(c.usageLog()).isEqualTo("/tmp/usage.jsonl");
    assertThat(c.accessKeys().get(0).models()).containsExactly("gpt-*");
    GatewayConfig.Target first = c.routes().get(0).targets().get(0);
    assertThat(first.rename()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(first.apiKeys()).containsExactly("sk-o"); // an empty default drops the key
    assertThat(c.routes().get(0).targets().get(1).dialect()).isEqualTo(ChatDialect.MISTRAL);
    assertThat(c.routes().get(1).targets().get(0).kind()).isEqualTo(UpstreamKind.ANTHROPIC);
    assertThat(c.routes().get(1).targets().get(0).concurrency()).isEqualTo(8);
  }

  @Test
  void anUnsetVariableIsAnErrorThatNamesItButNoValue() {
    assertThatThrownBy(() -> GatewayConfig.parse(YAML, Map.of("OPENAI_KEY", "sk-o")))
        .isInstanceOf(GatewayException.class).hasMessageContaining("${MISTRAL_KEY}")
        .hasMessageNotContaining("sk-o");
  }

  @Test
  void anUnknownKindIsAnErrorThatListsTheKinds() {
    assertThatThrownBy(() -> GatewayConfig.parse("""
        routes:
          - model: x
            targets: [{kind: gemini, base-url: "http://h/v1"}]
        """, Map.of())).hasMessageContaining("openai-chat, openai-responses, anthropic");
  }

  @Test
  void keysPrintWithoutTheirSecrets() {
    GatewayConfig c = GatewayConfig.parse(YAML, ENV);
    assertThat(c.toString()).doesNotContain("sk-o", "sk-m", "sk-a");
  }

  @Test
  void theFullExampleInTheDocsIsValid() throws Exception {
    java.nio.file.Path doc = java.nio.file.Path.of("../docs/configuration.md");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(doc));
    String text = java.nio.file.Files.readString(doc);
    int section = text.indexOf("## Gateway");
    int start = text.indexOf("```yaml\n", section) + "```yaml\n".length();
    String yaml = text.substring(start, text.indexOf("```", start));
    GatewayConfig c = GatewayConfig.parse(yaml, Map.of("OPENAI_KEY_1", "a", "ANTHROPIC_KEY", "b",
        "MISTRAL_KEY", "c", "BATCH_KEY_SHA256", "0".repeat(64)));
    assertThat(c.routes()).hasSize(5);
    assertThat(c.accessKeys()).hasSize(2);
    assertThat(c.limits()).isEqualTo(GatewayLimits.defaults());
  }

  @Test
  void theTotalTimeoutIsOffUnlessSet() {
    assertThat(GatewayConfig.parse(ROUTE, Map.of()).limits().totalTimeout()).isEqualTo(Duration.ZERO);
    assertThat(GatewayConfig.parse("limits:\n  total-timeout: 30m\n" + ROUTE, Map.of()).limits()
        .totalTimeout()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void aNegativeTotalTimeoutIsAnErrorNamingTheSetting() {
    assertThatThrownBy(() -> GatewayConfig.parse("limits:\n  total-timeout: -1s\n" + ROUTE, Map.of()))
        .hasMessageContaining("limits.total-timeout");
  }

  @Test
  void anEmptyFileIsRefused() {
    assertThatThrownBy(() -> GatewayConfig.parse("", Map.of())).isInstanceOf(GatewayException.class)
        .hasMessageContaining("empty").hasMessageContaining("routes");
  }

  @Test
  void theStreamAndErrorBodyLimitsAreRead() {
    GatewayLimits l = GatewayConfig.parse("""
        limits:
          max-event-bytes: 1024
          max-error-body-bytes: 2048
          max-upstream-message-bytes: 4096
        """ + ROUTE, Map.of()).limits();
    assertThat(l.maxEventBytes()).isEqualTo(1024);
    assertThat(l.streamLimits().maxEventBytes()).isEqualTo(1024);
    assertThat(l.maxErrorBodyBytes()).isEqualTo(2048);
    assertThat(l.maxUpstreamMessageBytes()).isEqualTo(4096);
  }

  @Test
  void theStreamAndErrorBodyLimitsDefaultToTheLibrarysAndTheFormerConstants() {
    GatewayLimits l = GatewayConfig.parse(ROUTE, Map.of()).limits();
    assertThat(l.maxEventBytes()).isEqualTo(io.sluice.core.StreamLimits.DEFAULT_MAX_EVENT_BYTES);
    assertThat(l.maxErrorBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(l.maxUpstreamMessageBytes()).isEqualTo(64 * 1024 * 1024);
  }

  @Test
  void aZeroEventLimitIsAnErrorNamingTheSetting() {
    assertThatThrownBy(() -> GatewayConfig.parse("limits:\n  max-event-bytes: 0\n" + ROUTE, Map.of()))
        .hasMessageContaining("limits.max-event-bytes");
  }

  @Test
  void theBuilderChangesOnlyWhatItIsTold() {
    GatewayLimits l = GatewayLimits.builder().maxAttempts(1).maxEventBytes(4096).build();
    assertThat(l.maxAttempts()).isEqualTo(1);
    assertThat(l.maxEventBytes()).isEqualTo(4096);
    assertThat(l.toBuilder().maxAttempts(GatewayLimits.DEFAULT_MAX_ATTEMPTS)
        .maxEventBytes(GatewayLimits.DEFAULT_MAX_EVENT_BYTES).build())
        .isEqualTo(GatewayLimits.defaults());
  }

  @Test
  void clientLimitsAllowListsAndForwardedHeadersAreRead() {
    GatewayConfig c = GatewayConfig.parse("""
        server:
          allowed-hosts: ["gateway.internal"]
          allowed-origins: ["http://localhost:3000"]
        limits:
          request-head-timeout: 5s
          body-timeout: 7s
          keep-alive-timeout: 9s
          websocket-idle-timeout: 2m
          max-connections: 500
          max-connections-per-client: 20
        routes:
          - model: "*"
            targets:
              - kind: openai-chat
                base-url: https://api.openai.com/v1
                api-keys: ["sk-test"]
                forward-headers: ["OpenAI-Organization"]
        """, Map.of());
    GatewayLimits l = c.limits();
    assertThat(l.requestHeadTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(l.bodyTimeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(l.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(l.webSocketIdleTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(l.maxConnections()).isEqualTo(500);
    assertThat(l.maxConnectionsPerClient()).isEqualTo(20);
    assertThat(c.allowedHosts()).containsExactly("gateway.internal");
    assertThat(c.allowedOrigins()).containsExactly("http://localhost:3000");
    assertThat(c.routes().get(0).targets().get(0).forwardHeaders())
        .containsExactly("OpenAI-Organization");
  }

  @Test
  void aZeroConnectionLimitNamesItsSetting() {
    assertThatThrownBy(() -> GatewayLimits.builder().maxConnectionsPerClient(0).build())
        .hasMessageContaining("limits.max-connections-per-client");
  }
}
