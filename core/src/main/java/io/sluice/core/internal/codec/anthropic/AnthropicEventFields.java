package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.internal.json.ExactJson;
import io.sluice.core.internal.json.Utf8Parsers;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.internal.json.KnownStrings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The fields of one Anthropic stream payload that the decoder uses, read in one streaming pass
 * whatever the order of the keys; everything else is skipped with {@code skipChildren()}. Raw
 * JSON (a whole block, a tool input, a delta) is kept as byte offsets into the UTF-8 payload,
 * so nothing is decoded unless it is used ({@link #slice}, valid only while the payload's array
 * is). Reused for every event.
 */
final class AnthropicEventFields {
  // Types that every event repeats, read without a new String each time.
  private static final KnownStrings EVENT_TYPES = new KnownStrings("message_start",
      "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
      "message_stop", "ping", "error");
  private static final KnownStrings BLOCK_TYPES = new KnownStrings("text", "tool_use",
      "server_tool_use", "mcp_tool_use", "thinking", "redacted_thinking");
  private static final KnownStrings DELTA_TYPES = new KnownStrings("text_delta",
      "input_json_delta", "thinking_delta", "signature_delta", "citations_delta");

  private static final byte[] TYPE = ExactJson.bytes("{\"type\":");
  private static final byte[] INDEX = ExactJson.bytes(",\"index\":");
  private static final byte[] DELTA = ExactJson.bytes(",\"delta\":{\"type\":");
  private static final byte[][] DELTA_TEXT_KEYS = {ExactJson.bytes(",\"text\":"),
      ExactJson.bytes(",\"partial_json\":"), ExactJson.bytes(",\"thinking\":"),
      ExactJson.bytes(",\"signature\":")};

  private final ExactJson exact = new ExactJson();
  private byte[] data;
  private int offset;
  String type;
  int wireIndex;
  String id;
  String model;
  /** Whether the event carries a usage object, whose counts are then in {@link #usage}. */
  boolean hasUsage;
  final long[] usage = AnthropicUsage.counts();
  String blockType;
  String blockId;
  String blockName;
  String blockText;
  String blockSignature;
  /**
   * The block's first top-level {@code tool_use_id} if a string, "" if another value, null if
   * none: what {@code Annotations.stringField} would find in the block's JSON, read in the same
   * pass instead of parsing that JSON (a whole tool result, often many kilobytes) again.
   */
  String blockToolUseId;
  int blockFrom;
  int blockTo;
  int inputFrom;
  int inputTo;
  String deltaType;
  String deltaText;
  String deltaStopReason;
  int deltaFrom;
  int deltaTo;
  String errorType;
  String errorMessage;

  /** Reads the payload at {@code [offset, offset + length)} of {@code payload}. */
  void read(byte[] payload, int offset, int length) throws IOException {
    clear(payload, offset);
    if (!readCommon(payload, offset, length)) {
      readParsed(payload, offset, length);
    }
  }

  private void clear(byte[] payload, int offset) {
    this.data = payload;
    this.offset = offset;
    type = null;
    wireIndex = -1;
    id = null;
    model = null;
    hasUsage = false;
    blockType = null;
    blockId = null;
    blockName = null;
    blockText = null;
    blockSignature = null;
    blockToolUseId = null;
    inputFrom = -1;
    deltaType = null;
    deltaText = null;
    deltaStopReason = null;
    errorType = null;
    errorMessage = null;
  }

  /** As {@link #read}, always with Jackson: what {@link #readCommon} must agree with. */
  void readWithParser(byte[] payload, int offset, int length) throws IOException {
    clear(payload, offset);
    readParsed(payload, offset, length);
  }

  private void readParsed(byte[] payload, int offset, int length) throws IOException {
    try (JsonParser p = Utf8Parsers.open(payload, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "expected a JSON object");
      }
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "type" -> type = JsonFields.string(p, EVENT_TYPES);
          case "index" -> wireIndex = index(p);
          case "message" -> readMessage(p);
          case "content_block" -> readBlock(p);
          case "delta" -> readDelta(p);
          case "usage" -> hasUsage |= AnthropicUsage.read(p, usage);
          case "error" -> {
            AnthropicErrors.Wire error = AnthropicErrors.read(p);
            errorType = error.type();
            errorMessage = error.message();
          }
          default -> p.skipChildren();
        }
      }
      // Trailing spaces after the JSON occur on real data lines; anything else is malformed.
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "unexpected content after the JSON object");
      }
    }
  }

  /**
   * Reads the events that make up nearly all of a stream, in the compact form the API sends
   * them: {@code {"type":…}} ({@code ping}, {@code message_stop}), with an {@code index}
   * ({@code content_block_stop}), and with a {@code delta} of a type and one text
   * ({@code content_block_delta}). False, and nothing set, for any other payload, which
   * {@link #read} then reads with Jackson: the fields come out the same either way.
   */
  boolean readCommon(byte[] payload, int offset, int length) {
    ExactJson in = exact;
    in.reset(payload, offset, length);
    if (!in.literal(TYPE)) {
      return false;
    }
    String eventType = in.known(EVENT_TYPES);
    if (eventType == null) {
      return false;
    }
    int index = -1;
    String dType = null;
    String dText = null;
    int dFrom = 0;
    int dTo = 0;
    if (in.literal(INDEX)) {
      index = in.smallInt();
      if (index < 0) {
        return false;
      }
      if (in.at(DELTA)) {
        dFrom = in.offset() + DELTA.length - TYPE.length;
        in.literal(DELTA);
        dType = in.known(DELTA_TYPES);
        if (dType == null || !textKey(in)) {
          return false;
        }
        dText = in.string();
        if (dText == null || !in.literal('}')) {
          return false;
        }
        dTo = in.offset();
      }
    }
    if (!in.literal('}') || !in.atEnd()) {
      return false;
    }
    type = eventType;
    wireIndex = index;
    if (dType != null) {
      deltaType = dType;
      deltaText = dText;
      deltaFrom = dFrom;
      deltaTo = dTo;
    }
    return true;
  }

  private static boolean textKey(ExactJson in) {
    for (byte[] key : DELTA_TEXT_KEYS) {
      if (in.literal(key)) {
        return true;
      }
    }
    return false;
  }

  private void readMessage(JsonParser p) throws IOException {
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "id" -> id = JsonFields.string(p);
        case "model" -> model = JsonFields.string(p);
        // Programmatic tool calling sends whole messages whose message_start already holds
        // the stop reason (and the content, which is not read: the reference ignores it too).
        case "stop_reason" -> deltaStopReason = JsonFields.string(p);
        case "usage" -> hasUsage |= AnthropicUsage.read(p, usage);
        default -> p.skipChildren();
      }
    }
  }

  private void readBlock(JsonParser p) throws IOException {
    blockFrom = (int) p.currentTokenLocation().getByteOffset();
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> blockType = JsonFields.string(p, BLOCK_TYPES);
        case "id" -> blockId = JsonFields.string(p);
        case "name" -> blockName = JsonFields.string(p);
        case "text", "thinking" -> blockText = JsonFields.string(p);
        case "signature", "data" -> blockSignature = JsonFields.string(p);
        case "tool_use_id" -> {
          String value = JsonFields.string(p);
          if (blockToolUseId == null) {
            blockToolUseId = value == null ? "" : value;
          }
        }
        case "input" -> {
          inputFrom = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          inputTo = (int) p.currentLocation().getByteOffset();
        }
        default -> p.skipChildren();
      }
    }
    blockTo = (int) p.currentLocation().getByteOffset();
  }

  private void readDelta(JsonParser p) throws IOException {
    deltaFrom = (int) p.currentTokenLocation().getByteOffset();
    if (!JsonFields.isObject(p)) {
      return;
    }
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> deltaType = JsonFields.string(p, DELTA_TYPES);
        case "text", "partial_json", "thinking", "signature" -> deltaText = JsonFields.string(p);
        case "stop_reason" -> deltaStopReason = JsonFields.string(p);
        default -> p.skipChildren();
      }
    }
    deltaTo = (int) p.currentLocation().getByteOffset();
  }

  /** A block's {@code index}; anything but an integer leaves the index unknown. */
  private int index(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return p.getIntValue();
    }
    p.skipChildren();
    return wireIndex;
  }

  /** The payload's text between two offsets that {@link #read} recorded. */
  String slice(int from, int to) {
    return new String(data, offset + from, to - from, StandardCharsets.UTF_8);
  }

  /** True if the payload holds only braces and JSON whitespace between two recorded offsets. */
  boolean onlyBraces(int from, int to) {
    for (int i = offset + from; i < offset + to; i++) {
      byte c = data[i];
      if (c != '{' && c != '}' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return false;
      }
    }
    return true;
  }
}
