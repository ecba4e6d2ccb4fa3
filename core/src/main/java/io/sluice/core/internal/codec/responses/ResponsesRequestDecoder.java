package io.sluice.core.internal.codec.responses;

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
import java.util.Set;

/** Reads a {@code POST /v1/responses} body; see {@link ResponsesRequestEncoder} for the mapping. */
final class ResponsesRequestDecoder {
  private ResponsesRequestDecoder() {}

  static ChatRequest decode(byte[] body) {
    return JsonBodies.readObject(body, "the request body", ResponsesRequestDecoder::read);
  }

  private static ChatRequest read(JsonParser p) throws IOException {
    String model = null;
    String instructions = null;
    List<Message> messages = new ArrayList<>();
    List<Tool> tools = new ArrayList<>();
    GenerationOptions.Builder options = GenerationOptions.builder();
    boolean stream = false;
    Map<String, String> extra = new LinkedHashMap<>();
    while (JsonFields.next(p)) {
      String name = p.currentName();
      JsonToken t = p.currentToken();
      switch (name) {
        case "model" -> {
          if (t != JsonToken.VALUE_STRING) {
            throw new CodecException("'model' must be a string");
          }
          model = p.getText();
        }
        case "instructions" -> {
          if (t == JsonToken.VALUE_STRING) {
            instructions = p.getText();
          } else if (t != JsonToken.VALUE_NULL) {
            throw new CodecException("'instructions' must be a string");
          }
        }
        case "input" -> readInput(p, messages);
        case "tools" -> {
          String raw = JsonChecks.copyToString(p);
          if (!readTools(raw, tools)) {
            extra.put(name, raw); // built-in tools: passed through whole
          }
        }
        case "tool_choice" -> {
          String raw = JsonChecks.copyToString(p);
          ToolChoice choice = readToolChoice(raw);
          if (choice != null) {
            options.toolChoice(choice);
          } else {
            extra.put(name, raw); // allowed_tools, built-in tool choices: passed through
          }
        }
        case "temperature" -> options.temperature(number(p, name));
        case "top_p" -> options.topP(number(p, name));
        case "max_output_tokens" -> options.maxTokens((int) number(p, name));
        case "reasoning" -> {
          String raw = JsonChecks.copyToString(p);
          if (!readReasoning(raw, options)) {
            extra.put(name, raw);
          }
        }
        case "text" -> {
          String raw = JsonChecks.copyToString(p);
          if (!readText(raw, options)) {
            extra.put(name, raw);
          }
        }
        case "stream" -> stream = t == JsonToken.VALUE_TRUE;
        default -> extra.put(name, JsonChecks.copyToString(p));
      }
    }
    if (model == null) {
      throw new CodecException("the request has no 'model'");
    }
    if (instructions != null) {
      messages.add(0, Message.system(instructions));
    }
    return new ChatRequest(model, messages, tools, options.build(), stream, extra);
  }

  private static double number(JsonParser p, String name) throws IOException {
    if (!p.currentToken().isNumeric()) {
      throw new CodecException("'" + name + "' must be a number");
    }
    return p.getDoubleValue();
  }

  private static void readInput(JsonParser p, List<Message> messages) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      messages.add(Message.user(p.getText()));
      return;
    }
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new CodecException("'input' must be a string or an array of items");
    }
    List<Part> assistant = new ArrayList<>();
    int n = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw new CodecException("input item " + n + " must be an object");
      }
      ResponsesJson.Item item = ResponsesJson.readItem(p);
      String raw = item.raw;
      String role = roleOf(raw);
      if (!role.isEmpty() && !role.equals("assistant")) {
        flush(assistant, messages);
        messages.add(readRoleMessage(raw, role, n));
      } else if (item.type.equals("function_call_output")
          || item.type.equals("custom_tool_call_output")) {
        flush(assistant, messages);
        messages.add(new Message(Role.TOOL, List.of(readToolResult(raw, n))));
      } else if (role.equals("assistant")) {
        assistant.addAll(readRoleMessage(raw, role, n).parts());
      } else if (item.type.isEmpty()) {
        throw new CodecException("input item " + n + " has neither 'role' nor 'type'");
      } else {
        ResponsesItems.toParts(item, assistant);
      }
      n++;
    }
    flush(assistant, messages);
  }

  private static void flush(List<Part> assistant, List<Message> messages) {
    if (!assistant.isEmpty()) {
      messages.add(new Message(Role.ASSISTANT, assistant));
      assistant.clear();
    }
  }

  private static String roleOf(String raw) throws IOException {
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      q.nextToken();
      return JsonFields.find(q, "role") ? ResponsesJson.string(q) : "";
    }
  }

  private static Message readRoleMessage(String raw, String role, int n) throws IOException {
    Role r = switch (role) {
      case "user" -> Role.USER;
      case "system", "developer" -> Role.SYSTEM;
      case "assistant" -> Role.ASSISTANT;
      default -> throw new CodecException("input item " + n + " has an unknown role '" + role
          + "'");
    };
    List<Part> parts = new ArrayList<>();
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      q.nextToken();
      while (JsonFields.find(q, "content")) {
        if (q.currentToken() == JsonToken.VALUE_STRING) {
          parts.add(new Part.Text(q.getText()));
        } else if (q.currentToken() == JsonToken.START_ARRAY) {
          while (q.nextToken() == JsonToken.START_OBJECT) {
            parts.add(readContentPart(JsonChecks.copyToString(q)));
          }
        } else {
          throw new CodecException("input item " + n + ": 'content' must be a string or an array");
        }
      }
    }
    return new Message(r, parts);
  }

  private static Part readContentPart(String raw) throws IOException {
    String type = "";
    String text = "";
    String url = "";
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      q.nextToken();
      while (JsonFields.next(q)) {
        switch (q.currentName()) {
          case "type" -> type = ResponsesJson.string(q);
          case "text", "refusal" -> text = ResponsesJson.string(q);
          case "image_url" -> url = ResponsesJson.string(q);
          default -> q.skipChildren();
        }
      }
    }
    return switch (type) {
      case "input_text", "output_text", "text" -> new Part.Text(text);
      case "refusal" -> new Part.Refusal(text);
      case "input_image" -> url.isEmpty() ? new Part.Opaque(type, raw)
          : new Part.Image(url, mediaType(url));
      default -> new Part.Opaque(type, raw);
    };
  }

  /** The media type a {@code data:} URL names, or empty. */
  static String mediaType(String url) {
    if (!url.startsWith("data:")) {
      return "";
    }
    int end = url.indexOf(';');
    int comma = url.indexOf(',');
    int stop = end < 0 ? comma : comma < 0 ? end : Math.min(end, comma);
    return stop < 0 ? "" : url.substring(5, stop);
  }

  private static Part readToolResult(String raw, int n) throws IOException {
    String callId = null;
    String output = "";
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      q.nextToken();
      while (JsonFields.next(q)) {
        switch (q.currentName()) {
          case "call_id" -> callId = ResponsesJson.string(q);
          case "output" -> output = q.currentToken() == JsonToken.VALUE_STRING ? q.getText()
              : JsonChecks.copyToString(q); // content parts: kept as their JSON text
          default -> q.skipChildren();
        }
      }
    }
    if (callId == null || callId.isEmpty()) {
      throw new CodecException("input item " + n + ": a tool output needs its 'call_id'");
    }
    return new Part.ToolResult(callId, output, false);
  }

  /** Function tools into the model; false when a tool of another kind is present. */
  private static boolean readTools(String raw, List<Tool> tools) throws IOException {
    List<Tool> read = new ArrayList<>();
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      if (q.nextToken() != JsonToken.START_ARRAY) {
        throw new CodecException("'tools' must be an array");
      }
      while (q.nextToken() == JsonToken.START_OBJECT) {
        String type = "";
        String name = "";
        String description = "";
        String parameters = "{}";
        while (JsonFields.next(q)) {
          switch (q.currentName()) {
            case "type" -> type = ResponsesJson.string(q);
            case "name" -> name = ResponsesJson.string(q);
            case "description" -> description = ResponsesJson.string(q);
            case "parameters" -> parameters = JsonChecks.copyToString(q);
            case "strict" -> q.skipChildren();
            default -> {
              return false;
            }
          }
        }
        if (!type.equals("function")) {
          return false;
        }
        read.add(new Tool(name, description, parameters));
      }
    }
    tools.addAll(read);
    return true;
  }

  private static ToolChoice readToolChoice(String raw) throws IOException {
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      JsonToken t = q.nextToken();
      if (t == JsonToken.VALUE_STRING) {
        return switch (q.getText()) {
          case "auto" -> ToolChoice.AUTO;
          case "none" -> ToolChoice.NONE;
          case "required" -> ToolChoice.REQUIRED;
          default -> null;
        };
      }
      Map<String, String> fields = new LinkedHashMap<>();
      if (t != JsonToken.START_OBJECT || !readStrings(raw, Set.of("type", "name"), fields::put)) {
        return null;
      }
      return "function".equals(fields.get("type")) && fields.containsKey("name")
          ? ToolChoice.tool(fields.get("name")) : null;
    }
  }

  private static boolean readReasoning(String raw, GenerationOptions.Builder options)
      throws IOException {
    return readStrings(raw, Set.of("effort", "summary"), (name, value) -> {
      if (name.equals("effort")) {
        options.reasoningEffort(value);
      } else {
        options.reasoningSummary(value);
      }
    });
  }

  private static boolean readText(String raw, GenerationOptions.Builder options)
      throws IOException {
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      if (q.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      String format = null;
      while (q.nextToken() == JsonToken.FIELD_NAME) {
        if (!q.currentName().equals("format") || q.nextToken() != JsonToken.START_OBJECT) {
          return false;
        }
        format = ResponsesFormats.toChat(q);
      }
      if (format != null) {
        options.responseFormat(format);
      }
      return true;
    }
  }

  /** Reads an object of string fields out of {@code allowed}; false when it holds anything else. */
  private static boolean readStrings(String raw, Set<String> allowed,
      java.util.function.BiConsumer<String, String> sink) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      if (q.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (JsonFields.next(q)) {
        String name = q.currentName();
        JsonToken t = q.currentToken();
        if (!allowed.contains(name) || (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL)) {
          return false;
        }
        if (t == JsonToken.VALUE_STRING) {
          values.put(name, q.getText());
        }
      }
    }
    values.forEach(sink);
    return true;
  }
}
