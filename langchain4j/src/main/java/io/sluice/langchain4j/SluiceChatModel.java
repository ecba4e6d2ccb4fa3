package io.sluice.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.sluice.client.ClientException;
import io.sluice.client.SluiceClient;
import io.sluice.core.message.FinalMessage;
import io.sluice.langchain4j.internal.Failures;
import io.sluice.langchain4j.internal.RequestMapper;
import io.sluice.langchain4j.internal.ResponseMapper;
import java.util.List;

/**
 * A LangChain4j {@link ChatModel} backed by a {@link SluiceClient}. The answer is streamed from
 * the provider and assembled, so the idle timeout and truncation detection of streaming guard a
 * blocking call too: a reply cut off mid-answer throws instead of returning half a message.
 *
 * <pre>{@code
 * ChatModel model = SluiceChatModel.builder(client).defaultModel("gpt-4o-mini").build();
 * String answer = model.chat("Hello");
 * }</pre>
 *
 * <p>Failures are LangChain4j exceptions whose cause is the sluice exception. The client is shared
 * and not closed by the model. Thread-safe.
 */
public final class SluiceChatModel implements ChatModel {

  private final SluiceClient client;
  private final ModelDefaults defaults;

  private SluiceChatModel(SluiceClient client, ModelDefaults defaults) {
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
  public ChatResponse doChat(ChatRequest request) {
    FinalMessage message;
    try {
      message = client.complete(RequestMapper.toSluice(request, defaults.model(), true));
    } catch (ClientException e) {
      throw Failures.of(e);
    }
    if (message.failed()) {
      throw Failures.of(message.error().orElseThrow());
    }
    return ResponseMapper.toChatResponse(message);
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

  /** Configures a {@link SluiceChatModel}. */
  public static final class Builder extends ModelDefaults.Builder<Builder> {
    private Builder(SluiceClient client) {
      super(client);
    }

    /**
     * Builds the model.
     *
     * @return the model
     */
    public SluiceChatModel build() {
      return new SluiceChatModel(client, defaults());
    }
  }
}
