package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Limits set in sluice.yaml take effect on what the gateway reads from an upstream. */
class ConfiguredLimitsTest {
  static final String REQUEST = """
      {"model":"gpt-x","stream":true,"messages":[{"role":"user","content":"hi"}]}""";

  /** A Chat stream whose second event carries {@code size} characters of text. */
  static String streamWithAnEventOf(int size) {
    return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(size) + "\"},"
        + "\"finish_reason\":null}]}\n\n"
        + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
        + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
        + "data: [DONE]\n\n";
  }

  static GatewayHarness gateway(String limitsYaml, String kind, String baseUrl) {
    String yaml = "limits:\n" + limitsYaml + "routes:\n  - model: \"*\"\n    targets:\n"
        + "      - kind: " + kind + "\n        base-url: " + baseUrl + "\n";
    return new GatewayHarness(GatewayConfig.parse(yaml, Map.of()));
  }

  @Test
  void anEventOverTheConfiguredSizeEndsTheStreamNamingTheSetting() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(streamWithAnEventOf(4096));
        // Responses client, Chat upstream: translated, so the client gets the error event
        GatewayHarness gw = gateway("  max-event-bytes: 1024\n", "openai-chat", up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/responses", REQUEST).build());
      assertThat(r.body()).contains("response.failed").contains("limits.max-event-bytes")
          .doesNotContain("StreamLimits").doesNotContain("x".repeat(4096));
      Awaits.until(() -> !gw.log.isEmpty()); // written by the usage-log thread
      assertThat(gw.log).anySatisfy(line -> assertThat(line).contains("limit_exceeded"));
    }
  }

  @Test
  void theSameEventPassesUnderTheDefaultLimit() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(streamWithAnEventOf(4096));
        GatewayHarness gw = gateway("  heartbeat: 5s\n", "openai-chat", up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/responses", REQUEST).build());
      assertThat(r.body()).contains("response.completed").contains("x".repeat(4096))
          .doesNotContain("response.failed");
    }
  }

  @Test
  void anUpstreamErrorBodyIsCutAtTheConfiguredSize() throws Exception {
    String error = "{\"error\":{\"message\":\"" + "y".repeat(500)
        + "\",\"type\":\"invalid_request_error\"}}";
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(400, "application/json", error));
        GatewayHarness gw = gateway("  max-error-body-bytes: 64\n", "openai-chat",
            up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", REQUEST).build());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).isEqualTo(error.substring(0, 64));
      assertThat(up.calls).hasSize(1);
    }
  }

  @Test
  void anUpstreamErrorBodyUnderTheLimitPassesWhole() throws Exception {
    String error = "{\"error\":{\"message\":\"" + "y".repeat(500)
        + "\",\"type\":\"invalid_request_error\"}}";
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(400, "application/json", error));
        GatewayHarness gw = gateway("  max-error-body-bytes: 1024\n", "openai-chat",
            up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", REQUEST).build());
      assertThat(r.body()).isEqualTo(error);
    }
  }
}
