package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.internal.json.JsonChecks;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the deltas of a block sluice does not model into the block's JSON, so that it can travel as
 * one {@code OpaqueBlock}. Anthropic's {@code compaction} block starts as
 * {@code {"type":"compaction","content":null}} and its {@code compaction_delta} carries the
 * {@code content} (and {@code encrypted_content}): string fields of a delta are appended to the
 * block's field of the same name (null counting as empty), other values replace it.
 */
final class OpaqueMerge {
  private OpaqueMerge() {}

  /** Both arguments are JSON objects that already parsed once. */
  static String merge(String startJson, List<String> deltaJsons) {
    try {
      Map<String, Object> fields = new LinkedHashMap<>();
      readInto(startJson, fields, false);
      for (String delta : deltaJsons) {
        readInto(delta, fields, true);
      }
      StringWriter out = new StringWriter(startJson.length() + 64);
      try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
        g.writeStartObject();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
          g.writeFieldName(e.getKey());
          Object value = e.getValue();
          if (value instanceof StringBuilder) {
            g.writeString(value.toString());
          } else {
            g.writeRawValue((String) value);
          }
        }
        g.writeEndObject();
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // both texts were parsed before: cannot happen
    }
  }

  /** Values are kept as a StringBuilder (a string) or as raw JSON text (anything else). */
  private static void readInto(String json, Map<String, Object> fields, boolean delta)
      throws IOException {
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (delta && "type".equals(name)) {
          p.skipChildren();
          continue;
        }
        if (t == JsonToken.VALUE_STRING) {
          Object held = fields.get(name);
          if (delta && held instanceof StringBuilder) {
            ((StringBuilder) held).append(p.getText());
          } else {
            fields.put(name, new StringBuilder(p.getText()));
          }
        } else {
          int from = (int) p.currentTokenLocation().getCharOffset();
          p.skipChildren();
          int to = (int) p.currentLocation().getCharOffset();
          if (!(delta && t == JsonToken.VALUE_NULL && fields.containsKey(name))) {
            fields.put(name, json.substring(from, to));
          }
        }
      }
    }
  }
}
