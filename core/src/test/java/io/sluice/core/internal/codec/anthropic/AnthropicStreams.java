package io.sluice.core.internal.codec.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.StreamEvent;
import io.sluice.core.sse.SseReader;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.DecoderPaths;
import io.sluice.core.testing.EventGrammar;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    List<StreamEvent> first = null;
    for (Chunking chunking : chunkings) {
      List<StreamEvent> events = once(chunking);
      assertThat(DecoderPaths.decode(AnthropicCodec.INSTANCE, chunking, true))
          .as("events given as SseEvents at chunking %s", chunking).isEqualTo(events);
      EventGrammar.check(events);
      if (first == null) {
        first = events;
      } else {
        assertThat(events).as("events at chunking %s", chunking).isEqualTo(first);
      }
    }
    return first;
  }

  static List<StreamEvent> once(Chunking chunking) {
    List<StreamEvent> events = new ArrayList<>();
    var decoder = AnthropicCodec.INSTANCE.decoder(events::add);
    SseReader reader = SseReader.create(decoder);
    Chunkings.feed(chunking, reader::feed);
    reader.end();
    assertThat(decoder.finished()).isTrue();
    return events;
  }
}
