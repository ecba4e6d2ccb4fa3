package io.sluice.core.internal.codec;

import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.EncoderOptions;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.sse.SseWriter;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What every format's codec shares: options applied the same way to every format's decoder and
 * encoder, and the non-streaming bodies handed to that format's request and body codecs. A format
 * names its parts; it writes no delegation of its own.
 */
public abstract class BaseCodec implements WireCodec {

  /** One format's readers and writers of whole bodies. */
  public record Bodies(
      Function<ChatRequest, byte[]> requestEncoder,
      Function<byte[], ChatRequest> requestDecoder,
      Function<byte[], FinalMessage> responseDecoder,
      Function<FinalMessage, byte[]> responseEncoder,
      BiFunction<Integer, byte[], Failed> errorDecoder,
      Function<Failed, byte[]> errorEncoder) {}

  private final WireFormat format;
  private final Bodies bodies;

  protected BaseCodec(WireFormat format, Bodies bodies) {
    this.format = format;
    this.bodies = bodies;
  }

  /** A new decoder for one stream. */
  protected abstract BaseStreamDecoder newDecoder(Consumer<StreamEvent> sink);

  /** A new encoder for one stream; formats without a choice ignore the options. */
  protected abstract StreamEncoder newEncoder(SseWriter writer, EncoderOptions options);

  @Override
  public final WireFormat format() {
    return format;
  }

  @Override
  public final StreamDecoder decoder(Consumer<StreamEvent> sink, DecoderOptions options) {
    BaseStreamDecoder decoder = newDecoder(Objects.requireNonNull(sink, "sink"));
    options.malformedSkipped().ifPresent(decoder::skipMalformed);
    return decoder;
  }

  @Override
  public final StreamEncoder encoder(SseWriter writer, EncoderOptions options) {
    return newEncoder(Objects.requireNonNull(writer, "writer"),
        Objects.requireNonNull(options, "options"));
  }

  @Override
  public final byte[] encodeRequest(ChatRequest request) {
    return bodies.requestEncoder().apply(request);
  }

  @Override
  public final ChatRequest decodeRequest(byte[] body) {
    return bodies.requestDecoder().apply(body);
  }

  @Override
  public final FinalMessage decodeResponse(byte[] body) {
    return bodies.responseDecoder().apply(body);
  }

  @Override
  public final byte[] encodeResponse(FinalMessage message) {
    return bodies.responseEncoder().apply(message);
  }

  @Override
  public final Failed decodeError(int httpStatus, byte[] body) {
    return bodies.errorDecoder().apply(httpStatus, body);
  }

  @Override
  public final byte[] encodeError(Failed failure) {
    return bodies.errorEncoder().apply(failure);
  }
}
