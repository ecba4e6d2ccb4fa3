package io.sluice.core.codec;

import io.sluice.core.internal.codec.responses.ResponsesRequestEncoder;
import io.sluice.core.message.ChatRequest;

/**
 * The {@code response.create} message of OpenAI Responses' WebSocket mode (docs/wire-formats.md
 * §b, WebSocket mode): the fields of the {@code POST /v1/responses} body, written by the same
 * encoder, without {@code stream} (implicit on a socket).
 */
public final class ResponseCreateMessage {
  private ResponseCreateMessage() {}

  /**
   * The message as one JSON text frame. Continuation fields such as {@code previous_response_id}
   * travel in the request's extra fields.
   *
   * @param generate false for a warm-up ({@code generate: false}), which prepares state and
   *     produces no output
   * @throws CodecException if the request cannot be written
   */
  public static String encode(ChatRequest request, boolean generate) {
    return ResponsesRequestEncoder.encodeCreateMessage(request, generate);
  }
}
