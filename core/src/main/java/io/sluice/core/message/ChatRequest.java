package io.sluice.core.message;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request for a model's response, independent of the wire format. The codecs encode it for each
 * provider and decode it from each front door.
 *
 * @param extra top-level request fields sluice does not model, name to raw JSON value, passed
 *     through untouched (in insertion order)
 */
public record ChatRequest(
    String model, List<Message> messages, List<Tool> tools, GenerationOptions options,
    boolean stream, Map<String, String> extra) {

  /** Checks the model and options and copies the lists and the extra fields. */
  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
    Objects.requireNonNull(options, "options");
    extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /**
   * Starts a streaming request to {@code model}.
   *
   * @param model the provider's model name
   * @return the builder
   */
  public static Builder builder(String model) {
    return new Builder(model);
  }

  /**
   * This request sent to another model.
   *
   * @param newModel the model name
   * @return the copy
   */
  public ChatRequest withModel(String newModel) {
    return new ChatRequest(newModel, messages, tools, options, stream, extra);
  }

  /**
   * This request, streaming or not.
   *
   * @param newStream whether the answer streams
   * @return the copy
   */
  public ChatRequest withStream(boolean newStream) {
    return new ChatRequest(model, messages, tools, options, newStream, extra);
  }

  /** The system messages' text, joined by blank lines (Anthropic takes it apart from messages). */
  public String systemText() {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) {
      if (m.role() == Role.SYSTEM) {
        if (sb.length() > 0) {
          sb.append("\n\n");
        }
        sb.append(m.text());
      }
    }
    return sb.toString();
  }

  /** Assembles a request; streaming by default. */
  public static final class Builder {
    private final String model;
    private final List<Message> messages = new ArrayList<>();
    private final List<Tool> tools = new ArrayList<>();
    private GenerationOptions options = GenerationOptions.DEFAULTS;
    private boolean stream = true;
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder(String model) {
      this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * Appends system instructions.
     *
     * @param text the instructions
     * @return this builder
     */
    public Builder system(String text) {
      return message(Message.system(text));
    }

    /**
     * Appends a user's text.
     *
     * @param text the text
     * @return this builder
     */
    public Builder user(String text) {
      return message(Message.user(text));
    }

    /**
     * Appends a message.
     *
     * @param message the message
     * @return this builder
     */
    public Builder message(Message message) {
      messages.add(Objects.requireNonNull(message));
      return this;
    }

    /**
     * Appends messages, in order.
     *
     * @param all the messages
     * @return this builder
     */
    public Builder messages(List<Message> all) {
      all.forEach(this::message);
      return this;
    }

    /**
     * Declares a tool the model may call.
     *
     * @param tool the tool
     * @return this builder
     */
    public Builder tool(Tool tool) {
      tools.add(Objects.requireNonNull(tool));
      return this;
    }

    /**
     * Sets the generation options.
     *
     * @param value the options
     * @return this builder
     */
    public Builder options(GenerationOptions value) {
      this.options = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Sets whether the answer streams (the default).
     *
     * @param value whether it streams
     * @return this builder
     */
    public Builder stream(boolean value) {
      this.stream = value;
      return this;
    }

    /** A field passed through as it is: {@code json} is its raw JSON value. */
    public Builder extra(String name, String json) {
      extra.put(Objects.requireNonNull(name), Objects.requireNonNull(json));
      return this;
    }

    /**
     * Builds the request.
     *
     * @return the request
     */
    public ChatRequest build() {
      return new ChatRequest(model, messages, tools, options, stream, extra);
    }
  }
}
