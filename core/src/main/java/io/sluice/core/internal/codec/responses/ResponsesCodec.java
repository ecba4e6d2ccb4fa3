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
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public byte[] encodeRequest(ChatRequest request) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public ChatRequest decodeRequest(byte[] body) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public FinalMessage decodeResponse(byte[] body) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public byte[] encodeResponse(FinalMessage message) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public Failed decodeError(int httpStatus, byte[] body) {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public byte[] encodeError(Failed failure) {
    throw new UnsupportedOperationException("not yet");
  }
}
