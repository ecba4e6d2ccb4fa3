package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Configuration that must be refused (docs/reliability.md, "Configuration"): each is one
 * {@link GatewayException} of one line that names the setting and where it is.
 */
class StrictConfigTest {
  static final String ROUTE = ConfigTest.ROUTE;
  static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static String refusal(String yaml) {
    return refusal(yaml, Map.of());
  }

  private static String refusal(String yaml, Map<String, String> env) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(
        () -> GatewayConfig.parse(yaml, env));
    assertThat(t).isInstanceOf(GatewayException.class);
    assertThat(t.getMessage()).doesNotContain("\n");
    return t.getMessage();
  }

  private static String target(String settings) {
    return "routes:\n  - model: m\n    targets:\n      - " + settings.replace("\n", "\n        ")
        + "\n";
  }

  // ---- unknown keys ----

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> typos() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of(
            "access_keys:\n  - id: a\n    sha256: " + SHA + "\n",
            "'access_keys' at the top level", "did you mean 'access-keys'"),
        org.junit.jupiter.params.provider.Arguments.of("acces-keys: []\n",
            "'acces-keys' at the top level", "did you mean 'access-keys'"),
        org.junit.jupiter.params.provider.Arguments.of("limits:\n  idle-timout: 5s\n",
            "'idle-timout' in limits", "did you mean 'idle-timeout'"),
        org.junit.jupiter.params.provider.Arguments.of("server:\n  hots: 127.0.0.1\n",
            "'hots' in server", "did you mean 'host'"));
  }

  @ParameterizedTest(name = "{1}")
  @org.junit.jupiter.params.provider.MethodSource("typos")
  void anUnknownKeyIsRefusedNamingItWhereItIsAndTheNearestKnownOne(String yaml, String where,
      String hint) {
    assertThat(refusal(yaml + ROUTE)).contains("unknown key " + where).contains(hint);
  }

  @Test
  void anUnknownKeyInATargetNamesTheTarget() {
    assertThat(refusal(target("kind: anthropic\nbase-url: https://h.example/v1\napi-key: x")))
        .contains("unknown key 'api-key' in routes[0].targets[0]")
        .contains("did you mean 'api-keys'");
  }

  @Test
  void aKeyFarFromAnyKnownOneListsTheKnownKeys() {
    assertThat(refusal("usage-log:\n  zzzzzzzzzz: 1\n" + ROUTE))
        .contains("known keys there: include-content, path");
  }

  // ---- values ----

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'http://has space/v1'|routes[0].targets[0]|base-url",
      "'http:///v1'|routes[0].targets[0]|has no host",
      "'http://h.example:99999/v1'|routes[0].targets[0]|base-url",
      "'ftp://h.example/v1'|routes[0].targets[0]|http:// or https://",
  })
  void anInvalidBaseUrlIsRefused(String url, String where, String what) {
    assertThat(refusal(target("base-url: \"" + url + "\""))).contains(where).contains(what);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({"websocket, yes", "http2, 1", "websocket, treu"})
  void aFlagThatIsNotABooleanIsRefused(String flag, String value) {
    assertThat(refusal(target("kind: openai-responses\nbase-url: http://h.example/v1\n" + flag
        + ": " + value))).contains("routes[0].targets[0]." + flag + " must be true or false");
  }

  @Test
  void aModelThatIsAListIsRefused() {
    assertThat(refusal("routes:\n  - model: [a, b]\n    targets: [{base-url: http://h/v1}]\n"))
        .contains("routes[0].model must be a single value, was a list");
  }

  @Test
  void aRouteDeclaredTwiceIsRefused() {
    assertThat(refusal("""
        routes:
          - model: m
            targets: [{base-url: "http://a/v1"}]
          - model: m
            targets: [{base-url: "http://b/v1"}]
        """)).contains("routes[1].model").contains("'m' is declared twice");
  }

  @Test
  void anAccessKeyIdDeclaredTwiceIsRefused() {
    assertThat(refusal("access-keys:\n  - {id: a, sha256: " + SHA + "}\n  - {id: a, sha256: "
        + SHA + "}\n" + ROUTE)).contains("access-keys[1].id").contains("'a' is declared twice");
  }

  @Test
  void aDocumentWithoutRoutesIsRefused() {
    assertThat(refusal("server:\n  port: 8080\n")).contains("routes").contains("no routes");
  }

  @Test
  void aRouteWithoutTargetsIsRefusedNamingIt() {
    assertThat(refusal("routes:\n  - model: m\n    targets: []\n"))
        .contains("routes[0].targets").contains("no targets");
  }

  @Test
  void keysThatAreAllEmptyAfterSubstitutionAreRefused() {
    assertThat(refusal(target("base-url: http://h.example/v1\napi-keys: [\"${K1:-}\", \"${K2:-}\"]")))
        .contains("routes[0].targets[0].api-keys").contains("empty");
  }

  @Test
  void aProviderThatNeedsAKeyWithoutOneIsRefused() {
    assertThat(refusal(target("kind: anthropic\nbase-url: https://api.anthropic.com/v1")))
        .contains("routes[0].targets[0].api-keys is required").contains("api.anthropic.com");
  }

  @Test
  void aServerOfOurOwnNeedsNoKey() {
    assertThat(GatewayConfig.parse(target("base-url: http://vllm.internal:8000/v1"), Map.of())
        .routes().get(0).targets().get(0).apiKeys()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "heartbeat: 0|limits.heartbeat must be positive",
      "queue-size: -1|limits.queue-size must not be negative",
      "max-attempts: many|limits.max-attempts must be an integer",
  })
  void aBadLimitIsOneLineNamingIt(String setting, String message) {
    assertThat(refusal("limits:\n  " + setting + "\n" + ROUTE)).contains(message);
  }

  // ---- credentials in a base URL ----

  @Test
  void aUserAndPasswordInABaseUrlNeverShowInTheTargetOrItsErrors() {
    GatewayConfig c = GatewayConfig.parse(
        target("base-url: https://user:s3cret@proxy.example/v1?key=k3y"), Map.of());
    GatewayConfig.Target t = c.routes().get(0).targets().get(0);
    assertThat(t.safeBaseUrl()).isEqualTo("https://proxy.example/v1");
    assertThat(t.toString()).doesNotContain("s3cret", "k3y", "user");
    assertThat(refusal(target("base-url: \"https://user:s3cret@proxy.example:99999/v1\"")))
        .doesNotContain("s3cret");
  }

  @Test
  void aUserAndPasswordInABaseUrlNeverReachTheUsageFileOrTheLog(@TempDir Path dir)
      throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(
            HostileUpstreamTest.FIRST_CHUNK + "data: [DONE]\n\n")) {
      String url = "http://user:s3cret@127.0.0.1:" + up.port + "/v1";
      Path usage = dir.resolve("usage.jsonl");
      try (GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
          "*", List.of(GatewayConfig.Target.of(UpstreamKind.SAME_AS_CLIENT, url)))))
          .withUsageLog(usage.toString(), false))) {
        gw.send(gw.post("/v1/chat/completions", HostileUpstreamTest.CHAT).build());
        Awaits.until(() -> !gw.log.isEmpty());
        assertThat(gw.log).allSatisfy(l -> assertThat(l).doesNotContain("s3cret"));
      }
      assertThat(Files.readString(usage)).contains("127.0.0.1:" + up.port)
          .doesNotContain("s3cret").doesNotContain("user:");
    }
  }

  // ---- where it binds ----

  @Test
  void aPublicAddressWithoutAccessKeysIsRefused() {
    GatewayConfig c = GatewayConfig.parse("server:\n  host: 0.0.0.0\n  port: 0\n" + ROUTE,
        Map.of());
    assertThatThrownBy(() -> Gateway.start(c, l -> { }))
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining("server.host is 0.0.0.0")
        .hasMessageContaining("server.public-without-keys");
  }

  @Test
  void aLoopbackHostWithoutKeysStarts() {
    GatewayConfig c = GatewayConfig.parse("server:\n  host: localhost\n  port: 0\n" + ROUTE,
        Map.of());
    try (Gateway gw = Gateway.start(c, l -> { })) {
      assertThat(gw.loopbackOnly()).isTrue();
    }
  }
}
