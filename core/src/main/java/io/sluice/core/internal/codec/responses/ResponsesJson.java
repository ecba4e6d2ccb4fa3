package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.json.CopyingParser;
import io.sluice.core.internal.json.JsonFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Responses objects sluice reads whole: an output item, a response object, its usage and
 * error. Read with the streaming parser, fields sluice does not use skipped with
 * {@code skipChildren()}; an item also keeps its raw JSON so an item kind sluice does not model
 * passes through untouched.
 */
final class ResponsesJson {
  private ResponsesJson() {}

  /** One content part of a message item ({@code output_text}, {@code refusal}) or reasoning item. */
  record ContentPart(String type, String text) {}

  /** An output item as the provider sent it, with the fields sluice maps. */
  static final class Item {
    String type = "";
    String id = "";
    String callId = "";
    String name = "";
    /** {@code arguments} of a function call, {@code input} of a custom tool call; null if absent. */
    String arguments;
    String encryptedContent = "";
    final List<String> summary = new ArrayList<>();
    final List<ContentPart> content = new ArrayList<>();
    String raw = "{}";

    boolean isToolCall() {
      return "function_call".equals(type) || "custom_tool_call".equals(type);
    }
  }

  /** A response object: the payload of the lifecycle events and of a non-streaming body. */
  static final class Response {
    String id = "";
    String model = "";
    long createdAt;
    String status = "";
    final List<Item> output = new ArrayList<>();
    /** Null when the response has none (yet). */
    Usage usage;
    /** Null when the response has no error. */
    Error error;
    String incompleteReason = "";
  }

  /** An error object: {@code response.error}, an {@code error} event, or an error body. */
  record Error(String type, String code, String message, String param, int status) {}

  /** Reads a string, or empty for null or any other value (which is skipped). */
  static String string(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getText(); // compatible servers send numeric error codes
    }
    p.skipChildren();
    return "";
  }

  static long number(JsonParser p) throws IOException {
    return JsonFields.number(p, 0);
  }

  static void expectObject(JsonParser p, String what) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new IOException(what + " must be a JSON object, was " + p.currentToken());
    }
  }

  /** Reads an item; the parser is on its START_OBJECT and ends on its END_OBJECT. */
  static Item readItem(JsonParser p) throws IOException {
    expectObject(p, "an output item");
    Item item = new Item();
    // One pass reads the fields and keeps the item's JSON (compact, as copyToString writes it).
    CopyingParser q = new CopyingParser(p);
    while (JsonFields.next(q)) {
      switch (q.currentName()) {
        case "type" -> item.type = string(q);
        case "id" -> item.id = string(q);
        case "call_id" -> item.callId = string(q);
        case "name" -> item.name = string(q);
        case "arguments", "input" -> item.arguments = q.currentToken() == JsonToken.VALUE_STRING
            ? q.getText() : skipNull(q);
        case "encrypted_content" -> item.encryptedContent = string(q);
        case "summary" -> readParts(q, item, true);
        case "content" -> readParts(q, item, false);
        default -> q.skipChildren();
      }
    }
    item.raw = q.copy();
    return item;
  }

  private static String skipNull(JsonParser q) throws IOException {
    q.skipChildren();
    return null;
  }

  private static void readParts(JsonParser q, Item item, boolean summary) throws IOException {
    if (q.currentToken() != JsonToken.START_ARRAY) {
      q.skipChildren(); // content may be null, or a string on an input message
      return;
    }
    while (q.nextToken() == JsonToken.START_OBJECT) {
      String type = "";
      String text = "";
      while (JsonFields.next(q)) {
        switch (q.currentName()) {
          case "type" -> type = string(q);
          case "text", "refusal" -> text = string(q);
          default -> q.skipChildren();
        }
      }
      if (summary) {
        item.summary.add(text);
      } else {
        item.content.add(new ContentPart(type, text));
      }
    }
  }

  /** Reads a response object; the parser is on its START_OBJECT and ends on its END_OBJECT. */
  static Response readResponse(JsonParser p) throws IOException {
    expectObject(p, "'response'");
    Response r = new Response();
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "id" -> r.id = string(p);
        case "model" -> r.model = string(p);
        case "created_at" -> r.createdAt = number(p);
        case "status" -> r.status = string(p);
        case "output" -> {
          if (p.currentToken() == JsonToken.START_ARRAY) {
            while (p.nextToken() != JsonToken.END_ARRAY) {
              r.output.add(readItem(p));
            }
          } else {
            p.skipChildren();
          }
        }
        case "usage" -> r.usage = p.currentToken() == JsonToken.START_OBJECT ? readUsage(p) : null;
        case "error" -> r.error = p.currentToken() == JsonToken.START_OBJECT ? readError(p) : null;
        case "incomplete_details" -> r.incompleteReason = readReason(p);
        default -> p.skipChildren();
      }
    }
    return r;
  }

  private static String readReason(JsonParser p) throws IOException {
    String reason = "";
    if (JsonFields.isObject(p)) {
      while (JsonFields.next(p)) {
        reason = p.currentName().equals("reason") ? string(p) : skip(p, reason);
      }
    }
    return reason;
  }

  private static String skip(JsonParser p, String kept) throws IOException {
    p.skipChildren();
    return kept;
  }

  /**
   * Reads usage: {@code input_tokens} already counts cached tokens, as {@link Usage} wants;
   * {@code cache_write_tokens} appears in newer captures [programmatic-tool-calling.1].
   */
  static Usage readUsage(JsonParser p) throws IOException {
    long input = 0;
    long output = 0;
    long cacheRead = 0;
    long cacheWrite = 0;
    long reasoning = 0;
    long total = -1;
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "input_tokens" -> input = number(p);
        case "output_tokens" -> output = number(p);
        case "total_tokens" -> total = number(p);
        case "input_tokens_details", "output_tokens_details" -> {
          if (!JsonFields.isObject(p)) {
            break;
          }
          while (JsonFields.next(p)) {
            switch (p.currentName()) {
              case "cached_tokens" -> cacheRead = number(p);
              case "cache_write_tokens" -> cacheWrite = number(p);
              case "reasoning_tokens" -> reasoning = number(p);
              default -> p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    return new Usage(input, output, cacheRead, cacheWrite, reasoning,
        total < 0 ? input + output : total);
  }

  /** Reads an error object {type, code, message, param}. */
  static Error readError(JsonParser p) throws IOException {
    String type = "";
    String code = "";
    String message = "";
    String param = "";
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = string(p);
        case "code" -> code = string(p);
        case "message" -> message = string(p);
        case "param" -> param = string(p);
        default -> p.skipChildren();
      }
    }
    return new Error(type, code, message, param, 0);
  }

  /** Writes usage as the Responses {@code usage} object. */
  static void writeUsage(JsonGenerator g, Usage u) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("input_tokens", u.inputTokens());
    g.writeObjectFieldStart("input_tokens_details");
    g.writeNumberField("cached_tokens", u.cacheReadTokens());
    if (u.cacheWriteTokens() != 0) {
      g.writeNumberField("cache_write_tokens", u.cacheWriteTokens());
    }
    g.writeEndObject();
    g.writeNumberField("output_tokens", u.outputTokens());
    g.writeObjectFieldStart("output_tokens_details");
    g.writeNumberField("reasoning_tokens", u.reasoningTokens());
    g.writeEndObject();
    g.writeNumberField("total_tokens", u.totalTokens());
    g.writeEndObject();
  }
}
