package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.internal.json.JsonChecks;
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
  static final long ABSENT = -1;

  private byte[] data;
  private int offset;
  String type;
  int wireIndex;
  String id;
  String model;
  boolean hasUsage;
  long uInput;
  long uOutput;
  long uCacheRead;
  long uCacheWrite;
  long uReasoning;
  String blockType;
  String blockId;
  String blockName;
  String blockText;
  String blockSignature;
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
    inputFrom = -1;
    deltaType = null;
    deltaText = null;
    deltaStopReason = null;
    errorType = null;
    errorMessage = null;
    try (JsonParser p = JsonChecks.FACTORY.createParser(payload, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new JsonParseException(p, "expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "type":
            type = string(p, t);
            break;
          case "index":
            if (t == JsonToken.VALUE_NUMBER_INT) {
              wireIndex = p.getIntValue();
            }
            break;
          case "message":
            readMessage(p, t);
            break;
          case "content_block":
            readBlock(p, t);
            break;
          case "delta":
            readDelta(p, t);
            break;
          case "usage":
            readUsage(p, t);
            break;
          case "error":
            readError(p, t);
            break;
          default:
            p.skipChildren();
            break;
        }
      }
      // Trailing spaces after the JSON occur on real data lines; anything else is malformed.
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "unexpected content after the JSON object");
      }
    }
  }

  private void readMessage(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "id":
          id = string(p, v);
          break;
        case "model":
          model = string(p, v);
          break;
        case "stop_reason":
          // Programmatic tool calling sends whole messages whose message_start already holds
          // the stop reason (and the content, which is not read: the reference ignores it too).
          deltaStopReason = string(p, v);
          break;
        case "usage":
          readUsage(p, v);
          break;
        default:
          p.skipChildren();
          break;
      }
    }
  }

  private void readBlock(JsonParser p, JsonToken t) throws IOException {
    blockFrom = (int) p.currentTokenLocation().getByteOffset();
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type":
          blockType = string(p, v);
          break;
        case "id":
          blockId = string(p, v);
          break;
        case "name":
          blockName = string(p, v);
          break;
        case "text":
        case "thinking":
          blockText = string(p, v);
          break;
        case "signature":
        case "data":
          blockSignature = string(p, v);
          break;
        case "input":
          inputFrom = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          inputTo = (int) p.currentLocation().getByteOffset();
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    blockTo = (int) p.currentLocation().getByteOffset();
  }

  private void readDelta(JsonParser p, JsonToken t) throws IOException {
    deltaFrom = (int) p.currentTokenLocation().getByteOffset();
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type":
          deltaType = string(p, v);
          break;
        case "text":
        case "partial_json":
        case "thinking":
        case "signature":
          deltaText = string(p, v);
          break;
        case "stop_reason":
          deltaStopReason = string(p, v);
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    deltaTo = (int) p.currentLocation().getByteOffset();
  }

  private void readUsage(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    hasUsage = true;
    uInput = ABSENT;
    uOutput = ABSENT;
    uCacheRead = ABSENT;
    uCacheWrite = ABSENT;
    uReasoning = ABSENT;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "input_tokens":
          uInput = count(p, v);
          break;
        case "output_tokens":
          uOutput = count(p, v);
          break;
        case "cache_read_input_tokens":
          uCacheRead = count(p, v);
          break;
        case "cache_creation_input_tokens":
          uCacheWrite = count(p, v);
          break;
        case "output_tokens_details":
          if (v == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String inner = p.currentName();
              JsonToken iv = p.nextToken();
              if ("thinking_tokens".equals(inner)) {
                uReasoning = count(p, iv);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
          break;
      }
    }
  }

  private void readError(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("type".equals(field)) {
        errorType = string(p, v);
      } else if ("message".equals(field)) {
        errorMessage = string(p, v);
      } else {
        p.skipChildren();
      }
    }
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

  private static String string(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  private static long count(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    p.skipChildren();
    return ABSENT;
  }

}
