package io.sluice.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.sluice.client.ApiException;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.core.RetryPolicy;
import io.sluice.client.SluiceClient;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SluiceChatModelTest {

  private MockProvider mock;
  private SluiceClient client;

  @BeforeEach
  void startMock() {
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    mock.close();
  }

  private SluiceChatModel model(ProviderKind kind, String behaviour) {
    String base = kind == ProviderKind.ANTHROPIC ? mock.origin() : mock.baseUrl();
    client = SluiceClient.builder(ProviderSettings.builder(kind).baseUrl(base).apiKey("k")
        .header(MockProvider.HEADER, behaviour).build()).retryPolicy(RetryPolicy.none()).build();
    return SluiceChatModel.builder(client).defaultModel("m").build();
  }

  @Test
  void aBlockingChatReturnsTheWholeAnswer() {
    ChatResponse response = model(ProviderKind.ANTHROPIC, "tokens=7")
        .chat(ChatRequest.builder().messages(UserMessage.from("Hello")).build());
    assertThat(response.aiMessage().text().split(" ")).hasSize(7);
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.metadata().modelName()).isEqualTo("m");
  }

  @Test
  void theRequestsModelNameWinsOverTheDefault() {
    ChatResponse response = model(ProviderKind.OPENAI_CHAT, "tokens=2").chat(ChatRequest.builder()
        .messages(UserMessage.from("Hello")).modelName("other-model").build());
    assertThat(response.metadata().modelName()).isEqualTo("other-model");
  }

  @Test
  void aTruncatedAnswerThrowsInsteadOfReturningHalf() {
    SluiceChatModel model = model(ProviderKind.OPENAI_CHAT, "tokens=40, fault=drop-after:3");
    assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(LangChain4jException.class)
        .hasMessageStartingWith("the stream failed (transport_error)");
  }

  @Test
  void aRateLimitBecomesLangChain4jsRateLimitException() {
    SluiceChatModel model = model(ProviderKind.OPENAI_CHAT, "fault=status:429");
    assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(RateLimitException.class)
        .hasCauseInstanceOf(ApiException.class);
  }

  @Test
  void aRefusedRequestBecomesAnInvalidRequestException() {
    // The mock refuses a tool call for a request that declares no tool.
    SluiceChatModel model = model(ProviderKind.OPENAI_CHAT, "tools=1");
    assertThatThrownBy(() -> model.chat("Hello")).isInstanceOf(InvalidRequestException.class);
  }
}
