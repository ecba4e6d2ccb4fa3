package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official SDKs as the gateway's clients, against the simulated provider: pass-through for
 * every front door, and translation both ways (Anthropic client to a Chat upstream, OpenAI client
 * to an Anthropic upstream), streaming and not, text and tool calls.
 */
class SdkThroughGatewayTest {
  private static MockProvider mock;
  private static Gateway gateway;

  @BeforeAll
  static void start() {
    mock = MockProvider.start(MockOptions.defaults());
    gateway = Gateway.start(GatewayConfig.of(List.of(
        new Route("claude-via-chat", List.of(Target.of(UpstreamKind.OPENAI_CHAT, mock.baseUrl()))),
        new Route("gpt-via-anthropic", List.of(Target.of(UpstreamKind.ANTHROPIC, mock.baseUrl()))),
        new Route("via-responses", List.of(Target.of(UpstreamKind.OPENAI_RESPONSES,
            mock.baseUrl()))),
        new Route("via-chat", List.of(Target.of(UpstreamKind.OPENAI_CHAT, mock.baseUrl()))),
        new Route("*", List.of(Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl()))))),
        line -> { });
  }

  @AfterAll
  static void stop() {
    gateway.close();
    mock.close();
  }

  private static OpenAIClient openAi(String behaviour) {
    return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
        .apiKey("unused").maxRetries(0).putHeader("x-sluice-mock", behaviour).build();
  }

  private static AnthropicClient anthropic(String behaviour) {
    return AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port())
        .apiKey("unused").maxRetries(0).putHeader("x-sluice-mock", behaviour).build();
  }

  private static ChatCompletionCreateParams.Builder chat(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello there");
  }

  private static ChatCompletionFunctionTool weatherTool() {
    return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
        .name("get_weather").parameters(FunctionParameters.builder()
            .putAdditionalProperty("type", JsonValue.from("object"))
            .putAdditionalProperty("properties",
                JsonValue.from(Map.of("city", Map.of("type", "string"))))
            .putAdditionalProperty("required", JsonValue.from(List.of("city")))
            .build()).build()).build();
  }

  private static MessageCreateParams.Builder messages(String model) {
    return MessageCreateParams.builder().model(model).maxTokens(1000).addUserMessage("Hello there");
  }

  private static Tool anthropicWeatherTool() {
    return Tool.builder().name("get_weather").inputSchema(Tool.InputSchema.builder()
        .properties(com.anthropic.core.JsonValue.from(Map.of("city", Map.of("type", "string"))))
        .required(List.of("city")).build()).build();
  }

  private static ChatCompletion streamChat(OpenAIClient client, ChatCompletionCreateParams p) {
    ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
    try (com.openai.core.http.StreamResponse<ChatCompletionChunk> s =
        client.chat().completions().createStreaming(p)) {
      s.stream().forEach(acc::accumulate);
    }
    return acc.chatCompletion();
  }

  private static Message streamMessages(AnthropicClient client, MessageCreateParams p) {
    com.anthropic.helpers.MessageAccumulator acc = com.anthropic.helpers.MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(p)) {
      s.stream().forEach(acc::accumulate);
    }
    return acc.message();
  }

  private static String text(Message m) {
    StringBuilder sb = new StringBuilder();
    m.content().forEach(b -> b.text().ifPresent(t -> sb.append(t.text())));
    return sb.toString();
  }

  @Test
  void openAiSdkStreamsChatThroughWithUsage() {
    ChatCompletion c = streamChat(openAi("tokens=8"), chat("gpt-x")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
    assertThat(c.choices().get(0).message().content().orElseThrow().split(" ")).hasSize(8);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
  }

  @Test
  void openAiSdkGetsNoUsageChunkItDidNotAskFor() {
    ChatCompletion c = streamChat(openAi("tokens=4"), chat("gpt-x").build());
    assertThat(c.choices().get(0).message().content().orElseThrow().split(" ")).hasSize(4);
    assertThat(c.usage()).isEmpty();
  }

  @Test
  void openAiSdkStreamsAToolCall() {
    ChatCompletion c = streamChat(openAi("tokens=0, tools=1"),
        chat("gpt-x").addTool(weatherTool()).build());
    ChatCompletionMessageToolCall call =
        c.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.function().orElseThrow().function().name()).isEqualTo("get_weather");
    assertThat(call.function().orElseThrow().function().arguments()).contains("\"city\"");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
  }

  @Test
  void openAiSdkNonStreaming() {
    ChatCompletion c = openAi("tokens=5").chat().completions().create(chat("gpt-x").build());
    assertThat(c.choices().get(0).message().content().orElseThrow().split(" ")).hasSize(5);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
  }

  @Test
  void openAiSdkStreamsResponses() {
    ResponseAccumulator acc = ResponseAccumulator.create();
    try (com.openai.core.http.StreamResponse<ResponseStreamEvent> s = openAi("tokens=6")
        .responses().createStreaming(ResponseCreateParams.builder().model("gpt-x")
            .input("Hello there").build())) {
      s.stream().forEach(acc::accumulate);
    }
    Response r = acc.response();
    assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(6);
  }

  @Test
  void anthropicSdkStreamsMessagesThrough() {
    Message m = streamMessages(anthropic("tokens=5, reasoning=2"), messages("claude-x").build());
    assertThat(text(m).split(" ")).hasSize(5);
    assertThat(m.content().get(0).isThinking()).isTrue();
    assertThat(m.usage().outputTokens()).isEqualTo(7);
  }

  @Test
  void anthropicSdkStreamsAToolCall() {
    Message m = streamMessages(anthropic("tokens=0, tools=1"),
        messages("claude-x").addTool(anthropicWeatherTool()).build());
    assertThat(m.content().get(0).toolUse().orElseThrow().name()).isEqualTo("get_weather");
  }

  @Test
  void anthropicSdkNonStreaming() {
    Message m = anthropic("tokens=3").messages().create(messages("claude-x").build());
    assertThat(text(m).split(" ")).hasSize(3);
  }

  @Test
  void anthropicSdkStreamsFromAChatUpstreamTranslated() {
    Message m = streamMessages(anthropic("tokens=5"), messages("claude-via-chat").build());
    assertThat(text(m).split(" ")).hasSize(5);
    assertThat(m.usage().outputTokens()).isEqualTo(5);
  }

  @Test
  void anthropicSdkGetsAToolCallFromAChatUpstreamTranslated() {
    Message m = streamMessages(anthropic("tokens=0, tools=1"),
        messages("claude-via-chat").addTool(anthropicWeatherTool()).build());
    var use = m.content().get(0).toolUse().orElseThrow();
    assertThat(use.name()).isEqualTo("get_weather");
    assertThat(use._input().toString()).contains("city");
  }

  @Test
  void anthropicSdkNonStreamingFromAChatUpstreamTranslated() {
    Message m = anthropic("tokens=3").messages().create(messages("claude-via-chat").build());
    assertThat(text(m).split(" ")).hasSize(3);
  }

  @Test
  void openAiSdkStreamsFromAnAnthropicUpstreamTranslated() {
    ChatCompletion c = streamChat(openAi("tokens=6"), chat("gpt-via-anthropic")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
    assertThat(c.choices().get(0).message().content().orElseThrow().split(" ")).hasSize(6);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(6);
  }

  @Test
  void openAiSdkGetsAToolCallFromAnAnthropicUpstreamTranslated() {
    ChatCompletion c = streamChat(openAi("tokens=0, tools=1"),
        chat("gpt-via-anthropic").addTool(weatherTool()).build());
    var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.function().orElseThrow().function().name()).isEqualTo("get_weather");
    assertThat(call.function().orElseThrow().function().arguments()).contains("\"city\"");
  }

  @Test
  void openAiSdkNonStreamingFromAnAnthropicUpstreamTranslated() {
    ChatCompletion c = openAi("tokens=4").chat().completions()
        .create(chat("gpt-via-anthropic").build());
    assertThat(c.choices().get(0).message().content().orElseThrow().split(" ")).hasSize(4);
  }

  private static Response streamResponses(OpenAIClient client, ResponseCreateParams params) {
    ResponseAccumulator acc = ResponseAccumulator.create();
    try (com.openai.core.http.StreamResponse<ResponseStreamEvent> s =
        client.responses().createStreaming(params)) {
      s.stream().forEach(acc::accumulate);
    }
    return acc.response();
  }

  private static String text(Response r) {
    StringBuilder sb = new StringBuilder();
    r.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(
        c -> c.outputText().ifPresent(t -> sb.append(t.text())))));
    return sb.toString();
  }

  @Test
  void chatClientStreamsFromAResponsesUpstreamTranslated() {
    ChatCompletion c = streamChat(openAi("tokens=6, reasoning=2"), chat("via-responses")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());
    assertThat(c.choices().get(0).message().content().orElseThrow().split(" ")).hasSize(6);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
  }

  @Test
  void chatClientGetsAToolCallFromAResponsesUpstreamTranslated() {
    ChatCompletion c = streamChat(openAi("tokens=0, tools=1"),
        chat("via-responses").addTool(weatherTool()).build());
    var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0);
    assertThat(call.function().orElseThrow().function().name()).isEqualTo("get_weather");
  }

  @Test
  void responsesClientStreamsFromAChatUpstreamTranslated() {
    Response r = streamResponses(openAi("tokens=5"), ResponseCreateParams.builder()
        .model("via-chat").input("Hello there").build());
    assertThat(text(r).split(" ")).hasSize(5);
    assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(5);
  }

  @Test
  void responsesClientNonStreamingFromAnAnthropicUpstreamTranslated() {
    Response r = openAi("tokens=4").responses().create(ResponseCreateParams.builder()
        .model("gpt-via-anthropic").input("Hello there").build());
    assertThat(text(r).split(" ")).hasSize(4);
  }

  @Test
  void anthropicSdkGetsThinkingFromAChatUpstreamsReasoningTranslated() {
    Message m = streamMessages(anthropic("tokens=3, reasoning=2"),
        messages("claude-via-chat").build());
    assertThat(m.content().get(0).isThinking()).isTrue();
    assertThat(m.content().get(0).thinking().orElseThrow().thinking()).isNotEmpty();
    assertThat(text(m).split(" ")).hasSize(3);
  }
}
