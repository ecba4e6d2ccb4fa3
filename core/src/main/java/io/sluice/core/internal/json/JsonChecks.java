package io.sluice.core.internal.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.io.StringWriter;

/** Shared Jackson factory and small JSON checks. */
public final class JsonChecks {
  public static final JsonFactory FACTORY = JsonFactory.builder().build();

  private JsonChecks() {}

  /** Whether {@code text} is exactly one JSON value, with nothing but whitespace around it. */
  public static boolean isValid(String text) {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The current value (object, array or scalar) as compact JSON text; the parser moves past it. */
  public static String copyToString(JsonParser p) throws IOException {
    StringWriter out = new StringWriter(64);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.copyCurrentStructure(p);
    }
    return out.toString();
  }
}
