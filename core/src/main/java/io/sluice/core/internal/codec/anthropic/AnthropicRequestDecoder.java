package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a {@code POST /v1/messages} body; {@link AnthropicRequestEncoder} gives the mapping. */
final class AnthropicRequestDecoder {
  private AnthropicRequestDecoder() {}

  static ChatRequest decode(byte[] body) {
    return JsonBodies.readText(body, "the request body", AnthropicRequestDecoder::read);
  }

  private static ChatRequest read(JsonParser p, String json) throws IOException {
    String model = null;
    List<Message> messages = null;
    List<Message> system = new ArrayList<>();
    List<Tool> tools = new ArrayList<>();
    GenerationOptions.Builder o = GenerationOptions.builder();
    boolean stream = false;
    Map<String, String> extra = new LinkedHashMap<>();
    while (JsonFields.next(p)) {
      String field = p.currentName();
      JsonToken t = p.currentToken();
      switch (field) {
        case "model" -> model = requireString(p, t, "model");
        case "max_tokens" -> o.maxTokens(requireInt(p, t, "max_tokens"));
        case "system" -> readSystem(p, t, json, system);
        case "messages" -> messages = readMessages(p, t, json);
        case "tools" -> readTools(p, t, json, tools);
        case "tool_choice" -> readToolChoice(p, t, o);
        case "temperature" -> o.temperature(requireNumber(p, t, "temperature"));
        case "top_p" -> o.topP(requireNumber(p, t, "top_p"));
        case "stop_sequences" -> o.stop(readStrings(p, t, "stop_sequences"));
        case "stream" -> stream = t == JsonToken.VALUE_TRUE;
        case "thinking" -> {
          // Only the shape an effort stands for is read; any other passes through as it came.
          String raw = JsonFields.raw(p, json);
          String effort = thinkingEffort(raw);
          if (effort != null) {
            o.reasoningEffort(effort);
          } else {
            extra.put(field, raw);
          }
        }
        default -> extra.put(field, JsonFields.raw(p, json));
      }
    }
    if (model == null) {
      throw new CodecException("the request has no 'model'");
    }
    if (messages == null) {
      throw new CodecException("the request has no 'messages' array");
    }
    system.addAll(messages);
    return new ChatRequest(model, system, tools, o.build(), stream, extra);
  }

  private static void readSystem(JsonParser p, JsonToken t, String json, List<Message> out)
      throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      out.add(Message.system(p.getText()));
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      throw new CodecException("'system' must be a string or an array of text blocks");
    }
    for (Part part : AnthropicContent.readBlocks(p, json)) {
      if (!(part instanceof Part.Text)) {
        throw new CodecException("'system' blocks must be text blocks");
      }
      out.add(new Message(Role.SYSTEM, List.of(part)));
    }
  }

  private static List<Message> readMessages(JsonParser p, JsonToken t, String json)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new CodecException("'messages' must be an array");
    }
    List<Message> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new CodecException("each of 'messages' must be an object, at "
            + AnthropicContent.where(p));
      }
      String role = null;
      List<Part> parts = null;
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "role" -> role = requireString(p, p.currentToken(), "role");
          case "content" -> parts = readContent(p, json);
          default -> p.skipChildren();
        }
      }
      if (parts == null) {
        throw new CodecException("a message has no 'content'");
      }
      if ("assistant".equals(role)) {
        out.add(new Message(Role.ASSISTANT, parts));
      } else if ("user".equals(role)) {
        splitUser(parts, out);
      } else {
        throw new CodecException("a message's role must be 'user' or 'assistant', was "
            + (role == null ? "missing" : "'" + role + "'"));
      }
    }
    return out;
  }

  private static List<Part> readContent(JsonParser p, String json) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return List.of(new Part.Text(p.getText()));
    }
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new CodecException("a message's 'content' must be a string or an array, at "
          + AnthropicContent.where(p));
    }
    return AnthropicContent.readBlocks(p, json);
  }

  /** Runs of tool results become tool messages; runs of other blocks, user messages. */
  private static void splitUser(List<Part> parts, List<Message> out) {
    List<Part> run = new ArrayList<>();
    boolean tools = false;
    for (Part part : parts) {
      boolean isResult = part instanceof Part.ToolResult;
      if (!run.isEmpty() && isResult != tools) {
        out.add(new Message(tools ? Role.TOOL : Role.USER, run));
        run = new ArrayList<>();
      }
      tools = isResult;
      run.add(part);
    }
    if (!run.isEmpty() || parts.isEmpty()) {
      out.add(new Message(tools ? Role.TOOL : Role.USER, run));
    }
  }

  private static void readTools(JsonParser p, JsonToken t, String json, List<Tool> out)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new CodecException("'tools' must be an array");
    }
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new CodecException("each of 'tools' must be an object");
      }
      String name = null;
      String description = "";
      String schema = "{\"type\":\"object\"}";
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "name" -> name = requireString(p, p.currentToken(), "tools[].name");
          case "description" -> description = JsonFields.text(p, "");
          case "input_schema" -> schema = JsonFields.raw(p, json);
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        throw new CodecException("a tool has no 'name'");
      }
      out.add(new Tool(name, description, schema));
    }
  }

  private static void readToolChoice(JsonParser p, JsonToken t, GenerationOptions.Builder o)
      throws IOException {
    if (t != JsonToken.START_OBJECT) {
      throw new CodecException("'tool_choice' must be an object");
    }
    String type = "auto";
    String name = "";
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = JsonFields.text(p, "auto");
        case "name" -> name = JsonFields.text(p, "");
        default -> p.skipChildren(); // disable_parallel_tool_use: not modelled
      }
    }
    o.toolChoice(switch (type) {
      case "auto" -> ToolChoice.AUTO;
      case "any" -> ToolChoice.REQUIRED;
      case "none" -> ToolChoice.NONE;
      case "tool" -> ToolChoice.tool(name);
      default -> throw new CodecException("unknown tool_choice type '" + type + "'");
    });
  }

  /** The effort of {@code {type: enabled, budget_tokens}}, or null for any other shape. */
  private static String thinkingEffort(String raw) throws IOException {
    String type = null;
    long budget = -1;
    int fields = 0;
    try (JsonParser p = JsonChecks.FACTORY.createParser(raw)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (JsonFields.next(p)) {
        fields++;
        switch (p.currentName()) {
          case "type" -> type = JsonFields.text(p, null);
          case "budget_tokens" -> budget = JsonFields.integer(p, budget);
          default -> p.skipChildren();
        }
      }
    }
    return "enabled".equals(type) && budget >= 0 && fields == 2 ? effort(budget) : null;
  }

  private static List<String> readStrings(JsonParser p, JsonToken t, String what)
      throws IOException {
    if (t != JsonToken.START_ARRAY) {
      throw new CodecException("'" + what + "' must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      out.add(requireString(p, p.currentToken(), what));
    }
    return out;
  }

  private static String requireString(JsonParser p, JsonToken t, String what) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw new CodecException("'" + what + "' must be a string, found " + t);
    }
    return p.getText();
  }

  private static int requireInt(JsonParser p, JsonToken t, String what) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw new CodecException("'" + what + "' must be an integer, found " + t);
    }
    return p.getIntValue();
  }

  private static double requireNumber(JsonParser p, JsonToken t, String what) throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new CodecException("'" + what + "' must be a number, found " + t);
    }
    return p.getDoubleValue();
  }

  /** The effort a thinking budget stands for: {@link AnthropicRequestEncoder#budget} inverted. */
  private static String effort(long budget) {
    if (budget == 1024) {
      return "low";
    }
    if (budget == 4096) {
      return "medium";
    }
    if (budget == 16384) {
      return "high";
    }
    return Long.toString(budget);
  }
}
