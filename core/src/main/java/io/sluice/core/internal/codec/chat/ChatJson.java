package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.message.Part;
import java.io.IOException;
import java.io.UncheckedIOException;

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

  /** Reads a {@code usage} object (the parser is on its START_OBJECT). */
  static Usage readUsage(JsonParser p) throws IOException {
    long prompt = 0;
    long completion = 0;
    long cached = 0;
    long reasoning = 0;
    long total = -1;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "prompt_tokens":
          prompt = v.isNumeric() ? p.getLongValue() : 0;
          break;
        case "completion_tokens":
          completion = v.isNumeric() ? p.getLongValue() : 0;
          break;
        case "total_tokens":
          total = v.isNumeric() ? p.getLongValue() : -1;
          break;
        case "prompt_tokens_details":
          cached = v == JsonToken.START_OBJECT ? ChatEventFields.readDetail(p, "cached_tokens") : 0;
          p.skipChildren();
          break;
        case "completion_tokens_details":
          reasoning =
              v == JsonToken.START_OBJECT ? ChatEventFields.readDetail(p, "reasoning_tokens") : 0;
          p.skipChildren();
          break;
        default:
          p.skipChildren();
      }
    }
    return new Usage(prompt, completion, cached, 0, reasoning,
        total < 0 ? prompt + completion : total);
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }

  /**
   * One {@code {"id", "function": {"name", "arguments"}}} object of an assistant message's
   * {@code tool_calls}, the parser on its START_OBJECT; arguments given as an object are kept as
   * JSON text.
   */
  static Part.ToolCall toolCall(JsonParser p) throws IOException {
    String id = "";
    String name = "";
    String arguments = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("id".equals(field) && v == JsonToken.VALUE_STRING) {
        id = p.getText();
      } else if ("function".equals(field) && v == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken fv = p.nextToken();
          if ("name".equals(f) && fv == JsonToken.VALUE_STRING) {
            name = p.getText();
          } else if ("arguments".equals(f) && fv == JsonToken.VALUE_STRING) {
            arguments = p.getText();
          } else if ("arguments".equals(f) && fv == JsonToken.START_OBJECT) {
            arguments = JsonChecks.copyToString(p);
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
    return Part.ToolCall.function(id, name, arguments);
  }
}
