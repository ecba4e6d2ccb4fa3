package io.sluice.client.internal.ws;

import com.fasterxml.jackson.core.JsonFactory;
import io.sluice.client.ClientException;
import io.sluice.core.codec.ResponseCreateMessage;
import io.sluice.core.message.ChatRequest;

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
    try {
      return ResponseCreateMessage.encode(request, generate);
    } catch (RuntimeException e) {
      throw new ClientException("cannot encode the request: " + e.getMessage(), false, e);
    }
  }
}
