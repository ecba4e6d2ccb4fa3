package io.sluice.core.internal.codec.anthropic;

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

/** Anthropic Messages ({@code POST /v1/messages}): wire-formats.md §c. */
public final class AnthropicCodec implements WireCodec {
  public static final AnthropicCodec INSTANCE = new AnthropicCodec();

  private AnthropicCodec() {}

  @Override
  public WireFormat format() {
    return WireFormat.ANTHROPIC_MESSAGES;
  }

  @Override
  public StreamDecoder decoder(Consumer<StreamEvent> sink) {
    return new AnthropicStreamDecoder(sink);
  }

  @Override
  public StreamEncoder encoder(SseWriter writer) {
    return new AnthropicStreamEncoder(writer);
  }

  @Override
  public byte[] encodeRequest(ChatRequest request) {
    return AnthropicRequestCodec.encode(request);
  }

  @Override
  public ChatRequest decodeRequest(byte[] body) {
    return AnthropicRequestCodec.decode(body);
  }

  @Override
  public FinalMessage decodeResponse(byte[] body) {
    return AnthropicBodyCodec.decodeResponse(body);
  }

  @Override
  public byte[] encodeResponse(FinalMessage message) {
    return AnthropicBodyCodec.encodeResponse(message);
  }

  @Override
  public Failed decodeError(int httpStatus, byte[] body) {
    return AnthropicBodyCodec.decodeError(httpStatus, body);
  }

  @Override
  public byte[] encodeError(Failed failure) {
    return AnthropicBodyCodec.encodeError(failure);
  }
}
