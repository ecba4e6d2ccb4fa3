package io.sluice.core.internal.codec.anthropic;

import io.sluice.core.event.StreamEvent;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.DecoderPaths;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the Anthropic decoder over a wire transcript at every chunking. */
final class AnthropicStreams {
  private AnthropicStreams() {}

  /** The events of {@code wire}, after checking that every chunking gives the same grammatical ones. */
  static List<StreamEvent> decode(String wire) {
    return decode(wire.getBytes(StandardCharsets.UTF_8), Chunkings.of(
        wire.getBytes(StandardCharsets.UTF_8)));
  }

  static List<StreamEvent> decode(byte[] wire, List<Chunking> chunkings) {
    return DecoderPaths.everyChunking(AnthropicCodec.INSTANCE, chunkings);
  }

  static List<StreamEvent> once(Chunking chunking) {
    return DecoderPaths.decodeFinished(AnthropicCodec.INSTANCE, chunking);
  }
}
