package io.sluice.core.internal.codec.responses;

import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.internal.codec.BaseCodec;
import io.sluice.core.internal.codec.BaseStreamDecoder;
import io.sluice.core.internal.codec.OpenAiErrorBody;
import io.sluice.core.sse.SseWriter;
import java.util.function.Consumer;

/**
 * OpenAI Responses ({@code POST /v1/responses}, docs/wire-formats.md §b). The WebSocket mode's
 * {@code response.create} message is written by {@link ResponsesRequestEncoder} as well.
 */
public final class ResponsesCodec extends BaseCodec {
  public static final ResponsesCodec INSTANCE = new ResponsesCodec();

  private ResponsesCodec() {
    super(WireFormat.OPENAI_RESPONSES, new Bodies(
        ResponsesRequestEncoder::encode, ResponsesRequestDecoder::decode,
        ResponsesBodyCodec::decodeResponse, ResponsesBodyCodec::encodeResponse,
        ResponsesBodyCodec::decodeError, OpenAiErrorBody::encode));
  }

  @Override
  protected BaseStreamDecoder newDecoder(Consumer<StreamEvent> sink) {
    return new ResponsesStreamDecoder(sink);
  }

  /** Usage rides on the terminal {@code response.*} event: always written. */
  @Override
  protected StreamEncoder newEncoder(SseWriter writer, EncoderOptions options) {
    return new ResponsesStreamEncoder(writer);
  }
}
