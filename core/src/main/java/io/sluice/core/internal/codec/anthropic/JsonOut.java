package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.internal.json.JsonChecks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/** Writes small JSON objects to strings through one reused buffer. Not thread-safe. */
final class JsonOut {

  /** Writes the fields of one object. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private final StringBuilder buffer = new StringBuilder(256);
  private final Writer writer = new Writer() {
    @Override
    public void write(char[] chars, int off, int len) {
      buffer.append(chars, off, len);
    }

    @Override
    public void write(String s, int off, int len) {
      buffer.append(s, off, off + len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  /** {@code {…}} with the fields {@code body} writes. */
  String object(Body body) {
    buffer.setLength(0);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(writer)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringBuilder does not fail
    }
    return buffer.toString();
  }

  /** The same as UTF-8 bytes, for bodies. */
  byte[] bytes(Body body) {
    return object(body).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
