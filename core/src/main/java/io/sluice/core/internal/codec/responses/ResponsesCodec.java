package io.sluice.core.internal.codec.responses;

import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.sse.SseWriter;
import java.util.function.Consumer;

/**
 * OpenAI Responses ({@code POST /v1/responses}, wire-formats.md §b). The request body writer is
 * shared with the WebSocket transport, whose {@code response.create} message holds the same fields.
 */
public final class ResponsesCodec implements WireCodec {
  public static final ResponsesCodec INSTANCE = new ResponsesCodec();

  private ResponsesCodec() {}

  /**
   * Writes the request's fields into an open JSON object, without {@code stream} when
   * {@code stream} is false: the WebSocket transport's {@code response.create} message.
   */
  public static void writeRequestFields(com.fasterxml.jackson.core.JsonGenerator g,
      ChatRequest request, boolean stream) throws java.io.IOException {
    ResponsesRequestCodec.writeFields(g, request, stream);
  }

  @Override
  public WireFormat format() {
    return WireFormat.OPENAI_RESPONSES;
  }

  @Override
  public StreamDecoder decoder(Consumer<StreamEvent> sink) {
    return new ResponsesStreamDecoder(sink);
  }

  @Override
  public StreamEncoder encoder(SseWriter writer) {
    return new ResponsesStreamEncoder(writer);
  }

  @Override
  public byte[] encodeRequest(ChatRequest request) {
    return ResponsesRequestCodec.encode(request);
  }

  @Override
  public ChatRequest decodeRequest(byte[] body) {
    return ResponsesRequestCodec.decode(body);
  }

  @Override
  public FinalMessage decodeResponse(byte[] body) {
    return ResponsesBodyCodec.decodeResponse(body);
  }

  @Override
  public byte[] encodeResponse(FinalMessage message) {
    return ResponsesBodyCodec.encodeResponse(message);
  }

  @Override
  public Failed decodeError(int httpStatus, byte[] body) {
    return ResponsesBodyCodec.decodeError(httpStatus, body);
  }

  @Override
  public byte[] encodeError(Failed failure) {
    return ResponsesBodyCodec.encodeError(failure);
  }
}
