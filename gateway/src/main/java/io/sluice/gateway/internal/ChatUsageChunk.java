package io.sluice.gateway.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/** Recognises the extra chunk {@code stream_options.include_usage} adds to a Chat stream. */
final class ChatUsageChunk {
  private static final JsonFactory JSON = new JsonFactory();

  private ChatUsageChunk() {}

  /** True for a chunk whose {@code choices} is empty and whose {@code usage} is an object. */
  static boolean isUsageOnly(String data) {
    if (data.indexOf("\"usage\"") < 0) {
      return false; // most chunks: no parse needed
    }
    boolean emptyChoices = false;
    boolean usage = false;
    try (JsonParser p = JSON.createParser(data)) {
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
    } catch (IOException e) {
      return false; // not ours to judge: the client sees it as the upstream sent it
    }
    return emptyChoices && usage;
  }
}
