package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import org.junit.jupiter.api.Test;

/** Options a provider's format cannot carry are refused before anything is sent. */
class RequestFitTest {
  private static final String JSON_FORMAT = "{\"type\":\"json_object\"}";

  private static ChatRequest.Builder hello() {
    return ChatRequest.builder("m").user("Say hello");
  }

  private static GenerationOptions.Builder options() {
    return GenerationOptions.builder();
  }

  /** Streams {@code request} to a loopback server of {@code kind}; returns what it refused. */
  private static void assertRefused(ProviderKind kind, ChatRequest request, String... words)
      throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.client(kind, server.baseUrl()).build()) {
      assertThatThrownBy(() -> client.stream(request))
          .isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains(kind.id()).contains(words);
          });
      assertThatThrownBy(() -> client.complete(request.withStream(false)))
          .isInstanceOf(ClientException.class);
      assertThat(server.requests()).isZero();
    }
  }

  @Test
  void aResponseFormatIsRefusedForAnthropic() throws Exception {
    assertRefused(ProviderKind.ANTHROPIC,
        hello().options(options().responseFormat(JSON_FORMAT).build()).build(), "responseFormat");
  }

  @Test
  void aSeedIsRefusedForAnthropic() throws Exception {
    assertRefused(ProviderKind.ANTHROPIC, hello().options(options().seed(7).build()).build(),
        "seed");
  }

  @Test
  void thinkingInExtraAndAReasoningEffortAreRefusedTogetherForAnthropic() throws Exception {
    assertRefused(ProviderKind.ANTHROPIC, hello().options(options().reasoningEffort("low").build())
        .extra("thinking", "{\"type\":\"enabled\",\"budget_tokens\":2000}").build(),
        "'thinking'", "reasoningEffort");
  }

  @Test
  void aReasoningSummaryIsRefusedForChatCompletions() throws Exception {
    assertRefused(ProviderKind.OPENAI_CHAT,
        hello().options(options().reasoningSummary("auto").build()).build(), "reasoningSummary");
  }

  @Test
  void stopSequencesAreRefusedForResponses() throws Exception {
    assertRefused(ProviderKind.OPENAI_RESPONSES,
        hello().options(options().stop(java.util.List.of("END")).build()).build(), "stop");
  }

  @Test
  void anExtraFieldThatCollidesWithAWrittenOneIsRefused() throws Exception {
    assertRefused(ProviderKind.OPENAI_CHAT, hello().options(options().temperature(0.2).build())
        .extra("temperature", "0.9").build(), "extra 'temperature'");
  }

  @Test
  void anExtraStreamFieldIsRefused() throws Exception {
    assertRefused(ProviderKind.OPENAI_COMPATIBLE, hello().extra("stream", "false").build(),
        "extra 'stream'");
  }

  @Test
  void streamOptionsInExtraAreRefusedForMistral() throws Exception {
    assertRefused(ProviderKind.MISTRAL,
        hello().extra("stream_options", "{\"include_usage\":true}").build(), "stream_options");
  }

  @Test
  void everyProblemIsNamedAtOnce() throws Exception {
    assertRefused(ProviderKind.ANTHROPIC, hello().options(options().responseFormat(JSON_FORMAT)
        .seed(1).build()).build(), "responseFormat", "seed");
  }

  @Test
  void anExtraFieldTheFormatDoesNotModelGoesThrough() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).build()) {
      client.complete(hello().options(options().responseFormat(JSON_FORMAT).build())
          .extra("user", "\"u-1\"").build());
      assertThat(server.received.get(0).body()).contains("\"user\":\"u-1\"")
          .contains("\"response_format\":" + JSON_FORMAT);
    }
  }
}
