package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class PassThroughTest {

  static final String CHAT = """
      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

      data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}

      data: [DONE]

      """;

  static final String CHAT_REQUEST = """
      {"model":"gpt-x","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true},"x_unknown":{"a":[1,2.50]}}""";

  @Test
  void chatStreamGoesThroughByteForByte() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(CHAT);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT_REQUEST).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(
          v -> assertThat(v).startsWith("text/event-stream"));
      assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
      assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
      assertThat(r.body()).isEqualTo(CHAT);
    }
  }

  @Test
  void requestBodyIsForwardedUnchangedWhenNothingIsRewritten() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(CHAT);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      gw.send(gw.post("/v1/chat/completions", CHAT_REQUEST).build());
      assertThat(up.calls.get(0).body).isEqualTo(CHAT_REQUEST);
      assertThat(up.calls.get(0).path).isEqualTo("/v1/chat/completions");
    }
  }

  @Test
  void usageChunkIsAskedForAndStrippedWhenTheClientDidNotAsk() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(CHAT);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      String request = """
          {"model":"gpt-x","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", request).build());
      assertThat(up.calls.get(0).body).contains("\"stream_options\":{\"include_usage\":true}");
      assertThat(r.body()).doesNotContain("\"usage\"").contains("Hello").endsWith("data: [DONE]\n\n");
    }
  }

  @Test
  void aStrippedStreamKeepsEveryOtherEventAsItCame() throws Exception {
    String named = """
        event: delta
        data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x",
        data: "choices":[{"index":0,"delta":{"content":" there"},"finish_reason":null}]}

        """;
    String usage = CHAT.substring(CHAT.indexOf("data: {\"id\":\"chatcmpl-1\"", CHAT.indexOf("\"stop\"")),
        CHAT.indexOf("data: [DONE]"));
    String upstream = CHAT.replace("data: [DONE]", named + "data: [DONE]");
    try (LoopbackUpstream up = LoopbackUpstream.streaming(upstream);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      String request = """
          {"model":"gpt-x","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", request).build());
      assertThat(usage).contains("\"choices\":[],\"usage\"");
      assertThat(r.body()).isEqualTo(upstream.replace(usage, ""));
    }
  }

  @Test
  void writesOneLogLinePerRequestWithTheUsage() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(CHAT);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl(),
            "sk-upstream-secret")) {
      gw.send(gw.post("/v1/chat/completions", CHAT_REQUEST).build());
      Awaits.until(() -> !gw.log.isEmpty());
      assertThat(gw.log).hasSize(1);
      assertThat(gw.log.get(0)).contains("/v1/chat/completions", " 200 ", "in=5", "out=1",
          "finish=stop").doesNotContain("sk-upstream-secret");
      assertThat(up.calls.get(0).headers.get("authorization")).isEqualTo("Bearer sk-upstream-secret");
    }
  }
}
