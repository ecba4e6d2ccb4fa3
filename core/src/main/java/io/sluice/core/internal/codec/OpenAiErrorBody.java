package io.sluice.core.internal.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.codec.CodecException;
import io.sluice.core.event.Failed;
import io.sluice.core.internal.json.JsonChecks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * OpenAI's error object, {@code {"error": {"message", "type", "param", "code"}}}, which Chat
 * Completions and Responses share (docs/wire-formats.md §a, §b).
 */
public final class OpenAiErrorBody {
  private OpenAiErrorBody() {}

  /** The error body for {@code failure}. */
  public static byte[] encode(Failed failure) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      writeErrorField(g, failure);
      g.writeEndObject();
    } catch (IOException e) {
      throw new CodecException("could not write the error body: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** Writes {@code "error":{"message","type","param":null,"code"}} into the current object. */
  public static void writeErrorField(JsonGenerator g, Failed failure) throws IOException {
    g.writeObjectFieldStart("error");
    g.writeStringField("message", failure.message());
    g.writeStringField("type", failure.type());
    g.writeNullField("param");
    if (failure.code().isEmpty()) {
      g.writeNullField("code");
    } else {
      g.writeStringField("code", failure.code());
    }
    g.writeEndObject();
  }
}
