package io.sluice.gateway.internal.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.gateway.internal.upstream.Bytes;
import java.io.IOException;

/** Recognises the extra chunk {@code stream_options.include_usage} adds to a Chat stream. */
final class ChatUsageChunk {
  private static final JsonFactory JSON = new JsonFactory();

  private ChatUsageChunk() {}

  private static final byte[] USAGE = {'"', 'u', 's', 'a', 'g', 'e', '"'};

  /** True for a chunk whose {@code choices} is empty and whose {@code usage} is an object. */
  static boolean isUsageOnly(String data) {
    if (data.indexOf("\"usage\"") < 0) {
      return false;
    }
    byte[] bytes = data.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (!usageObject(bytes, 0, bytes.length)) {
      return false; // most chunks: no parse needed
    }
    try (JsonParser p = JSON.createParser(data)) {
      return isUsageOnly(p);
    } catch (IOException e) {
      return false; // not ours to judge: the client sees it as the upstream sent it
    }
  }

  /** The same for UTF-8 data at {@code [offset, offset + length)}. */
  static boolean isUsageOnly(byte[] data, int offset, int length) {
    if (!usageObject(data, offset, length)) {
      return false;
    }
    try (JsonParser p = JSON.createParser(data, offset, length)) {
      return isUsageOnly(p);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether some {@code "usage"} is followed by a colon and an object: needed for a usage-only
   * chunk, and false for the other chunks of a stream with usage asked for, which carry
   * {@code "usage":null} (OpenAI), so that they cost a byte scan instead of a parser each.
   */
  static boolean usageObject(byte[] data, int offset, int length) {
    int end = offset + length;
    for (int at = Bytes.indexOf(data, offset, end, USAGE); at >= 0;
        at = Bytes.indexOf(data, at + 1, end, USAGE)) {
      int i = skipSpace(data, at + USAGE.length, end);
      if (i < end && data[i] == ':') {
        i = skipSpace(data, i + 1, end);
        if (i < end && data[i] == '{') {
          return true;
        }
      }
    }
    return false;
  }

  /** JSON's insignificant whitespace (RFC 8259 §2). */
  private static int skipSpace(byte[] data, int i, int end) {
    while (i < end && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static boolean isUsageOnly(JsonParser p) throws IOException {
    boolean emptyChoices = false;
    boolean usage = false;
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("choices")) {
        if (v == JsonToken.START_ARRAY) {
          JsonToken t = p.nextToken();
          emptyChoices = t == JsonToken.END_ARRAY;
          while (t != JsonToken.END_ARRAY) {
            p.skipChildren();
            t = p.nextToken();
          }
        } else {
          p.skipChildren();
        }
      } else {
        usage |= name.equals("usage") && v == JsonToken.START_OBJECT;
        p.skipChildren();
      }
    }
    return emptyChoices && usage;
  }
}
