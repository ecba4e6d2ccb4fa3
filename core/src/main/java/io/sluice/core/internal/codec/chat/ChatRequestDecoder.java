package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.internal.codec.JsonBodies;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.message.Tool;
import io.sluice.core.message.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's Chat Completions body as a {@link ChatRequest}. It accepts what every dialect sends:
 * {@code max_tokens} and {@code max_completion_tokens} (the latter wins when both come), Mistral's
 * {@code random_seed} and {@code tool_choice:"any"}, {@code content} as a string or an array of
 * parts, {@code developer} messages (read as system messages), and assistant
 * {@code reasoning_content}. Unknown top-level fields, {@code stream_options} among them, land in
 * {@code extra} as raw JSON; fields of a message that sluice does not model ({@code name},
 * {@code image_url.detail}) are dropped.
 */
final class ChatRequestDecoder {
  private ChatRequestDecoder() {}

  private static final java.util.Set<String> KNOWN = java.util.Set.of("model", "messages", "tools",
      "tool_choice", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "seed",
      "random_seed", "reasoning_effort", "response_format", "stream");

  static ChatRequest decode(byte[] body) {
    return JsonBodies.readObject(body, "the request body", ChatRequestDecoder::read);
  }

  static boolean asksForUsage(ChatRequest request) {
    String json = request.extra().get("stream_options");
    if (json == null) {
      return false;
    }
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      return p.nextToken() == JsonToken.START_OBJECT && JsonFields.find(p, "include_usage")
          && p.currentToken() == JsonToken.VALUE_TRUE;
    } catch (IOException e) {
      return false;
    }
  }

  private static ChatRequest read(JsonParser p) throws IOException {
    String model = null;
    List<Message> messages = null;
    List<Tool> tools = new ArrayList<>();
    GenerationOptions.Builder options = GenerationOptions.builder();
    Integer maxTokens = null;
    Integer maxCompletionTokens = null;
    boolean stream = false;
    List<String[]> extras = new ArrayList<>();
    while (JsonFields.next(p)) {
      String field = p.currentName();
      if (p.currentToken() == JsonToken.VALUE_NULL && KNOWN.contains(field)) {
        continue; // an explicit null is the provider's default, as if absent
      }
      switch (field) {
        case "model" -> model = string(p, field);
        case "messages" -> messages = messages(p);
        case "tools" -> {
          expect(p, JsonToken.START_ARRAY, field);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            tools.add(tool(p));
          }
        }
        case "tool_choice" -> options.toolChoice(toolChoice(p));
        case "temperature" -> options.temperature(number(p, field));
        case "top_p" -> options.topP(number(p, field));
        case "max_tokens" -> maxTokens = (int) integer(p, field);
        case "max_completion_tokens" -> maxCompletionTokens = (int) integer(p, field);
        case "stop" -> options.stop(stop(p));
        case "seed", "random_seed" -> options.seed(integer(p, field));
        case "reasoning_effort" -> options.reasoningEffort(string(p, field));
        case "response_format" -> options.responseFormat(JsonChecks.copyToString(p));
        case "stream" -> {
          if (!p.currentToken().isBoolean()) {
            throw new CodecException("'stream' must be a boolean");
          }
          stream = p.currentToken() == JsonToken.VALUE_TRUE;
        }
        default -> extras.add(new String[] {field, JsonChecks.copyToString(p)});
      }
    }
    if (model == null) {
      throw new CodecException("the request has no 'model'");
    }
    if (messages == null) {
      throw new CodecException("the request has no 'messages'");
    }
    if (maxCompletionTokens != null || maxTokens != null) {
      options.maxTokens(maxCompletionTokens != null ? maxCompletionTokens : maxTokens);
    }
    ChatRequest.Builder b = ChatRequest.builder(model).messages(messages)
        .options(options.build()).stream(stream);
    tools.forEach(b::tool);
    for (String[] e : extras) {
      b.extra(e[0], e[1]);
    }
    return b.build();
  }

  private static List<Message> messages(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "messages");
    List<Message> messages = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new CodecException("each of 'messages' must be an object");
      }
      messages.add(message(p, messages.size()));
    }
    return messages;
  }

  private static Message message(JsonParser p, int position) throws IOException {
    String role = null;
    List<Part> content = List.of();
    String refusal = null;
    String reasoning = null;
    String toolCallId = null;
    List<Part> calls = List.of();
    while (JsonFields.next(p)) {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (p.currentName()) {
        case "role" -> role = string(p, "role");
        case "content" -> content = content(p);
        case "refusal" -> refusal = string(p, "refusal");
        case "reasoning_content", "reasoning" -> reasoning = JsonFields.string(p);
        case "tool_call_id" -> toolCallId = string(p, "tool_call_id");
        case "tool_calls" -> calls = toolCalls(p);
        default -> p.skipChildren(); // name, audio, function_call (legacy), …
      }
    }
    if (role == null) {
      throw new CodecException("message " + position + " has no 'role'");
    }
    switch (role) {
      case "system":
      case "developer":
        return new Message(Role.SYSTEM, content);
      case "user":
        return new Message(Role.USER, content);
      case "assistant": {
        List<Part> parts = new ArrayList<>();
        if (reasoning != null && !reasoning.isEmpty()) {
          parts.add(new Part.Reasoning(ReasoningKind.THINKING, reasoning, "", ""));
        }
        parts.addAll(content);
        if (refusal != null) {
          parts.add(new Part.Refusal(refusal));
        }
        parts.addAll(calls);
        return new Message(Role.ASSISTANT, parts);
      }
      case "tool":
        if (toolCallId == null) {
          throw new CodecException("tool message " + position + " has no 'tool_call_id'");
        }
        StringBuilder text = new StringBuilder();
        for (Part part : content) {
          if (part instanceof Part.Text) {
            text.append(((Part.Text) part).text());
          }
        }
        return new Message(Role.TOOL,
            List.of(new Part.ToolResult(toolCallId, text.toString(), false)));
      default:
        throw new CodecException("message " + position + " has an unsupported role '"
            + role + "'");
    }
  }

  /** {@code content}: a string, or an array of parts (text, image_url, refusal, others raw). */
  private static List<Part> content(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      return text.isEmpty() ? List.of() : List.of(new Part.Text(text));
    }
    if (t != JsonToken.START_ARRAY) {
      throw new CodecException("'content' must be a string or an array of parts");
    }
    List<Part> parts = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new CodecException("each content part must be an object");
      }
      String raw = JsonChecks.copyToString(p);
      parts.add(part(raw));
    }
    return parts;
  }

  private static Part part(String raw) throws IOException {
    String type = "";
    String text = null;
    String url = null;
    try (JsonParser p = JsonChecks.FACTORY.createParser(raw)) {
      p.nextToken();
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "type" -> type = orElse(JsonFields.string(p), type);
          case "text", "refusal" -> text = orElse(JsonFields.string(p), text);
          case "image_url" -> url = orElse(imageUrl(p), url);
          default -> p.skipChildren();
        }
      }
    }
    if ("text".equals(type) && text != null) {
      return new Part.Text(text);
    }
    if ("refusal".equals(type) && text != null) {
      return new Part.Refusal(text);
    }
    if ("image_url".equals(type) && url != null) {
      return new Part.Image(url, mediaType(url));
    }
    return new Part.Opaque(type, raw);
  }

  /** {@code image_url}: an object's {@code url}, or (Mistral) the URL itself; else null. */
  private static String imageUrl(JsonParser p) throws IOException {
    return p.currentToken() == JsonToken.START_OBJECT ? JsonFields.stringField(p, "url")
        : JsonFields.string(p);
  }

  private static String orElse(String value, String otherwise) {
    return value != null ? value : otherwise;
  }

  /** The media type of a {@code data:} URL ({@code data:image/png;base64,…}), else empty. */
  static String mediaType(String url) {
    if (!url.startsWith("data:")) {
      return "";
    }
    int end = 5;
    while (end < url.length() && url.charAt(end) != ';' && url.charAt(end) != ',') {
      end++;
    }
    return url.substring(5, end);
  }

  private static List<Part> toolCalls(JsonParser p) throws IOException {
    expect(p, JsonToken.START_ARRAY, "tool_calls");
    List<Part> calls = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new CodecException("each of 'tool_calls' must be an object");
      }
      calls.add(ChatJson.toolCall(p));
    }
    return calls;
  }

  private static Tool tool(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new CodecException("each of 'tools' must be an object");
    }
    String type = "function";
    String[] function = {null, "", ""}; // name, description, parameters
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = orElse(JsonFields.string(p), type);
        case "function" -> function(p, function);
        default -> p.skipChildren();
      }
    }
    if (!"function".equals(type)) {
      throw new CodecException("unsupported tool type '" + type + "': only 'function' tools");
    }
    if (function[0] == null) {
      throw new CodecException("a function tool has no 'function.name'");
    }
    return new Tool(function[0], function[1], function[2]);
  }

  private static void function(JsonParser p, String[] out) throws IOException {
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "name" -> out[0] = orElse(JsonFields.string(p), out[0]);
        case "description" -> out[1] = orElse(JsonFields.string(p), out[1]);
        case "parameters" -> out[2] = p.currentToken() == JsonToken.VALUE_NULL ? out[2]
            : JsonChecks.copyToString(p);
        default -> p.skipChildren(); // strict: not modelled
      }
    }
  }

  private static ToolChoice toolChoice(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return switch (p.getText()) {
        case "auto" -> ToolChoice.AUTO;
        case "none" -> ToolChoice.NONE;
        case "required", "any" -> ToolChoice.REQUIRED; // any: Mistral
        default -> throw new CodecException("unsupported 'tool_choice' \"" + p.getText() + "\"");
      };
    }
    expect(p, JsonToken.START_OBJECT, "tool_choice");
    String name = null;
    while (JsonFields.next(p)) {
      if ("function".equals(p.currentName()) && p.currentToken() == JsonToken.START_OBJECT) {
        name = orElse(JsonFields.stringField(p, "name"), name);
      } else {
        p.skipChildren();
      }
    }
    if (name == null) {
      throw new CodecException("'tool_choice' object has no 'function.name'");
    }
    return ToolChoice.tool(name);
  }

  private static List<String> stop(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return List.of(p.getText());
    }
    expect(p, JsonToken.START_ARRAY, "stop");
    List<String> stop = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      stop.add(string(p, "stop"));
    }
    return stop;
  }

  private static void expect(JsonParser p, JsonToken token, String field) {
    if (p.currentToken() != token) {
      throw new CodecException("'" + field + "' must be "
          + (token == JsonToken.START_ARRAY ? "an array" : "an object"));
    }
  }

  private static String string(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw new CodecException("'" + field + "' must be a string");
    }
    return p.getText();
  }

  private static double number(JsonParser p, String field) throws IOException {
    if (!p.currentToken().isNumeric()) {
      throw new CodecException("'" + field + "' must be a number");
    }
    return p.getDoubleValue();
  }

  private static long integer(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw new CodecException("'" + field + "' must be an integer");
    }
    return p.getLongValue();
  }
}
