package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import java.io.IOException;
import java.io.StringWriter;

/**
 * The response format in both shapes: OpenAI Chat nests a JSON schema
 * ({@code {"type":"json_schema","json_schema":{"name",…,"schema"}}}), Responses flattens it into
 * {@code text.format} ({@code {"type":"json_schema","name",…,"schema"}}). Other formats
 * ({@code text}, {@code json_object}) are the same in both.
 */
final class ResponsesFormats {
  private ResponsesFormats() {}

  /** Chat's {@code response_format} → Responses' {@code text.format}. */
  static String toResponses(String chat) {
    try (JsonParser p = JsonChecks.FACTORY.createParser(chat)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return chat;
      }
      StringWriter out = new StringWriter();
      try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
        g.writeStartObject();
        while (JsonFields.next(p)) {
          if (p.currentName().equals("json_schema") && p.currentToken() == JsonToken.START_OBJECT) {
            while (JsonFields.next(p)) {
              copyField(p, g);
            }
          } else {
            copyField(p, g);
          }
        }
        g.writeEndObject();
      }
      return out.toString();
    } catch (IOException e) {
      throw new CodecException("the response format is not valid JSON", e);
    }
  }

  /** Responses' {@code text.format} (the parser on its START_OBJECT) → Chat's shape. */
  static String toChat(JsonParser p) throws IOException {
    String raw = JsonChecks.copyToString(p);
    try (JsonParser q = JsonChecks.FACTORY.createParser(raw)) {
      q.nextToken();
      String type = "";
      StringWriter rest = new StringWriter();
      try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(rest)) {
        g.writeStartObject();
        while (JsonFields.next(q)) {
          if (q.currentName().equals("type")) {
            type = q.getText();
          } else {
            copyField(q, g);
          }
        }
        g.writeEndObject();
      }
      if (!type.equals("json_schema")) {
        return raw;
      }
      return "{\"type\":\"json_schema\",\"json_schema\":" + rest + "}";
    }
  }

  /** Copies the field the parser is on (its value) to {@code g}. */
  private static void copyField(JsonParser p, JsonGenerator g) throws IOException {
    g.writeFieldName(p.currentName());
    g.copyCurrentStructure(p);
  }
}
