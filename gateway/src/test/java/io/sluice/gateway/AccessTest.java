package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.AccessKey;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gateway keys: checked on every request; secrets never reach the log or the usage file. */
class AccessTest {
  static final String SECRET = "sk-gw-team-a-0123456789";
  static final String UPSTREAM_SECRET = "sk-upstream-9876543210";

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static GatewayHarness gateway(LoopbackUpstream up, Path usage) throws Exception {
    GatewayConfig base = GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
        GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), UPSTREAM_SECRET)))));
    return new GatewayHarness(base.withHost("127.0.0.1")
        .withAccessKeys(List.of(new AccessKey("team-a", sha256(SECRET), List.of("gpt-*"), 0)))
        .withUsageLog(usage.toString(), false));
  }

  private static String chat(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"the prompt text\"}]}";
  }

  @Test
  void aMissingKeyIs401() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = gateway(up, Files.createTempFile("usage", ".jsonl"))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", chat("gpt-x")).build());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("missing API key");
      assertThat(up.calls).isEmpty();
    }
  }

  @Test
  void aWrongKeyIs401InTheClientsFormat() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = gateway(up, Files.createTempFile("usage", ".jsonl"))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", chat("gpt-x"))
          .header("x-api-key", "sk-wrong").build());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("\"type\":\"error\"", "invalid API key")
          .doesNotContain("sk-wrong");
      Awaits.until(() -> gw.log.size() == 1); // a refused request is logged too, without its key
      assertThat(gw.log.get(0)).contains("/v1/messages", " 401 ", "error=invalid_key")
          .doesNotContain("sk-wrong");
    }
  }

  @Test
  void aKeyMayOnlyUseItsModels() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = gateway(up, Files.createTempFile("usage", ".jsonl"))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", chat("claude-x"))
          .header("Authorization", "Bearer " + SECRET).build());
      assertThat(r.statusCode()).isEqualTo(403);
    }
  }

  @Test
  void theRightKeyPassesAndNoSecretReachesTheUpstreamTheLogOrTheUsageFile(@TempDir Path dir)
      throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = gateway(up, usage)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", chat("gpt-x"))
          .header("Authorization", "Bearer " + SECRET).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(up.calls.get(0).headers.get("authorization"))
          .isEqualTo("Bearer " + UPSTREAM_SECRET);
      Awaits.until(() -> gw.log.size() == 1);
      Awaits.until(() -> readQuietly(usage).contains("\n"));
      String line = readQuietly(usage);
      assertThat(line).contains("\"key_id\":\"team-a\"", "\"model\":\"gpt-x\"", "\"status\":200",
          "\"tokens_in\":5", "\"tokens_out\":1", "\"finish_reason\":\"stop\"");
      for (String text : List.of(gw.log.get(0), line)) {
        assertThat(text).doesNotContain(SECRET, UPSTREAM_SECRET, "the prompt text", "Hello");
      }
    }
  }

  @Test
  void withKeysConfiguredAndNoHostItBindsEveryInterface() throws Exception {
    GatewayConfig config = GatewayConfig.of(List.of()).withAccessKeys(
        List.of(new AccessKey("k", sha256("s"), List.of(), 0)));
    try (Gateway gw = Gateway.start(config, line -> { })) {
      assertThat(gw.host()).isEqualTo("0.0.0.0");
    }
    try (Gateway gw = Gateway.start(GatewayConfig.of(List.of()), line -> { })) {
      assertThat(gw.host()).isEqualTo("127.0.0.1");
    }
  }

  private static String readQuietly(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  void theOutputTextIsNotLoggedByDefault(@TempDir Path dir) throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
            "*", List.of(GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withUsageLog(usage.toString(), false))) {
      gw.send(gw.post("/v1/chat/completions", chat("gpt-x")).build());
      Awaits.until(() -> readQuietly(usage).contains("\n"));
      assertThat(readQuietly(usage)).contains("\"tokens_out\":1").doesNotContain("\"output\"")
          .doesNotContain("Hello");
    }
  }

  @Test
  void theOutputTextIsLoggedOnlyWhenConfigured(@TempDir Path dir) throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
            "*", List.of(GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withUsageLog(usage.toString(), true))) {
      gw.send(gw.post("/v1/chat/completions", chat("gpt-x")).build());
      Awaits.until(() -> readQuietly(usage).contains("\n"));
      assertThat(readQuietly(usage)).contains("\"output\":\"Hello\"")
          .doesNotContain("the prompt text");
    }
  }
}
