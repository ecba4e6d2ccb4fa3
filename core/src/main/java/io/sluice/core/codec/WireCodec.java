package io.sluice.core.codec;

import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.internal.codec.anthropic.AnthropicCodec;
import io.sluice.core.internal.codec.chat.ChatCodec;
import io.sluice.core.internal.codec.responses.ResponsesCodec;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.sse.SseWriter;
import java.util.function.Consumer;

/**
 * Everything sluice does with one wire format: decode a stream to model events, encode events back
 * to a stream, and encode and decode requests, non-streaming response bodies and error bodies.
 * Instances are immutable and thread-safe; decoders and encoders they make are not.
 */
public interface WireCodec {

  /**
   * The codec of a format (OpenAI Chat in its plain OpenAI dialect).
   *
   * @param format the wire format
   * @return its codec
   */
  static WireCodec of(WireFormat format) {
    switch (format) {
      case OPENAI_CHAT:
        return openAiChat(ChatDialect.OPENAI);
      case OPENAI_RESPONSES:
        return openAiResponses();
      case ANTHROPIC_MESSAGES:
        return anthropic();
      default:
        throw new IllegalArgumentException("unknown format " + format);
    }
  }

  /**
   * The OpenAI Chat Completions codec in one provider's dialect.
   *
   * @param dialect the provider's variant of the format
   * @return the codec
   */
  static WireCodec openAiChat(ChatDialect dialect) {
    return ChatCodec.of(dialect);
  }

  /**
   * The OpenAI Responses codec.
   *
   * @return the codec
   */
  static WireCodec openAiResponses() {
    return ResponsesCodec.INSTANCE;
  }

  /**
   * The Anthropic Messages codec.
   *
   * @return the codec
   */
  static WireCodec anthropic() {
    return AnthropicCodec.INSTANCE;
  }

  /**
   * The format this codec speaks.
   *
   * @return the format
   */
  WireFormat format();

  /** A decoder for one response's stream; model events go to {@code sink} as they are decoded. */
  default StreamDecoder decoder(Consumer<StreamEvent> sink) {
    return decoder(sink, DecoderOptions.DEFAULTS);
  }

  /** A decoder for one response's stream, with options such as skipping malformed events. */
  StreamDecoder decoder(Consumer<StreamEvent> sink, DecoderOptions options);

  /** An encoder that writes model events to {@code writer} as this format's stream. */
  default StreamEncoder encoder(SseWriter writer) {
    return encoder(writer, EncoderOptions.DEFAULTS);
  }

  /** An encoder for this format's stream, with options such as leaving out the usage chunk. */
  StreamEncoder encoder(SseWriter writer, EncoderOptions options);

  /** The request as this format's JSON body; {@code stream} decides the body's stream flag. */
  byte[] encodeRequest(ChatRequest request);

  /** A client's request body in this format; unknown top-level fields land in {@code extra}. */
  ChatRequest decodeRequest(byte[] body);

  /** A non-streaming response body. */
  FinalMessage decodeResponse(byte[] body);

  /** A final message as this format's non-streaming response body. */
  byte[] encodeResponse(FinalMessage message);

  /** An error body (any status) as a failure: the provider's type, code and message. */
  Failed decodeError(int httpStatus, byte[] body);

  /** A failure as this format's error body. */
  byte[] encodeError(Failed failure);
}
