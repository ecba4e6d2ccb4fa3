package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real provider captures from the shared corpus, replayed byte for byte by a loopback upstream in
 * small pieces: the gateway passes them on unchanged and the official SDKs assemble them.
 */
class CorpusReplayTest {
  static final String CHAT_TOOLS =
      "openai-python/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin";
  static final String ANTHROPIC_TOOLS = "anthropic-sdk-python/tool_use_response.txt";

  static String corpus(String name) throws Exception {
    String configured = System.getProperty("sluice.shared");
    Path root = configured != null ? Path.of(configured) : Path.of("../../shared");
    Path file = root.resolve("corpus").resolve(name);
    Assumptions.assumeTrue(Files.exists(file), "shared corpus absent (" + file + "): skipped");
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** Writes the capture in small pieces (7 bytes, more for long ones), so events straddle writes. */
  static LoopbackUpstream replaying(String capture) {
    int piece = Math.max(7, capture.length() / 300);
    return new LoopbackUpstream(call -> {
      call.startStream();
      for (int i = 0; i < capture.length(); i += piece) {
        call.write(capture.substring(i, Math.min(capture.length(), i + piece)));
      }
      call.end();
    });
  }

  @Test
  void aChatCaptureGoesThroughByteForByte() throws Exception {
    String capture = corpus(CHAT_TOOLS);
    try (LoopbackUpstream up = replaying(capture);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          PassThroughTest.CHAT_REQUEST).build());
      assertThat(r.body()).isEqualTo(capture);
    }
  }

  @Test
  void theOpenAiSdkAssemblesParallelToolCallsFromACapture() throws Exception {
    try (LoopbackUpstream up = replaying(corpus(CHAT_TOOLS));
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
      try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
          OpenAIOkHttpClient.builder().baseUrl(gw.url("/v1")).apiKey("x").maxRetries(0).build()
              .chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                  .model("gpt-4o").addUserMessage("weather and stock")
                  .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                  .build())) {
        s.stream().forEach(acc::accumulate);
      }
      ChatCompletion c = acc.chatCompletion();
      var calls = c.choices().get(0).message().toolCalls().orElseThrow();
      assertThat(calls).hasSize(2);
      var first = calls.get(0).function().orElseThrow();
      assertThat(first.id()).isEqualTo("call_JMW1whyEaYG438VE1OIflxA2");
      assertThat(first.function().name()).isEqualTo("GetWeatherArgs");
      assertThat(first.function().arguments())
          .isEqualTo("{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}");
      var second = calls.get(1).function().orElseThrow();
      assertThat(second.function().name()).isEqualTo("get_stock_price");
      assertThat(second.function().arguments())
          .isEqualTo("{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}");
      Awaits.until(() -> gw.log.size() == 1);
      assertThat(gw.log.get(0)).contains("finish=tool_calls");
    }
  }

  @Test
  void anAnthropicCaptureGoesThroughByteForByteAndTheSdkAssemblesIt() throws Exception {
    String capture = corpus(ANTHROPIC_TOOLS);
    try (LoopbackUpstream up = replaying(capture);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.ANTHROPIC, up.baseUrl())) {
      HttpResponse<String> raw = gw.send(gw.post("/v1/messages",
          FailuresTest.MESSAGES_STREAM).build());
      // This capture lacks the blank line after message_stop; the gateway closes the event.
      assertThat(capture).endsWith("{\"type\":\"message_stop\"}");
      assertThat(raw.body()).isEqualTo(capture + "\n\n");

      com.anthropic.helpers.MessageAccumulator acc =
          com.anthropic.helpers.MessageAccumulator.create();
      try (StreamResponse<RawMessageStreamEvent> s = AnthropicOkHttpClient.builder()
          .baseUrl(gw.url("")).apiKey("x").maxRetries(0).build().messages()
          .createStreaming(MessageCreateParams.builder().model("claude-sonnet-4")
              .maxTokens(100).addUserMessage("weather in Paris").build())) {
        s.stream().forEach(acc::accumulate);
      }
      Message m = acc.message();
      assertThat(m.content().get(0).text().orElseThrow().text())
          .startsWith("I'll check the current weather in Paris");
      var use = m.content().get(1).toolUse().orElseThrow();
      assertThat(use.name()).isEqualTo("get_weather");
      assertThat(use._input().toString()).contains("Paris");
    }
  }

  static final String RESPONSES_REASONING_TOOL =
      "vercel-ai/openai-responses/openai-reasoning-encrypted-content.1.chunks.txt";

  /** The capture's first response (its lines up to response.completed) framed as SSE. */
  static String firstResponseAsSse() throws Exception {
    StringBuilder sse = new StringBuilder();
    for (String line : corpus(RESPONSES_REASONING_TOOL).split("\n")) {
      String type = line.substring(line.indexOf("\"type\":\"") + 8);
      type = type.substring(0, type.indexOf('"'));
      sse.append("event: ").append(type).append("\ndata: ").append(line).append("\n\n");
      if (type.equals("response.completed")) {
        break;
      }
    }
    return sse.toString();
  }

  @Test
  void theOpenAiSdkAssemblesAResponsesCaptureWithReasoningAndAFunctionCall() throws Exception {
    String capture = firstResponseAsSse();
    try (LoopbackUpstream up = replaying(capture);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_RESPONSES,
            up.baseUrl())) {
      com.openai.helpers.ResponseAccumulator acc = com.openai.helpers.ResponseAccumulator.create();
      try (com.openai.core.http.StreamResponse<com.openai.models.responses.ResponseStreamEvent> s =
          OpenAIOkHttpClient.builder().baseUrl(gw.url("/v1")).apiKey("x").maxRetries(0).build()
              .responses().createStreaming(com.openai.models.responses.ResponseCreateParams
                  .builder().model("gpt-5.1-codex-max").input("12 + 7").build())) {
        s.stream().forEach(acc::accumulate);
      }
      var output = acc.response().output();
      assertThat(output).hasSize(2);
      assertThat(output.get(0).isReasoning()).isTrue();
      var call = output.get(1).functionCall().orElseThrow();
      assertThat(call.name()).isEqualTo("calculator");
      assertThat(call.arguments()).isEqualTo("{\"a\":12,\"b\":7,\"op\":\"add\"}");
    }
  }

  @Test
  void aResponsesCaptureIsTranslatedForAChatClient() throws Exception {
    try (LoopbackUpstream up = replaying(firstResponseAsSse());
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_RESPONSES,
            up.baseUrl())) {
      ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
      try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
          OpenAIOkHttpClient.builder().baseUrl(gw.url("/v1")).apiKey("x").maxRetries(0).build()
              .chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                  .model("gpt-5.1-codex-max").addUserMessage("12 + 7").build())) {
        s.stream().forEach(acc::accumulate);
      }
      var call = acc.chatCompletion().choices().get(0).message().toolCalls().orElseThrow().get(0)
          .function().orElseThrow().function();
      assertThat(call.name()).isEqualTo("calculator");
      assertThat(call.arguments()).isEqualTo("{\"a\":12,\"b\":7,\"op\":\"add\"}");
    }
  }
}
