package io.sluice.core.internal.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.internal.json.JsonChecks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a whole body (a request, a response) that must be one JSON object, the same way for
 * every format: a body that is not JSON, or not an object, is a {@link CodecException} that
 * names the body and says where the JSON broke.
 */
public final class JsonBodies {
  private JsonBodies() {}

  /** What reads the object; the parser starts on its START_OBJECT. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(JsonParser p) throws IOException;
  }

  /** Reads {@code body} as {@code what} ("the request body"). */
  public static <T> T readObject(byte[] body, String what, Reader<T> reader) {
    try (JsonParser p = JsonChecks.FACTORY.createParser(body)) {
      return read(p, what, reader);
    } catch (IOException e) {
      throw failure(what, e);
    }
  }

  /** What reads the object and may keep slices of its text; the parser starts on START_OBJECT. */
  @FunctionalInterface
  public interface TextReader<T> {
    T read(JsonParser p, String json) throws IOException;
  }

  /**
   * Reads {@code body} as {@code what}, decoded to text first so that the reader can keep a
   * value as it came (the parser's character offsets index the text).
   */
  public static <T> T readText(byte[] body, String what, TextReader<T> reader) {
    String json = new String(body, StandardCharsets.UTF_8);
    try (JsonParser p = JsonChecks.FACTORY.createParser(json)) {
      return read(p, what, q -> reader.read(q, json));
    } catch (IOException e) {
      throw failure(what, e);
    }
  }

  private static <T> T read(JsonParser p, String what, Reader<T> reader) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new CodecException(what + " must be a JSON object");
    }
    return reader.read(p);
  }

  private static CodecException failure(String what, IOException e) {
    if (e instanceof JsonProcessingException json) {
      JsonLocation at = json.getLocation();
      String where = at == null ? ""
          : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      return new CodecException(what + " is not valid JSON: " + json.getOriginalMessage() + where,
          e);
    }
    return new CodecException("cannot read " + what + ": " + e.getMessage(), e);
  }
}
