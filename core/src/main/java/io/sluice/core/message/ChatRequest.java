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

  public ChatRequest {
    Objects.requireNonNull(model, "model");
    messages = List.copyOf(messages);
    tools = List.copyOf(tools);
    Objects.requireNonNull(options, "options");
    extra = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  public static Builder builder(String model) {
    return new Builder(model);
  }

  public ChatRequest withModel(String newModel) {
    return new ChatRequest(newModel, messages, tools, options, stream, extra);
  }

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

    public Builder system(String text) {
      return message(Message.system(text));
    }

    public Builder user(String text) {
      return message(Message.user(text));
    }

    public Builder message(Message message) {
      messages.add(Objects.requireNonNull(message));
      return this;
    }

    public Builder messages(List<Message> all) {
      all.forEach(this::message);
      return this;
    }

    public Builder tool(Tool tool) {
      tools.add(Objects.requireNonNull(tool));
      return this;
    }

    public Builder options(GenerationOptions value) {
      this.options = Objects.requireNonNull(value);
      return this;
    }

    public Builder stream(boolean value) {
      this.stream = value;
      return this;
    }

    /** A field passed through as it is: {@code json} is its raw JSON value. */
    public Builder extra(String name, String json) {
      extra.put(Objects.requireNonNull(name), Objects.requireNonNull(json));
      return this;
    }

    public ChatRequest build() {
      return new ChatRequest(model, messages, tools, options, stream, extra);
    }
  }
}
