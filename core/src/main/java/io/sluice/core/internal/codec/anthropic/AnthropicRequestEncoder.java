package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.codec.CodecException;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.message.Tool;
import io.sluice.core.message.ToolChoice;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@link ChatRequest} ↔ the body of {@code POST /v1/messages}.
 *
 * <p>Choices where the formats differ:
 * <ul>
 *   <li>{@code max_tokens} is required by the API: a request without {@code maxTokens} is sent with
 *       {@value #DEFAULT_MAX_TOKENS}.
 *   <li>System messages, wherever they stand, become the top-level {@code system} string (joined by
 *       blank lines); a {@code system} array of text blocks decodes to one system message each.
 *   <li>Tool messages become user messages of {@code tool_result} blocks; a user message decodes
 *       to a tool message for each run of {@code tool_result} blocks and a user message for each
 *       run of other blocks, in order. Consecutive user turns are allowed: the API joins them.
 *   <li>{@code reasoningEffort} becomes {@code thinking: {type: enabled, budget_tokens}} with
 *       {@code minimal}/{@code low} = 1024, {@code medium} = 4096, {@code high} = 16384, or the
 *       number itself when the effort is a number; decoding gives the name back for those three
 *       budgets and the number otherwise. Other {@code thinking} shapes stay in {@code extra}.
 *   <li>Anthropic has no seed, reasoning summary or OpenAI {@code response_format}: they are not
 *       sent. Unknown top-level fields ({@code metadata}, {@code output_format}, …) travel raw in
 *       {@code extra}, both ways.
 * </ul>
 */
final class AnthropicRequestEncoder {
  static final int DEFAULT_MAX_TOKENS = 4096;

  private AnthropicRequestEncoder() {}

  static byte[] encode(ChatRequest request) {
    return new JsonOut().bytes(g -> {
      GenerationOptions o = request.options();
      g.writeStringField("model", request.model());
      g.writeNumberField("max_tokens", o.maxTokens().orElse(DEFAULT_MAX_TOKENS));
      String system = request.systemText();
      boolean hasSystem = request.messages().stream().anyMatch(m -> m.role() == Role.SYSTEM);
      if (hasSystem) {
        g.writeStringField("system", system);
      }
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        if (m.role() != Role.SYSTEM) {
          writeMessage(g, m);
        }
      }
      g.writeEndArray();
      if (!request.tools().isEmpty()) {
        g.writeArrayFieldStart("tools");
        for (Tool t : request.tools()) {
          g.writeStartObject();
          g.writeStringField("name", t.name());
          if (!t.description().isEmpty()) {
            g.writeStringField("description", t.description());
          }
          g.writeFieldName("input_schema");
          g.writeRawValue(t.parametersSchema());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (o.toolChoice().isPresent()) {
        ToolChoice c = o.toolChoice().get();
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", toolChoiceType(c.mode()));
        if (c.mode() == ToolChoice.Mode.TOOL) {
          g.writeStringField("name", c.name());
        }
        g.writeEndObject();
      }
      if (o.temperature().isPresent()) {
        g.writeNumberField("temperature", o.temperature().getAsDouble());
      }
      if (o.topP().isPresent()) {
        g.writeNumberField("top_p", o.topP().getAsDouble());
      }
      if (!o.stop().isEmpty()) {
        g.writeArrayFieldStart("stop_sequences");
        for (String s : o.stop()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (o.reasoningEffort().isPresent() && !request.extra().containsKey("thinking")) {
        g.writeObjectFieldStart("thinking");
        g.writeStringField("type", "enabled");
        g.writeNumberField("budget_tokens", budget(o.reasoningEffort().get()));
        g.writeEndObject();
      }
      g.writeBooleanField("stream", request.stream());
      for (Map.Entry<String, String> e : request.extra().entrySet()) {
        g.writeFieldName(e.getKey());
        g.writeRawValue(e.getValue());
      }
    });
  }

  private static void writeMessage(JsonGenerator g, Message m) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", m.role() == Role.ASSISTANT ? "assistant" : "user");
    List<Part> parts = m.parts();
    if (parts.size() == 1 && parts.get(0) instanceof Part.Text) {
      g.writeStringField("content", ((Part.Text) parts.get(0)).text());
    } else {
      g.writeArrayFieldStart("content");
      for (Part part : parts) {
        AnthropicContent.writePart(g, part);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static String toolChoiceType(ToolChoice.Mode mode) {
    switch (mode) {
      case NONE:
        return "none";
      case REQUIRED:
        return "any";
      case TOOL:
        return "tool";
      default:
        return "auto";
    }
  }

  static int budget(String effort) {
    switch (effort) {
      case "minimal":
      case "low":
        return 1024;
      case "medium":
        return 4096;
      case "high":
        return 16384;
      default:
        try {
          return Integer.parseInt(effort.trim());
        } catch (NumberFormatException e) {
          throw new CodecException("reasoning effort '" + effort + "' is neither minimal, low, "
              + "medium, high nor a number of thinking tokens");
        }
    }
  }
}
