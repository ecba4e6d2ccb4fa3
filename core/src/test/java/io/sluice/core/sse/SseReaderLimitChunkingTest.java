package io.sluice.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.LimitExceededException;
import io.sluice.core.StreamLimits;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The event limit judges a line alike whether it arrives in one feed or is buffered across
 * several (a finding of SseReaderFuzzTest: a line over the limit passed when whole and failed
 * when split, and an event exactly at the limit failed when its line was split).
 */
class SseReaderLimitChunkingTest {

  @Test
  void eventExactlyAtTheLimitIsDeliveredAtEveryChunking() {
    byte[] wire = "data: 0123456789A\n\n".getBytes(StandardCharsets.UTF_8); // 11 bytes + LF
    for (Chunking chunking : Chunkings.of(wire)) {
      var listener = read(chunking, 12);
      assertThat(listener.events).as("chunking %s", chunking)
          .containsExactly(SseEvent.of("0123456789A"));
      assertThat(listener.terminals).containsExactly(SseEnd.COMPLETE);
    }
  }

  @Test
  void lineOverTheLimitFailsAtEveryChunking() {
    byte[] wire = "da:a t02281379ef\n\n".getBytes(StandardCharsets.UTF_8); // from the fuzzer
    for (Chunking chunking : Chunkings.of(wire)) {
      var listener = read(chunking, 9);
      assertThat(listener.terminals).as("chunking %s", chunking).singleElement()
          .isInstanceOf(LimitExceededException.class);
    }
  }

  private static RecordingSseListener read(Chunking chunking, int limit) {
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener, new StreamLimits(limit));
    Chunkings.feed(chunking, reader::feed);
    reader.end();
    return listener;
  }
}
