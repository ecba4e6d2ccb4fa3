package io.sluice.bench;

import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;

/**
 * sluice's path: {@link SseReader} fed in 8 KiB slices as a socket read hands them over, into the
 * format's {@link StreamDecoder}, into a {@link MessageAccumulator}; the result is
 * {@link MessageAccumulator#result()}. A new reader, decoder and accumulator per response.
 */
final class SluiceDecoder implements ResponseDecoder {

  private final WireCodec codec;

  SluiceDecoder(DecodeCorpus.Format format) {
    this.codec = switch (format) {
      case CHAT -> WireCodec.openAiChat(io.sluice.core.codec.ChatDialect.OPENAI);
      case RESPONSES -> WireCodec.openAiResponses();
      case ANTHROPIC -> WireCodec.anthropic();
    };
  }

  @Override
  public FinalMessage decode(byte[] body) {
    MessageAccumulator accumulator = MessageAccumulator.create();
    StreamDecoder decoder = codec.decoder(accumulator);
    feed(SseReader.create(decoder), body);
    return accumulator.result();
  }

  /** The same decode, keeping the model events too (for the smoke test). */
  FinalMessage decode(byte[] body, java.util.List<StreamEvent> events) {
    MessageAccumulator accumulator = MessageAccumulator.create();
    StreamDecoder decoder = codec.decoder(e -> {
      events.add(e);
      accumulator.accept(e);
    });
    feed(SseReader.create(decoder), body);
    return accumulator.result();
  }

  static void feed(SseReader reader, byte[] body) {
    for (int offset = 0; offset < body.length; offset += SluiceDriver.CHUNK_BYTES) {
      reader.feed(body, offset, Math.min(SluiceDriver.CHUNK_BYTES, body.length - offset));
    }
    reader.end();
  }

  @Override
  public String text(Object message) {
    return ((FinalMessage) message).text();
  }

  @Override
  public int events(byte[] body) {
    int[] count = new int[1];
    feed(SseReader.create(new SseListener() {
      @Override
      public void onEvent(SseEvent event) {
        count[0]++;
      }
    }), body);
    return count[0];
  }
}
