package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every failure path: before the first byte (retry, failover, error mapping) and after it. */
class FailuresTest {
  static final String CHAT_STREAM = """
      {"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
  static final String MESSAGES_STREAM = """
      {"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";
  static final String RESPONSES_STREAM = """
      {"model":"m","stream":true,"input":"hi"}""";

  @Test
  void aKeyThatGot429CoolsDownAndTheNextKeyServes() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      if (call.headers.get("authorization").equals("Bearer k1")) {
        call.request.response().putHeader("Retry-After", "30");
        call.answer(429, "application/json", "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}");
      } else {
        call.startStream();
        call.write(PassThroughTest.CHAT);
        call.end();
      }
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl(),
            "k1", "k2")) {
      assertThat(gw.send(gw.post("/v1/chat/completions", CHAT_STREAM).build()).statusCode())
          .isEqualTo(200);
      assertThat(gw.send(gw.post("/v1/chat/completions", CHAT_STREAM).build()).statusCode())
          .isEqualTo(200);
      assertThat(up.calls).extracting(c -> c.headers.get("authorization"))
          .containsExactly("Bearer k1", "Bearer k2", "Bearer k2");
    }
  }

  @Test
  void aRetryableFailureMovesToTheNextTarget() throws Exception {
    try (LoopbackUpstream broken = new LoopbackUpstream(
            call -> call.answer(503, "application/json", "{\"error\":{\"message\":\"down\"}}"));
        LoopbackUpstream good = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.OPENAI_CHAT, broken.baseUrl()),
            Target.of(UpstreamKind.OPENAI_CHAT, good.baseUrl()))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT_STREAM).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(PassThroughTest.CHAT.replace(
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
              + "\"model\":\"gpt-x\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
              + "\"completion_tokens\":1,\"total_tokens\":6}}\n\n", ""));
      assertThat(broken.calls).hasSize(1);
    }
  }

  @Test
  void aNonRetryableUpstreamErrorToAStreamingRequestIsAJsonErrorWithItsStatus() throws Exception {
    String error = "{\"error\":{\"message\":\"bad param\",\"type\":\"invalid_request_error\"}}";
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(400, "application/json", error));
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT_STREAM).build());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(r.body()).isEqualTo(error);
      assertThat(up.calls).hasSize(1);
    }
  }

  @Test
  void anUpstreamErrorIsTranslatedToTheClientsFormat() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.answer(400, "application/json",
            "{\"error\":{\"message\":\"bad param\",\"type\":\"invalid_request_error\"}}"));
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", MESSAGES_STREAM).build());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("\"type\":\"error\"", "bad param");
    }
  }

  @Test
  void anUnknownModelIs404InTheClientsFormat() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("gpt-*",
        List.of(Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:9/v1"))))))) {
      HttpResponse<String> chat = gw.send(gw.post("/v1/chat/completions", CHAT_STREAM).build());
      HttpResponse<String> msg = gw.send(gw.post("/v1/messages", MESSAGES_STREAM).build());
      assertThat(chat.statusCode()).isEqualTo(404);
      assertThat(chat.body()).contains("\"error\"", "model 'm' is not routed");
      assertThat(msg.statusCode()).isEqualTo(404);
      assertThat(msg.body()).contains("\"type\":\"error\"", "not_found_error");
    }
  }

  @Test
  void malformedJsonIs400() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
        List.of(Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:9/v1"))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", "{\"model\":").build());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("not valid JSON");
    }
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    GatewayConfig config = GatewayConfig.of(List.of(new Route("*",
        List.of(Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:9/v1")))))
        .withLimits(GatewayLimits.defaults().withMaxBodyBytes(100));
    try (GatewayHarness gw = new GatewayHarness(config)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(200)
              + "\"}]}").build());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.body()).contains("limits.max-body-bytes");
    }
  }

  @Test
  void aRequestHeadOverTheLimitIsRefused() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
        List.of(Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:9/v1"))))))) {
      try (RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions",
          CHAT_STREAM, "x-big: " + "y".repeat(20_000))) {
        assertThat(client.readUntil("\r\n")).startsWith("HTTP/1.1 431");
      }
    }
  }

  private static String midStreamDrop(String path, String body) throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.SAME_AS_CLIENT,
            mock.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post(path, body)
          .header("x-sluice-mock", "tokens=10, fault=drop-after:4").build());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    }
  }

  @Test
  void aChatStreamCutMidwayEndsWithAnErrorChunkAndDone() throws Exception {
    String body = midStreamDrop("/v1/chat/completions", CHAT_STREAM);
    assertThat(body).contains("\"finish_reason\":\"error\"").endsWith("data: [DONE]\n\n");
  }

  @Test
  void anAnthropicStreamCutMidwayEndsWithAnErrorEvent() throws Exception {
    String body = midStreamDrop("/v1/messages", MESSAGES_STREAM);
    assertThat(body).endsWith("\n\n").contains("event: error\ndata: {\"type\":\"error\"");
    assertThat(body.substring(body.lastIndexOf("event: "))).startsWith("event: error");
  }

  @Test
  void aResponsesStreamCutMidwayEndsWithResponseFailed() throws Exception {
    String body = midStreamDrop("/v1/responses", RESPONSES_STREAM);
    assertThat(body.substring(body.lastIndexOf("event: "))).startsWith("event: response.failed");
  }

  @Test
  void aTranslatedStreamCutMidwayEndsWithTheClientsError() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.ANTHROPIC, mock.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT_STREAM)
          .header("x-sluice-mock", "tokens=10, fault=drop-after:5").build());
      assertThat(r.body()).contains("\"finish_reason\":\"error\"").endsWith("data: [DONE]\n\n");
    }
  }
}
