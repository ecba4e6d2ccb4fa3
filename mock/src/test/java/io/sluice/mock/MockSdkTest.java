package io.sluice.mock;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official SDKs as clients: proof that the encoders satisfy real parsers. */
class MockSdkTest {
  private static MockProvider mock;

  @BeforeAll
  static void start() {
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterAll
  static void stop() {
    mock.close();
  }

  private static OpenAIClient openAi(String behaviour) {
    return OpenAIOkHttpClient.builder().baseUrl(mock.baseUrl()).apiKey("test")
        .putHeader(MockProvider.HEADER, behaviour).build();
  }

  private static AnthropicClient anthropic(String behaviour) {
    return AnthropicOkHttpClient.builder().baseUrl(mock.origin()).apiKey("test")
        .putHeader(MockProvider.HEADER, behaviour).build();
  }

  @Test
  void openAiSdkStreamsChatCompletions() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
        .model("mock-1").addUserMessage("Hello there")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
        .build();
    ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
    try (StreamResponseChat stream = new StreamResponseChat(
        openAi("tokens=8").chat().completions().createStreaming(params))) {
      stream.response().stream().forEach(accumulator::accumulate);
    }
    ChatCompletion completion = accumulator.chatCompletion();

    assertThat(completion.choices().get(0).message().content().orElseThrow().split(" "))
        .hasSize(8);
    assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(8);
  }

  @Test
  void openAiSdkStreamsResponses() {
    ResponseCreateParams params = ResponseCreateParams.builder()
        .model("mock-1").input("Hello there").build();
    ResponseAccumulator accumulator = ResponseAccumulator.create();
    try (com.openai.core.http.StreamResponse<ResponseStreamEvent> stream =
        openAi("tokens=6, reasoning=3").responses().createStreaming(params)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    Response response = accumulator.response();

    StringBuilder text = new StringBuilder();
    response.output().forEach(item -> item.message().ifPresent(m -> m.content().forEach(
        c -> c.outputText().ifPresent(t -> text.append(t.text())))));
    assertThat(text.toString().split(" ")).hasSize(6);
    assertThat(response.usage().orElseThrow().outputTokens()).isEqualTo(9);
  }

  @Test
  void anthropicSdkStreamsMessages() {
    MessageCreateParams params = MessageCreateParams.builder()
        .model("mock-1").maxTokens(1000).addUserMessage("Hello there").build();
    com.anthropic.helpers.MessageAccumulator accumulator =
        com.anthropic.helpers.MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> stream =
        anthropic("tokens=5, reasoning=2").messages().createStreaming(params)) {
      stream.stream().forEach(accumulator::accumulate);
    }
    com.anthropic.models.messages.Message message = accumulator.message();

    StringBuilder text = new StringBuilder();
    message.content().forEach(block -> block.text().ifPresent(t -> text.append(t.text())));
    assertThat(text.toString().split(" ")).hasSize(5);
    assertThat(message.content().get(0).isThinking()).isTrue();
    assertThat(message.usage().outputTokens()).isEqualTo(7);
  }

  @Test
  void openAiSdkRetriesAfterTheRetryAfterOfAStatusFault() {
    ChatCompletion completion = openAi("fault=status:429;retry-after=1;times=1, id=sdk-retry")
        .chat().completions().create(ChatCompletionCreateParams.builder()
            .model("mock-1").addUserMessage("Hello there").build());

    assertThat(completion.choices().get(0).message().content()).isPresent();
  }

  /** Closes the SDK's stream: a small adapter so try-with-resources reads plainly. */
  private record StreamResponseChat(
      com.openai.core.http.StreamResponse<ChatCompletionChunk> response)
      implements AutoCloseable {
    @Override
    public void close() {
      response.close();
    }
  }
}
