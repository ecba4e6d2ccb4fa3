package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.internal.json.JsonChecks;
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
    try (JsonParser p = JsonChecks.FACTORY.createParser(body)) {
      return read(p);
    } catch (JsonProcessingException e) {
      throw new CodecException("the request body is not valid JSON: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CodecException("cannot read the request body: " + e.getMessage(), e);
    }
  }

  static boolean asksForUsage(ChatRequest request) {
    String json = request.extra().get("stream_options");
    if (json == null) {
      return false;
    }
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("include_usage".equals(name)) {
          return v == JsonToken.VALUE_TRUE;
        }
        p.skipChildren();
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static ChatRequest read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new CodecException("the request body must be a JSON object");
    }
    String model = null;
    List<Message> messages = null;
    List<Tool> tools = new ArrayList<>();
    GenerationOptions.Builder options = GenerationOptions.builder();
    Integer maxTokens = null;
    Integer maxCompletionTokens = null;
    boolean stream = false;
    List<String[]> extras = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL && KNOWN.contains(field)) {
        continue; // an explicit null is the provider's default, as if absent
      }
      switch (field) {
        case "model":
          model = string(p, field);
          break;
        case "messages":
          messages = messages(p);
          break;
        case "tools":
          expect(p, JsonToken.START_ARRAY, field);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            tools.add(tool(p));
          }
          break;
        case "tool_choice":
          options.toolChoice(toolChoice(p));
          break;
        case "temperature":
          options.temperature(number(p, field));
          break;
        case "top_p":
          options.topP(number(p, field));
          break;
        case "max_tokens":
          maxTokens = (int) integer(p, field);
          break;
        case "max_completion_tokens":
          maxCompletionTokens = (int) integer(p, field);
          break;
        case "stop":
          options.stop(stop(p));
          break;
        case "seed":
        case "random_seed":
          options.seed(integer(p, field));
          break;
        case "reasoning_effort":
          options.reasoningEffort(string(p, field));
          break;
        case "response_format":
          options.responseFormat(JsonChecks.copyToString(p));
          break;
        case "stream":
          if (!v.isBoolean()) {
            throw new CodecException("'stream' must be a boolean");
          }
          stream = v == JsonToken.VALUE_TRUE;
          break;
        default:
          extras.add(new String[] {field, JsonChecks.copyToString(p)});
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
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "role":
          role = string(p, "role");
          break;
        case "content":
          content = content(p);
          break;
        case "refusal":
          refusal = string(p, "refusal");
          break;
        case "reasoning_content":
        case "reasoning":
          reasoning = v == JsonToken.VALUE_STRING ? p.getText() : skipNull(p);
          break;
        case "tool_call_id":
          toolCallId = string(p, "tool_call_id");
          break;
        case "tool_calls":
          calls = toolCalls(p);
          break;
        default:
          p.skipChildren(); // name, audio, function_call (legacy), …
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

  private static String skipNull(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
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
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        if ("type".equals(field) && v == JsonToken.VALUE_STRING) {
          type = p.getText();
        } else if (("text".equals(field) || "refusal".equals(field))
            && v == JsonToken.VALUE_STRING) {
          text = p.getText();
        } else if ("image_url".equals(field) && v == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            if (p.nextToken() == JsonToken.VALUE_STRING && "url".equals(f)) {
              url = p.getText();
            } else {
              p.skipChildren();
            }
          }
        } else if ("image_url".equals(field) && v == JsonToken.VALUE_STRING) {
          url = p.getText(); // Mistral accepts the URL directly
        } else {
          p.skipChildren();
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
    String name = null;
    String description = "";
    String parameters = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("type".equals(field) && v == JsonToken.VALUE_STRING) {
        type = p.getText();
      } else if ("function".equals(field) && v == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken fv = p.nextToken();
          if ("name".equals(f) && fv == JsonToken.VALUE_STRING) {
            name = p.getText();
          } else if ("description".equals(f) && fv == JsonToken.VALUE_STRING) {
            description = p.getText();
          } else if ("parameters".equals(f) && fv != JsonToken.VALUE_NULL) {
            parameters = JsonChecks.copyToString(p);
          } else {
            p.skipChildren(); // strict: not modelled
          }
        }
      } else {
        p.skipChildren();
      }
    }
    if (!"function".equals(type)) {
      throw new CodecException("unsupported tool type '" + type + "': only 'function' tools");
    }
    if (name == null) {
      throw new CodecException("a function tool has no 'function.name'");
    }
    return new Tool(name, description, parameters);
  }

  private static ToolChoice toolChoice(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      switch (p.getText()) {
        case "auto":
          return ToolChoice.AUTO;
        case "none":
          return ToolChoice.NONE;
        case "required":
        case "any": // Mistral
          return ToolChoice.REQUIRED;
        default:
          throw new CodecException("unsupported 'tool_choice' \"" + p.getText() + "\"");
      }
    }
    expect(p, JsonToken.START_OBJECT, "tool_choice");
    String name = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("function".equals(field) && v == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          if (p.nextToken() == JsonToken.VALUE_STRING && "name".equals(f)) {
            name = p.getText();
          } else {
            p.skipChildren();
          }
        }
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
