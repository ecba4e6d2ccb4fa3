package io.sluice.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import io.sluice.client.SluiceClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What both models share: the default model name, request parameters and listeners. */
final class ModelDefaults {

  private final String model;
  private final ChatRequestParameters parameters;
  private final List<ChatModelListener> listeners;

  private ModelDefaults(String model, ChatRequestParameters parameters,
      List<ChatModelListener> listeners) {
    this.model = model;
    this.parameters = parameters;
    this.listeners = List.copyOf(listeners);
  }

  String model() {
    return model;
  }

  ChatRequestParameters parameters() {
    return parameters;
  }

  List<ChatModelListener> listeners() {
    return listeners;
  }

  /**
   * The settings both builders share.
   *
   * @param <B> the concrete builder
   */
  abstract static class Builder<B extends Builder<B>> {
    final SluiceClient client;
    private String model = "";
    private ChatRequestParameters parameters = DefaultChatRequestParameters.EMPTY;
    private final List<ChatModelListener> listeners = new ArrayList<>();

    Builder(SluiceClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * The model a request that names none goes to.
     *
     * @param name the provider's model name, such as {@code gpt-4o-mini}
     * @return this builder
     */
    public B defaultModel(String name) {
      this.model = Objects.requireNonNull(name, "name");
      return self();
    }

    /**
     * Parameters every request starts from; a request's own parameters override them.
     *
     * @param value the parameters
     * @return this builder
     */
    public B defaultRequestParameters(ChatRequestParameters value) {
      this.parameters = Objects.requireNonNull(value, "parameters");
      return self();
    }

    /**
     * LangChain4j listeners, told of each request, response and error.
     *
     * @param value the listeners
     * @return this builder
     */
    public B listeners(List<ChatModelListener> value) {
      listeners.addAll(value);
      return self();
    }

    ModelDefaults defaults() {
      String name = model.isEmpty() && parameters.modelName() != null ? parameters.modelName()
          : model;
      return new ModelDefaults(name, parameters, listeners);
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }
  }
}
