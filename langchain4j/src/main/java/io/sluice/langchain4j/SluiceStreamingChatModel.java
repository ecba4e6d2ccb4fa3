package io.sluice.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.sluice.client.SluiceClient;
import io.sluice.langchain4j.internal.RequestMapper;
import io.sluice.langchain4j.internal.StreamBridge;
import java.util.List;

/**
 * A LangChain4j {@link StreamingChatModel} that streams through a {@link SluiceClient}: the
 * application keeps its LangChain4j code ({@code AiServices}, memory, tools) and gains sluice's
 * retries before the first token, separate connect/first-token/idle timeouts, detection of a
 * stream cut off mid-answer (reported to {@code onError}, never as a short complete answer), and
 * cancellation: {@code context.streamingHandle().cancel()} closes the upstream connection at once.
 *
 * <pre>{@code
 * SluiceClient client = SluiceClient.create(ProviderSettings.fromEnvironment(ProviderKind.OPENAI_CHAT));
 * StreamingChatModel model = SluiceStreamingChatModel.builder(client).defaultModel("gpt-4o-mini").build();
 * Assistant assistant = AiServices.builder(Assistant.class).streamingChatModel(model).build();
 * }</pre>
 *
 * <p>Partial responses, thinking and tool-call fragments of the first choice are passed on as
 * they arrive, on the client's thread. Failures become LangChain4j exceptions
 * ({@code RateLimitException}, {@code TimeoutException}, ...) whose cause is the sluice exception.
 * The client is shared and not closed by the model. Thread-safe.
 */
public final class SluiceStreamingChatModel implements StreamingChatModel {

  private final SluiceClient client;
  private final ModelDefaults defaults;

  private SluiceStreamingChatModel(SluiceClient client, ModelDefaults defaults) {
    this.client = client;
    this.defaults = defaults;
  }

  /**
   * Starts a model over {@code client}.
   *
   * @param client the client, which the model shares and does not close
   * @return the builder
   */
  public static Builder builder(SluiceClient client) {
    return new Builder(client);
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    StreamBridge bridge = new StreamBridge(handler);
    io.sluice.core.message.ChatRequest sluiceRequest;
    try {
      sluiceRequest = RequestMapper.toSluice(request, defaults.model(), true);
    } catch (RuntimeException e) {
      handler.onError(e);
      return;
    }
    bridge.start(client.stream(sluiceRequest));
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return defaults.parameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return defaults.listeners();
  }

  @Override
  public ModelProvider provider() {
    return ModelProvider.OTHER;
  }

  /** Configures a {@link SluiceStreamingChatModel}. */
  public static final class Builder extends ModelDefaults.Builder<Builder> {
    private Builder(SluiceClient client) {
      super(client);
    }

    /**
     * Builds the model.
     *
     * @return the model
     */
    public SluiceStreamingChatModel build() {
      return new SluiceStreamingChatModel(client, defaults());
    }
  }
}
