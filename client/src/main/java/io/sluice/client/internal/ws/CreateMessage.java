package io.sluice.client.internal.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.client.ClientException;
import io.sluice.core.internal.codec.responses.ResponsesCodec;
import io.sluice.core.message.ChatRequest;
import java.io.IOException;
import java.io.StringWriter;

/**
 * The {@code response.create} message: the fields of the HTTP body, written by the same encoder,
 * without {@code stream} (implicit on a socket), plus the continuation and warm-up fields.
 */
final class CreateMessage {
  static final JsonFactory JSON = new JsonFactory();

  private CreateMessage() {}

  /**
   * @param generate false for a warm-up, which prepares state and produces no output
   *     ({@code previous_response_id} travels in the request's extra fields)
   */
  static String write(ChatRequest request, boolean generate) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", "response.create");
      ResponsesCodec.writeRequestFields(g, request, false);
      if (!generate) {
        g.writeBooleanField("generate", false);
      }
      g.writeEndObject();
    } catch (IOException | RuntimeException e) {
      throw new ClientException("cannot encode the request: " + e.getMessage(), false, e);
    }
    return out.toString();
  }
}
