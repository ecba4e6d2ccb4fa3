package io.sluice.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.core.LimitExceededException;
import io.sluice.core.SluiceException;
import io.sluice.core.StreamLimits;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The SSE reader on arbitrary bytes, split arbitrarily, under a small event limit (1 to 256 bytes,
 * from the first input byte): nothing escapes, exactly one of end and failure comes last, a failure
 * is a {@link LimitExceededException}, nothing handed out is larger than the limit (a line may
 * pass it by the length of {@code "data: "}), and the
 * transcript is the same whole and split. In the default build this replays
 * {@code SseReaderFuzzTestInputs/}; see docs/reliability.md to fuzz it.
 */
class SseReaderFuzzTest {
  /** A line may pass the event limit by the length of {@code "data: "}. */
  private static final int DATA_PREFIX = 6;

  @FuzzTest(maxDuration = "2m")
  void anyBytesAtAnySplitStayWithinTheLimit(byte[] data) {
    FuzzInput input = FuzzInput.of(data);
    int limit = 1 + input.header();
    List<Object> whole = read(List.of(input.payload()), limit);
    List<Object> split = read(input.pieces(), limit);
    assertThat(split).as("split transcript vs whole").isEqualTo(whole);
  }

  private static List<Object> read(List<byte[]> pieces, int limit) {
    Transcript transcript = new Transcript(limit);
    SseReader reader = SseReader.create(transcript, new StreamLimits(limit));
    pieces.forEach(reader::feed);
    reader.end();
    int size = transcript.entries.size();
    // After the end, input and further ends are ignored.
    reader.feed(new byte[] {'d', 'a', 't', 'a', '\n', '\n'});
    reader.end();
    assertThat(transcript.entries).hasSize(size);
    Object last = transcript.entries.get(size - 1);
    assertThat(last).isInstanceOfAny(SseEnd.class, String.class);
    assertThat(transcript.entries.subList(0, size - 1))
        .noneMatch(e -> e instanceof SseEnd || e instanceof String);
    assertThat(reader.failed()).isEqualTo(last instanceof String);
    return transcript.entries;
  }

  /** What the listener saw, in order; a failure is recorded by its kind and limit. */
  private static final class Transcript implements SseListener {
    final List<Object> entries = new ArrayList<>();
    final int limit;

    Transcript(int limit) {
      this.limit = limit;
    }

    @Override
    public void onEvent(SseEvent event) {
      // A char per byte at most, also with U+FFFD replacing malformed bytes.
      assertThat(event.data().length()).as("data length").isLessThan(limit);
      assertThat(event.name().length()).as("name length").isLessThanOrEqualTo(limit + DATA_PREFIX);
      assertThat(event.lastEventId().length()).as("id length")
          .isLessThanOrEqualTo(limit + DATA_PREFIX);
      entries.add(event);
    }

    @Override
    public void onComment(String text) {
      assertThat(text.length()).as("comment length").isLessThanOrEqualTo(limit + DATA_PREFIX);
      entries.add(List.of("comment", text));
    }

    @Override
    public void onRetry(long millis) {
      assertThat(millis).isNotNegative();
      entries.add(millis);
    }

    @Override
    public void onEnd(SseEnd end) {
      entries.add(end);
    }

    @Override
    public void onFailure(SluiceException failure) {
      assertThat(failure).isInstanceOf(LimitExceededException.class);
      assertThat(((LimitExceededException) failure).limit()).isEqualTo(limit);
      entries.add("failed: limit " + limit);
    }
  }
}
