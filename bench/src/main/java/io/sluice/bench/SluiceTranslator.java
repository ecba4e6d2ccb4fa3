package io.sluice.bench;

import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.sse.SseReader;
import io.sluice.core.sse.SseWriter;

/**
 * sluice's translation path, as the gateway's {@code StreamRelay} runs it on a translated stream:
 * {@link SseReader} fed in 8 KiB slices, into the upstream format's decoder, whose model events go
 * straight to the client format's encoder writing through an {@link SseWriter} to the sink. A new
 * reader, decoder, encoder and writer per response, as the gateway makes per stream.
 */
final class SluiceTranslator implements ResponseTranslator {

  private final WireCodec from;
  private final WireCodec to;

  SluiceTranslator(WireCodec from, WireCodec to) {
    this.from = from;
    this.to = to;
  }

  @Override
  public void translate(byte[] body, SseWriter.Sink sink) {
    StreamEncoder encoder = to.encoder(SseWriter.create(sink));
    SluiceDecoder.feed(SseReader.create(from.decoder(encoder::encode)), body);
  }
}
