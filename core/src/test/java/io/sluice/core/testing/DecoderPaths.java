package io.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.SluiceException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.core.testing.Chunkings.Chunking;
import java.util.ArrayList;
import java.util.List;

/**
 * The two ways an event reaches a decoder: as UTF-8 bytes straight from the reader
 * ({@link SseListener#onEventBytes}), or as an {@link SseEvent}, as a caller that wraps the
 * decoder in its own listener hands it over. Both must give the same model events.
 */
public final class DecoderPaths {

  private DecoderPaths() {}

  /**
   * The events of one response, after checking that every chunking gives the same events on both
   * paths, that the decoder finished, and that the events obey {@link EventGrammar}: what every
   * format's stream tests ({@code ChatStreams}, {@code AnthropicStreams}, {@code ResponsesStreams})
   * ask of a transcript.
   */
  public static List<StreamEvent> everyChunking(WireCodec codec, List<Chunking> chunkings) {
    List<StreamEvent> first = null;
    for (Chunking chunking : chunkings) {
      List<StreamEvent> events = decodeFinished(codec, chunking);
      assertThat(decode(codec, chunking, true))
          .as("events given as SseEvents at chunking %s", chunking).isEqualTo(events);
      if (first == null) {
        EventGrammar.check(events);
        first = events;
      } else {
        assertThat(events).as("events at chunking %s", chunking).isEqualTo(first);
      }
    }
    return first;
  }

  /** The events of one response at one chunking, on the byte path; the decoder must finish. */
  public static List<StreamEvent> decodeFinished(WireCodec codec, Chunking chunking) {
    List<StreamEvent> events = new ArrayList<>();
    StreamDecoder decoder = codec.decoder(events::add);
    SseReader reader = SseReader.create(decoder);
    Chunkings.feed(chunking, reader::feed);
    reader.end();
    assertThat(decoder.finished()).as("finished at chunking %s", chunking).isTrue();
    return events;
  }

  /** The events of one response at one chunking; {@code strings} takes the SseEvent path. */
  public static List<StreamEvent> decode(WireCodec codec, Chunking chunking, boolean strings) {
    List<StreamEvent> events = new ArrayList<>();
    StreamDecoder decoder = codec.decoder(events::add);
    SseReader reader = SseReader.create(strings ? viaEvents(decoder) : decoder);
    Chunkings.feed(chunking, reader::feed);
    reader.end();
    return events;
  }

  /** Forwards everything but {@link SseListener#onEventBytes}, so every event is a String. */
  public static SseListener viaEvents(SseListener target) {
    return new SseListener() {
      @Override
      public void onEvent(SseEvent event) {
        target.onEvent(event);
      }

      @Override
      public void onComment(String text) {
        target.onComment(text);
      }

      @Override
      public void onRetry(long millis) {
        target.onRetry(millis);
      }

      @Override
      public void onUnterminatedEvent(SseEvent event) {
        target.onUnterminatedEvent(event);
      }

      @Override
      public void onEnd(SseEnd end) {
        target.onEnd(end);
      }

      @Override
      public void onFailure(SluiceException failure) {
        target.onFailure(failure);
      }
    };
  }
}
