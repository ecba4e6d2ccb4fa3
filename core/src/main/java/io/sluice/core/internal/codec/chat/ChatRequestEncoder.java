package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.CodecException;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.message.Tool;
import io.sluice.core.message.ToolChoice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link ChatRequest} as a Chat Completions body, shaped for the dialect: OpenAI and Azure take
 * {@code max_completion_tokens}, Mistral and other compatible servers {@code max_tokens}; Mistral
 * rejects {@code stream_options} with a 422, so it never gets it.
 *
 * <p>{@code extra} fields go out as they are, after the modelled ones, except
 * {@code stream_options}: it is only valid on a streaming request to a dialect that accepts it,
 * and there sluice sets {@code include_usage: true} (a gateway needs the usage) while keeping the
 * client's other stream options, such as {@code include_obfuscation}.
 */
final class ChatRequestEncoder {
  private ChatRequestEncoder() {}

  static byte[] encode(ChatRequest request, ChatDialect dialect) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("model", request.model());
      g.writeArrayFieldStart("messages");
      for (Message m : request.messages()) {
        message(g, m, dialect);
      }
      g.writeEndArray();
      if (!request.tools().isEmpty()) {
        g.writeArrayFieldStart("tools");
        for (Tool t : request.tools()) {
          tool(g, t);
        }
        g.writeEndArray();
      }
      options(g, request.options(), dialect);
      g.writeBooleanField("stream", request.stream());
      if (request.stream() && dialect.acceptsStreamOptions()) {
        streamOptions(g, request.extra().get("stream_options"));
      }
      for (Map.Entry<String, String> e : request.extra().entrySet()) {
        if (!"stream_options".equals(e.getKey())) {
          g.writeFieldName(e.getKey());
          ChatJson.writeRaw(g, e.getValue());
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new CodecException("cannot encode the request: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static void options(JsonGenerator g, GenerationOptions o, ChatDialect dialect)
      throws IOException {
    if (o.toolChoice().isPresent()) {
      g.writeFieldName("tool_choice");
      toolChoice(g, o.toolChoice().get(), dialect);
    }
    if (o.temperature().isPresent()) {
      g.writeNumberField("temperature", o.temperature().getAsDouble());
    }
    if (o.topP().isPresent()) {
      g.writeNumberField("top_p", o.topP().getAsDouble());
    }
    if (o.maxTokens().isPresent()) {
      boolean openAi = dialect == ChatDialect.OPENAI || dialect == ChatDialect.AZURE;
      // OpenAI's reasoning models reject max_tokens; Mistral rejects max_completion_tokens.
      g.writeNumberField(openAi ? "max_completion_tokens" : "max_tokens",
          o.maxTokens().getAsInt());
    }
    if (!o.stop().isEmpty()) {
      g.writeArrayFieldStart("stop");
      for (String s : o.stop()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    if (o.seed().isPresent()) {
      // Mistral calls it random_seed.
      g.writeNumberField(dialect == ChatDialect.MISTRAL ? "random_seed" : "seed",
          o.seed().getAsLong());
    }
    if (o.reasoningEffort().isPresent()) {
      g.writeStringField("reasoning_effort", o.reasoningEffort().get());
    }
    // reasoningSummary has no Chat Completions field: it is a Responses option.
    if (o.responseFormat().isPresent()) {
      g.writeFieldName("response_format");
      ChatJson.writeRaw(g, o.responseFormat().get());
    }
  }

  private static void toolChoice(JsonGenerator g, ToolChoice choice, ChatDialect dialect)
      throws IOException {
    switch (choice.mode()) {
      case AUTO:
        g.writeString("auto");
        break;
      case NONE:
        g.writeString("none");
        break;
      case REQUIRED:
        g.writeString(dialect == ChatDialect.MISTRAL ? "any" : "required");
        break;
      default:
        g.writeStartObject();
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", choice.name());
        g.writeEndObject();
        g.writeEndObject();
    }
  }

  private static void streamOptions(JsonGenerator g, String clientJson) throws IOException {
    g.writeObjectFieldStart("stream_options");
    g.writeBooleanField("include_usage", true);
    if (clientJson != null) {
      try (JsonParser p = JsonChecks.FACTORY.createParser(clientJson)) {
        if (p.nextToken() == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if ("include_usage".equals(name)) {
              p.skipChildren();
            } else {
              g.writeFieldName(name);
              g.copyCurrentStructure(p);
            }
          }
        }
      }
    }
    g.writeEndObject();
  }

  private static void tool(JsonGenerator g, Tool t) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "function");
    g.writeObjectFieldStart("function");
    g.writeStringField("name", t.name());
    if (!t.description().isEmpty()) {
      g.writeStringField("description", t.description());
    }
    if (!t.parametersSchema().isBlank()) {
      g.writeFieldName("parameters");
      ChatJson.writeRaw(g, t.parametersSchema());
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void message(JsonGenerator g, Message m, ChatDialect dialect)
      throws IOException {
    // Tool results travel as messages of their own, whichever message held them (Anthropic puts
    // them in user messages).
    List<Part> rest = new ArrayList<>(m.parts().size());
    for (Part part : m.parts()) {
      if (part instanceof Part.ToolResult) {
        Part.ToolResult r = (Part.ToolResult) part;
        g.writeStartObject();
        g.writeStringField("role", "tool");
        g.writeStringField("tool_call_id", r.callId());
        g.writeStringField("content", r.content());
        g.writeEndObject();
      } else {
        rest.add(part);
      }
    }
    if (m.role() == Role.TOOL) {
      return; // a tool message's other parts have no Chat form
    }
    if (m.role() == Role.ASSISTANT) {
      assistant(g, rest, dialect);
      return;
    }
    if (rest.isEmpty() && m.parts().size() > rest.size()) {
      return; // the message held only tool results
    }
    g.writeStartObject();
    g.writeStringField("role", m.role() == Role.SYSTEM ? "system" : "user");
    g.writeFieldName("content");
    if (rest.isEmpty()) {
      g.writeString(""); // an empty parts array is rejected by OpenAI
    } else if (rest.size() == 1 && rest.get(0) instanceof Part.Text) {
      g.writeString(((Part.Text) rest.get(0)).text());
    } else {
      g.writeStartArray();
      for (Part part : rest) {
        contentPart(g, part);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void contentPart(JsonGenerator g, Part part) throws IOException {
    if (part instanceof Part.Text) {
      g.writeStartObject();
      g.writeStringField("type", "text");
      g.writeStringField("text", ((Part.Text) part).text());
      g.writeEndObject();
    } else if (part instanceof Part.Image) {
      g.writeStartObject();
      g.writeStringField("type", "image_url");
      g.writeObjectFieldStart("image_url");
      g.writeStringField("url", ((Part.Image) part).url());
      g.writeEndObject();
      g.writeEndObject();
    } else if (part instanceof Part.Opaque) {
      ChatJson.writeRaw(g, ((Part.Opaque) part).json()); // input_audio, file, … as received
    }
    // Reasoning, refusals and tool calls are the assistant's; a user message has none to send.
  }

  private static void assistant(JsonGenerator g, List<Part> parts, ChatDialect dialect)
      throws IOException {
    StringBuilder text = new StringBuilder();
    StringBuilder refusal = null;
    StringBuilder reasoning = null;
    List<Part.ToolCall> calls = new ArrayList<>();
    for (Part part : parts) {
      if (part instanceof Part.Text) {
        text.append(((Part.Text) part).text());
      } else if (part instanceof Part.Refusal) {
        refusal = (refusal == null ? new StringBuilder() : refusal)
            .append(((Part.Refusal) part).text());
      } else if (part instanceof Part.Reasoning) {
        reasoning = (reasoning == null ? new StringBuilder() : reasoning)
            .append(((Part.Reasoning) part).text());
      } else if (part instanceof Part.ToolCall) {
        calls.add((Part.ToolCall) part);
      }
    }
    g.writeStartObject();
    g.writeStringField("role", "assistant");
    if (text.length() == 0 && (!calls.isEmpty() || refusal != null)) {
      g.writeNullField("content"); // as OpenAI itself returns a tool-call or refusal turn
    } else {
      g.writeStringField("content", text.toString());
    }
    if (refusal != null) {
      g.writeStringField("refusal", refusal.toString());
    }
    // OpenAI, Azure and Mistral do not take reasoning back; compatible servers that stream
    // reasoning_content (DeepSeek's thinking mode with tools, vLLM) read it on the next turn.
    if (reasoning != null && dialect == ChatDialect.COMPATIBLE) {
      g.writeStringField("reasoning_content", reasoning.toString());
    }
    ChatJson.writeToolCalls(g, calls);
    g.writeEndObject();
  }
}
