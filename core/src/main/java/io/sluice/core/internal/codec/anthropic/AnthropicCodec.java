package io.sluice.core.internal.codec.anthropic;

import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.internal.codec.BaseCodec;
import io.sluice.core.internal.codec.BaseStreamDecoder;
import io.sluice.core.sse.SseWriter;
import java.util.function.Consumer;

/** Anthropic Messages ({@code POST /v1/messages}): docs/wire-formats.md §c. */
public final class AnthropicCodec extends BaseCodec {
  public static final AnthropicCodec INSTANCE = new AnthropicCodec();

  private AnthropicCodec() {
    super(WireFormat.ANTHROPIC_MESSAGES, new Bodies(
        AnthropicRequestEncoder::encode, AnthropicRequestDecoder::decode,
        AnthropicBodyCodec::decodeResponse, AnthropicBodyCodec::encodeResponse,
        AnthropicBodyCodec::decodeError, AnthropicBodyCodec::encodeError));
  }

  @Override
  protected BaseStreamDecoder newDecoder(Consumer<StreamEvent> sink) {
    return new AnthropicStreamDecoder(sink);
  }

  /** Usage rides on {@code message_start} and {@code message_delta}: always written. */
  @Override
  protected StreamEncoder newEncoder(SseWriter writer, EncoderOptions options) {
    return new AnthropicStreamEncoder(writer);
  }
}
