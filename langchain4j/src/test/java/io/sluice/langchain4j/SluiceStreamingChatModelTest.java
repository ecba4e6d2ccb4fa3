package io.sluice.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolExecution;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LangChain4j's own AiServices drive the model against the simulated provider on loopback. */
class SluiceStreamingChatModelTest {

  interface Assistant {
    TokenStream chat(String message);
  }

  static final class WeatherTools {
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool("The current weather in a city")
    String weather(@P("the city") String city) {
      cities.add(city);
      return "sunny, 21 degrees";
    }
  }

  private final LinkedBlockingQueue<String> requestLog = new LinkedBlockingQueue<>();
  private MockProvider mock;
  private final List<SluiceClient> clients = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startMock() {
    mock = MockProvider.start(MockOptions.defaults().withRequestLog(requestLog::add));
  }

  @AfterEach
  void stop() {
    clients.forEach(SluiceClient::close);
    mock.close();
  }

  /** A model whose every request asks the mock to answer as {@code behaviour} says. */
  private SluiceStreamingChatModel model(String behaviour) {
    SluiceClient client = SluiceClient.create(ProviderSettings.builder(ProviderKind.OPENAI_CHAT)
        .baseUrl(mock.baseUrl()).apiKey("test-key").header(MockProvider.HEADER, behaviour)
        .build());
    clients.add(client);
    return SluiceStreamingChatModel.builder(client).defaultModel("gpt-4o-mini").build();
  }

  @Test
  void aiServicesStreamAToolUsingConversation() throws Exception {
    // The mock calls a tool whenever its header asks; the conversation needs a call on the first
    // turn and an answer on the second, so the turn that carries the tool's result goes to a model
    // whose header asks for text only. Both are sluice models: AiServices sees one.
    SluiceStreamingChatModel callsTool = model("tools=1, tokens=3");
    SluiceStreamingChatModel answers = model("tokens=6");
    List<ChatRequest> seen = new CopyOnWriteArrayList<>();
    StreamingChatModel conversation = new StreamingChatModel() {
      @Override
      public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        seen.add(request);
        ChatMessage last = request.messages().get(request.messages().size() - 1);
        (last instanceof ToolExecutionResultMessage ? answers : callsTool)
            .doChat(request, handler);
      }
    };
    WeatherTools tools = new WeatherTools();
    Assistant assistant = AiServices.builder(Assistant.class).streamingChatModel(conversation)
        .chatMemory(MessageWindowChatMemory.withMaxMessages(10)).tools(tools).build();

    StringBuilder partials = new StringBuilder();
    List<ToolExecution> executions = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    assistant.chat("What is the weather in Paris?")
        .onPartialResponse(partials::append)
        .onToolExecuted(executions::add)
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();

    ChatResponse response = done.get(30, TimeUnit.SECONDS);
    assertThat(tools.cities).hasSize(1);
    assertThat(executions).singleElement().satisfies(e -> {
      assertThat(e.request().name()).isEqualTo("weather");
      assertThat(e.result()).isEqualTo("sunny, 21 degrees");
    });
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).toolSpecifications()).singleElement()
        .satisfies(spec -> assertThat(spec.name()).isEqualTo("weather"));
    assertThat(response.aiMessage().text()).isNotBlank().hasSize(partials.length() - firstTurnText(seen))
        .isEqualTo(partials.substring(partials.length() - response.aiMessage().text().length()));
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.tokenUsage().outputTokenCount()).isPositive();
  }

  /** The length of the text the first turn streamed before its tool call. */
  private static int firstTurnText(List<ChatRequest> seen) {
    return seen.get(1).messages().stream()
        .filter(m -> m instanceof dev.langchain4j.data.message.AiMessage)
        .map(m -> ((dev.langchain4j.data.message.AiMessage) m).text())
        .mapToInt(t -> t == null ? 0 : t.length()).sum();
  }

  @Test
  void cancellingFromTheHandleClosesTheUpstream() throws Exception {
    // At 20 tokens a second, a million tokens take far longer than the test: the mock logs the
    // request only because its connection closed.
    SluiceStreamingChatModel model = model("tps=20, tokens=1000000");
    AtomicInteger partials = new AtomicInteger();
    CountDownLatch cancelled = new CountDownLatch(1);
    List<String> after = new CopyOnWriteArrayList<>();
    model.chat("Hello", new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(dev.langchain4j.model.chat.response.PartialResponse partial,
          dev.langchain4j.model.chat.response.PartialResponseContext context) {
        if (partials.incrementAndGet() == 2) {
          context.streamingHandle().cancel();
          assertThat(context.streamingHandle().isCancelled()).isTrue();
          cancelled.countDown();
        } else if (partials.get() > 2) {
          after.add(partial.text());
        }
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        after.add("complete");
      }

      @Override
      public void onError(Throwable error) {
        after.add("error: " + error);
      }
    });

    assertThat(cancelled.await(30, TimeUnit.SECONDS)).isTrue();
    String line = requestLog.poll(30, TimeUnit.SECONDS);
    assertThat(line).contains("/v1/chat/completions").contains("tokens=1000000");
    assertThat(after).isEmpty();
  }

  @Test
  void aStreamCutOffMidAnswerIsAnErrorNotAShortAnswer() throws Exception {
    SluiceStreamingChatModel model = model("tokens=50, fault=drop-after:5");
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    StringBuilder partials = new StringBuilder();
    model.chat("Hello", new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partial) {
        partials.append(partial);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });

    assertThat(done).failsWithin(30, TimeUnit.SECONDS).withThrowableThat()
        .havingRootCause().isInstanceOf(LangChain4jException.class)
        .withMessageStartingWith("the stream failed (transport_error)");
    assertThat(partials).isNotEmpty();
  }
}
