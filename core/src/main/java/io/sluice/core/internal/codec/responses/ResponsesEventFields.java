package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.internal.codec.Annotations;
import io.sluice.core.internal.codec.responses.ResponsesJson.ContentPart;
import io.sluice.core.internal.codec.responses.ResponsesJson.Item;
import io.sluice.core.internal.json.ExactJson;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.internal.json.KnownStrings;
import io.sluice.core.internal.json.Utf8Parsers;
import java.io.IOException;
import java.util.List;

/** The fields of one Responses event that the decoder reads; one instance, reset per event. */
final class ResponsesEventFields {
  /** The event types the decoder maps, read without a new String per event. */
  private static final KnownStrings TYPES = new KnownStrings(
      "response.created", "response.queued", "response.in_progress",
      "response.output_item.added", "response.output_item.done",
      "response.content_part.added", "response.content_part.done",
      "response.output_text.delta", "response.output_text.done",
      "response.output_text.annotation.added",
      "response.refusal.delta", "response.refusal.done",
      "response.reasoning_text.delta", "response.reasoning_text.done",
      "response.reasoning_summary_part.added", "response.reasoning_summary_part.done",
      "response.reasoning_summary_text.delta", "response.reasoning_summary_text.done",
      "response.function_call_arguments.delta", "response.function_call_arguments.done",
      "response.custom_tool_call_input.delta", "response.custom_tool_call_input.done",
      "response.mcp_call_arguments.delta",
      "response.completed", "response.incomplete", "response.failed", "error");

  private static final byte[] TYPE = ExactJson.bytes("type");
  private static final byte[] SEQUENCE = ExactJson.bytes("sequence_number");
  private static final byte[] OUTPUT_INDEX = ExactJson.bytes("output_index");
  private static final byte[] CONTENT_INDEX = ExactJson.bytes("content_index");
  private static final byte[] SUMMARY_INDEX = ExactJson.bytes("summary_index");
  private static final byte[] ITEM_ID = ExactJson.bytes("item_id");
  private static final byte[] DELTA = ExactJson.bytes("delta");
  private static final byte[] LOGPROBS = ExactJson.bytes("logprobs");
  private static final byte[] EMPTY_ARRAY = ExactJson.bytes("[]");
  /** The other names {@link #read} reads: a payload with one of them is left to Jackson. */
  private static final byte[][] OTHERS = {ExactJson.bytes("text"), ExactJson.bytes("arguments"),
      ExactJson.bytes("input"), ExactJson.bytes("refusal"), ExactJson.bytes("code"),
      ExactJson.bytes("message"), ExactJson.bytes("param"), ExactJson.bytes("status"),
      ExactJson.bytes("item"), ExactJson.bytes("annotation"), ExactJson.bytes("part"),
      ExactJson.bytes("response"), ExactJson.bytes("error")};

  private final ExactJson exact = new ExactJson();

  /** The last {@code item_id} read: consecutive events name the same item. */
  private String lastItemId;

  String type;
  long sequence;
  int outputIndex;
  int contentIndex;
  int summaryIndex;
  String itemId;
  String delta;
  String text;
  String code;
  String message;
  String param;
  int status;
  Item item;
  ContentPart part;
  /** The raw JSON of an {@code annotation}, or null. */
  String annotation;
  /** The {@code logprobs} of a text delta; empty when absent. */
  List<TokenLogprob> logprobs = List.of();
  ResponsesJson.Response response;
  ResponsesJson.Error error;

  void reset() {
    type = null;
    sequence = -1;
    outputIndex = -1;
    contentIndex = -1;
    summaryIndex = -1;
    itemId = "";
    delta = null;
    text = null;
    code = "";
    message = "";
    param = "";
    status = 0;
    item = null;
    part = null;
    annotation = null;
    logprobs = List.of();
    response = null;
    error = null;
  }

  /** Reads one event's payload, {@code [offset, offset + length)} of {@code data}. */
  void read(byte[] data, int offset, int length) throws IOException {
    reset();
    if (!readFlat(data, offset, length)) {
      readWithParser(data, offset, length);
    }
  }

  /** As {@link #read}, always with Jackson: what {@link #readFlat} must agree with. */
  void readWithParser(byte[] data, int offset, int length) throws IOException {
    reset();
    try (JsonParser p = Utf8Parsers.open(data, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("an event must be a JSON object");
      }
      read(p);
      if (p.nextToken() != null) {
        throw new IOException("trailing data after the JSON object");
      }
    }
  }

  private void read(JsonParser p) throws IOException {
    while (JsonFields.next(p)) {
      JsonToken t = p.currentToken();
      switch (p.currentName()) {
        case "type" -> type = t == JsonToken.VALUE_STRING ? JsonFields.string(p, TYPES)
            : ResponsesJson.string(p);
        case "sequence_number" -> sequence = JsonFields.integer(p, -1);
        case "output_index" -> outputIndex = (int) ResponsesJson.number(p);
        case "content_index" -> contentIndex = (int) ResponsesJson.number(p);
        case "summary_index" -> summaryIndex = (int) ResponsesJson.number(p);
        case "item_id" -> itemId = lastItemId = t == JsonToken.VALUE_STRING
            ? JsonFields.repeated(p, lastItemId) : ResponsesJson.string(p);
        case "delta" -> delta = JsonFields.string(p);
        case "text", "arguments", "input", "refusal" -> text = JsonFields.string(p);
        case "code" -> code = ResponsesJson.string(p);
        case "message" -> message = ResponsesJson.string(p);
        case "param" -> param = ResponsesJson.string(p);
        case "status" -> status = (int) ResponsesJson.number(p);
        case "item" -> item = t == JsonToken.START_OBJECT ? ResponsesJson.readItem(p) : null;
        case "annotation" -> annotation = t == JsonToken.START_OBJECT
            ? JsonChecks.copyToString(p) : skip(p);
        case "logprobs" -> logprobs = Annotations.logprobs(p);
        case "part" -> part = t == JsonToken.START_OBJECT ? readPart(p) : null;
        case "response" -> response = t == JsonToken.START_OBJECT
            ? ResponsesJson.readResponse(p) : null;
        case "error" -> error = t == JsonToken.START_OBJECT ? ResponsesJson.readError(p) : null;
        default -> p.skipChildren();
      }
    }
  }

  /**
   * Reads the deltas that make up most of a stream without Jackson: a compact object (no
   * whitespace) whose values are the type, the indexes and sequence number as small integers,
   * the item id and delta as strings, {@code "logprobs":[]}, and strings under names the decoder
   * does not read ({@code obfuscation}), in any order. False for any other payload, the fields
   * then undefined: {@link #reset} and read it with Jackson, which gives the same fields.
   */
  boolean readFlat(byte[] data, int offset, int length) {
    ExactJson in = exact;
    in.reset(data, offset, length);
    if (!in.literal('{')) {
      return false;
    }
    String id = null;
    if (!in.literal('}')) {
      do {
        if (!in.name()) {
          return false;
        }
        if (in.nameMatches(TYPE)) {
          // An unknown type is a new String, as JsonFields.string(p, TYPES) makes it.
          if ((type = in.known(TYPES)) == null && (type = in.string()) == null) {
            return false;
          }
        } else if (in.nameMatches(DELTA)) {
          if ((delta = in.string()) == null) {
            return false;
          }
        } else if (in.nameMatches(ITEM_ID)) {
          if ((id = in.repeated(lastItemId)) == null) {
            return false;
          }
        } else if (in.nameMatches(SEQUENCE)) {
          if ((sequence = in.smallInt()) < 0) {
            return false;
          }
        } else if (in.nameMatches(OUTPUT_INDEX)) {
          if ((outputIndex = in.smallInt()) < 0) {
            return false;
          }
        } else if (in.nameMatches(CONTENT_INDEX)) {
          if ((contentIndex = in.smallInt()) < 0) {
            return false;
          }
        } else if (in.nameMatches(SUMMARY_INDEX)) {
          if ((summaryIndex = in.smallInt()) < 0) {
            return false;
          }
        } else if (in.nameMatches(LOGPROBS)) {
          if (!in.literal(EMPTY_ARRAY)) {
            return false;
          }
          logprobs = List.of();
        } else if (readByParser(in) || !in.skipString()) {
          return false;
        }
      } while (in.literal(','));
      if (!in.literal('}')) {
        return false;
      }
    }
    if (!in.atEnd()) {
      return false;
    }
    if (id != null) {
      itemId = lastItemId = id;
    }
    return true;
  }

  private static boolean readByParser(ExactJson in) {
    for (byte[] name : OTHERS) {
      if (in.nameMatches(name)) {
        return true;
      }
    }
    return false;
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  private static ContentPart readPart(JsonParser p) throws IOException {
    String type = "";
    String text = null;
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = ResponsesJson.string(p);
        case "text", "refusal" -> text = JsonFields.string(p);
        default -> p.skipChildren();
      }
    }
    return new ContentPart(type, text);
  }

}
