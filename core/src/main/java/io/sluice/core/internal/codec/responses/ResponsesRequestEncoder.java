package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
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
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link ChatRequest} ↔ a {@code POST /v1/responses} body.
 *
 * <p>Choices made here, each round-tripping: a leading system message becomes {@code instructions}
 * and every later one a {@code system} input item ({@code developer} items decode as system too);
 * tool results are {@code function_call_output} items, one per TOOL message; reasoning parts go
 * back as reasoning items only when they have a provider id (an id-less one could come from another
 * provider and would be rejected). The generation options Responses lacks ({@code stop},
 * {@code seed}) are not sent. {@code responseFormat} is the OpenAI Chat {@code response_format}
 * object; it is translated to and from Responses' flat {@code text.format}. A field in
 * {@code extra} wins over the modelled field of the same name, which is how built-in tools,
 * unknown {@code tool_choice} shapes and {@code text}/{@code reasoning} objects with fields sluice
 * does not model pass through untouched.
 */
public final class ResponsesRequestEncoder {
  private ResponsesRequestEncoder() {}

  static byte[] encode(ChatRequest request) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      writeFields(g, request, request.stream());
      g.writeEndObject();
    } catch (IOException e) {
      throw new CodecException("could not write the request body: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * The WebSocket mode's {@code response.create} message: the body's fields without
   * {@code stream}, and {@code generate: false} for a warm-up (docs/wire-formats.md §b).
   */
  public static String encodeCreateMessage(ChatRequest request, boolean generate) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "response.create");
      writeFields(g, request, false);
      if (!generate) {
        g.writeBooleanField("generate", false);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new CodecException("could not write the request: " + e.getMessage(), e);
    }
    return out.toString();
  }

  /**
   * Writes the request's fields into an open object: the HTTP body, or the WebSocket
   * {@code response.create} message (which must not carry {@code stream}).
   */
  private static void writeFields(JsonGenerator g, ChatRequest r, boolean stream)
      throws IOException {
    Map<String, String> extra = r.extra();
    GenerationOptions o = r.options();
    g.writeStringField("model", r.model());
    List<Message> messages = r.messages();
    int from = 0;
    if (!messages.isEmpty() && messages.get(0).role() == Role.SYSTEM && !extra.containsKey(
        "instructions") && messages.get(0).parts().stream().allMatch(Part.Text.class::isInstance)) {
      g.writeStringField("instructions", messages.get(0).text());
      from = 1;
    }
    g.writeArrayFieldStart("input");
    for (Message m : messages.subList(from, messages.size())) {
      writeMessage(g, m);
    }
    g.writeEndArray();
    if (!r.tools().isEmpty() && !extra.containsKey("tools")) {
      g.writeArrayFieldStart("tools");
      for (Tool tool : r.tools()) {
        g.writeStartObject();
        g.writeStringField("type", "function");
        g.writeStringField("name", tool.name());
        if (!tool.description().isEmpty()) {
          g.writeStringField("description", tool.description());
        }
        g.writeFieldName("parameters");
        g.writeRawValue(tool.parametersSchema());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (o.toolChoice().isPresent() && !extra.containsKey("tool_choice")) {
      ToolChoice choice = o.toolChoice().get();
      if (choice.mode() == ToolChoice.Mode.TOOL) {
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", "function");
        g.writeStringField("name", choice.name());
        g.writeEndObject();
      } else {
        g.writeStringField("tool_choice", choice.mode().name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (o.temperature().isPresent() && !extra.containsKey("temperature")) {
      g.writeNumberField("temperature", o.temperature().getAsDouble());
    }
    if (o.topP().isPresent() && !extra.containsKey("top_p")) {
      g.writeNumberField("top_p", o.topP().getAsDouble());
    }
    if (o.maxTokens().isPresent() && !extra.containsKey("max_output_tokens")) {
      g.writeNumberField("max_output_tokens", o.maxTokens().getAsInt());
    }
    if ((o.reasoningEffort().isPresent() || o.reasoningSummary().isPresent())
        && !extra.containsKey("reasoning")) {
      g.writeObjectFieldStart("reasoning");
      if (o.reasoningEffort().isPresent()) {
        g.writeStringField("effort", o.reasoningEffort().get());
      }
      if (o.reasoningSummary().isPresent()) {
        g.writeStringField("summary", o.reasoningSummary().get());
      }
      g.writeEndObject();
    }
    if (o.responseFormat().isPresent() && !extra.containsKey("text")) {
      g.writeObjectFieldStart("text");
      g.writeFieldName("format");
      g.writeRawValue(ResponsesFormats.toResponses(o.responseFormat().get()));
      g.writeEndObject();
    }
    if (stream && !extra.containsKey("stream")) {
      g.writeBooleanField("stream", true);
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (stream || !e.getKey().equals("stream")) {
        g.writeFieldName(e.getKey());
        g.writeRawValue(e.getValue());
      }
    }
  }

  private static void writeMessage(JsonGenerator g, Message m) throws IOException {
    List<Part> content = new ArrayList<>();
    for (Part part : m.parts()) {
      if (part instanceof Part.ToolResult t) {
        g.writeStartObject();
        g.writeStringField("type", "function_call_output");
        g.writeStringField("call_id", t.callId());
        g.writeStringField("output", t.content());
        g.writeEndObject();
      } else if (!(part instanceof Part.Reasoning r && r.id().isEmpty())) {
        content.add(part);
      }
    }
    if (content.isEmpty()) {
      return;
    }
    if (m.role() == Role.ASSISTANT) {
      for (ResponsesItems.Out item : ResponsesItems.fromParts(content, "")) {
        item.write(g, false);
      }
      return;
    }
    g.writeStartObject();
    g.writeStringField("type", "message");
    g.writeStringField("role", m.role() == Role.SYSTEM ? "system" : "user");
    g.writeArrayFieldStart("content");
    for (Part part : content) {
      if (part instanceof Part.Text t) {
        g.writeStartObject();
        g.writeStringField("type", "input_text");
        g.writeStringField("text", t.text());
        g.writeEndObject();
      } else if (part instanceof Part.Image i) {
        g.writeStartObject();
        g.writeStringField("type", "input_image");
        g.writeStringField("image_url", i.url());
        g.writeEndObject();
      } else if (part instanceof Part.Opaque o) {
        g.writeRawValue(o.json()); // an input part sluice does not model (input_file, …)
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

}
