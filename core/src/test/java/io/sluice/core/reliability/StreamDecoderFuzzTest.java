package io.sluice.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.core.StreamLimits;
import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseReader;
import io.sluice.core.testing.EventGrammar;
import java.util.ArrayList;
import java.util.List;

/**
 * Each stream decoder behind the SSE reader, on fuzzed SSE transcripts: nothing escapes, the
 * events obey the grammar with exactly one terminal event after the end, they assemble into a
 * message, they are the same whole and split, and input after the terminal event is ignored. The
 * first input byte picks the event limit (64 bytes to 16 KiB), so the reader's limit failure
 * reaches the decoders too. A limit failure's message names the size seen when the limit was
 * crossed, which depends on where the input was cut, so it is compared by type alone. In the
 * default build this replays {@code StreamDecoderFuzzTestInputs/}.
 */
class StreamDecoderFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void openAiChat(byte[] data) {
    check(WireCodec.openAiChat(ChatDialect.OPENAI), data);
  }

  @FuzzTest(maxDuration = "2m")
  void openAiResponses(byte[] data) {
    check(WireCodec.openAiResponses(), data);
  }

  @FuzzTest(maxDuration = "2m")
  void anthropic(byte[] data) {
    check(WireCodec.anthropic(), data);
  }

  private static void check(WireCodec codec, byte[] data) {
    FuzzInput input = FuzzInput.of(data);
    StreamLimits limits = new StreamLimits(64 * (1 + input.header()));
    List<StreamEvent> whole = decode(codec, List.of(input.payload()), limits);
    List<StreamEvent> split = decode(codec, input.pieces(), limits);
    assertThat(comparable(split)).as("events split vs whole").isEqualTo(comparable(whole));
  }

  private static List<StreamEvent> comparable(List<StreamEvent> events) {
    List<StreamEvent> out = new ArrayList<>(events);
    StreamEvent last = out.get(out.size() - 1);
    if (last instanceof Failed && ((Failed) last).type().equals(Failed.LIMIT)) {
      Failed f = (Failed) last;
      out.set(out.size() - 1, new Failed(f.type(), f.code(), "(size seen)", f.httpStatus(),
          f.retryable()));
    }
    return out;
  }

  private static List<StreamEvent> decode(WireCodec codec, List<byte[]> pieces,
      StreamLimits limits) {
    List<StreamEvent> events = new ArrayList<>();
    StreamDecoder decoder = codec.decoder(events::add);
    SseReader reader = SseReader.create(decoder, limits);
    pieces.forEach(reader::feed);
    reader.end();
    assertThat(decoder.finished()).as("finished after the end").isTrue();
    EventGrammar.check(events);
    MessageAccumulator.assemble(events);
    int size = events.size();
    decoder.onEvent(SseEvent.of("[DONE]"));
    decoder.onEvent(SseEvent.of("message_stop", "{\"type\":\"message_stop\"}"));
    decoder.onEnd(SseEnd.TRUNCATED);
    assertThat(events).as("events after the terminal event").hasSize(size);
    return events;
  }
}
