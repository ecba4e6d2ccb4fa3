package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.message.Part;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** JSON pieces the Chat encoders and decoders share. */
final class ChatJson {
  private ChatJson() {}

  /** Writes {@code json}, which must be one JSON value, as the next value of {@code g}. */
  static void writeRaw(JsonGenerator g, String json) throws IOException {
    g.writeRawValue(json.strip());
  }

  /**
   * The {@code finish_reason} an OpenAI Chat client understands: the provider's raw reason when it
   * is one of Chat's own, else the normalised reason's Chat word. Anthropic's {@code refusal} has
   * no Chat word; {@code content_filter} is what a Chat client treats as "declined".
   */
  static String chatFinishReason(FinishReason reason, String raw) {
    switch (raw) {
      case "stop":
      case "length":
      case "tool_calls":
      case "content_filter":
      case "function_call":
        return raw;
      default:
        break;
    }
    switch (reason) {
      case LENGTH:
        return "length";
      case TOOL_CALLS:
        return "tool_calls";
      case CONTENT_FILTER:
      case REFUSAL:
        return "content_filter";
      case ERROR:
        return "error";
      default:
        return "stop";
    }
  }

  /** Writes a {@code usage} object with OpenAI's field names as the next value of {@code g}. */
  static void writeUsage(JsonGenerator g, Usage usage) throws IOException {
    g.writeStartObject();
    g.writeNumberField("prompt_tokens", usage.inputTokens());
    g.writeNumberField("completion_tokens", usage.outputTokens());
    g.writeNumberField("total_tokens", usage.totalTokens());
    g.writeObjectFieldStart("prompt_tokens_details");
    g.writeNumberField("cached_tokens", usage.cacheReadTokens());
    g.writeEndObject();
    g.writeObjectFieldStart("completion_tokens_details");
    g.writeNumberField("reasoning_tokens", usage.reasoningTokens());
    g.writeEndObject();
    g.writeEndObject();
  }

  /** Writes an assistant message's {@code tool_calls} field; nothing when there are none. */
  static void writeToolCalls(JsonGenerator g, List<Part.ToolCall> calls) throws IOException {
    if (calls.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("tool_calls");
    for (Part.ToolCall call : calls) {
      g.writeStartObject();
      g.writeStringField("id", call.id());
      g.writeStringField("type", "function");
      g.writeObjectFieldStart("function");
      g.writeStringField("name", call.name());
      g.writeStringField("arguments", call.arguments());
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Reads a {@code usage} object (the parser is on its START_OBJECT), in a stream's chunk or a
   * whole response alike; without a {@code total_tokens} the total is prompt plus completion.
   */
  static Usage readUsage(JsonParser p) throws IOException {
    long prompt = 0;
    long completion = 0;
    long cached = 0;
    long reasoning = 0;
    long total = -1;
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "prompt_tokens" -> prompt = JsonFields.number(p, 0);
        case "completion_tokens" -> completion = JsonFields.number(p, 0);
        case "total_tokens" -> total = JsonFields.number(p, -1);
        case "prompt_tokens_details" -> cached = detail(p, "cached_tokens");
        case "completion_tokens_details" -> reasoning = detail(p, "reasoning_tokens");
        default -> p.skipChildren();
      }
    }
    return new Usage(prompt, completion, cached, 0, reasoning,
        total < 0 ? prompt + completion : total);
  }

  /** The number {@code name} of a details object; 0 when absent, or when it is no object. */
  private static long detail(JsonParser p, String name) throws IOException {
    long value = 0;
    if (JsonFields.isObject(p)) {
      while (JsonFields.next(p)) {
        value = name.equals(p.currentName()) ? JsonFields.number(p, value) : skip(p, value);
      }
    }
    return value;
  }

  private static long skip(JsonParser p, long kept) throws IOException {
    p.skipChildren();
    return kept;
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }

  /**
   * One {@code {"id", "function": {"name", "arguments"}}} object of an assistant message's
   * {@code tool_calls}, the parser on its START_OBJECT, read as a stream reads a fragment.
   */
  static Part.ToolCall toolCall(JsonParser p) throws IOException {
    ChatEventFields.Op op = new ChatEventFields.Op();
    op.tool(0);
    ChatEventFields.readToolCall(p, op);
    return Part.ToolCall.function(orEmpty(op.id), orEmpty(op.name), orEmpty(op.arguments));
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
