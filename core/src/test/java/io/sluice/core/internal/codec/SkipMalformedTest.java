package io.sluice.core.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.DecoderOptions;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.Usage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.sse.SseReader;
import io.sluice.core.sse.SseWriter;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link DecoderOptions#skipMalformed}: the books of a passed-through stream go on past one
 * broken event. Each stream is a format's own encoding of a short answer with usage, with one
 * event whose JSON stops short inserted after the first delta (as {@code sluice mock}'s
 * {@code malformed-after} fault sends it).
 */
class SkipMalformedTest {
  private static final Usage USAGE = Usage.of(5, 3, 0, 0, 0);

  /** The answer with the broken event after the delta "a"; the event name as the format uses. */
  private static byte[] wireWithABrokenEvent(WireFormat format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamEncoder encoder = WireCodec.of(format).encoder(SseWriter.create(out::write));
    encoder.encode(new ResponseStarted("r1", "model-x", 1_700_000_000L, ""));
    encoder.encode(new TextStart(0, 0));
    encoder.encode(new TextDelta(0, 0, "a"));
    String name = format == WireFormat.ANTHROPIC_MESSAGES ? "event: content_block_delta\n"
        : format == WireFormat.OPENAI_RESPONSES ? "event: response.output_text.delta\n" : "";
    out.writeBytes((name + "data: {\"simulated\": \"the JSON stops here\n\n")
        .getBytes(StandardCharsets.UTF_8));
    encoder.encode(new TextDelta(0, 0, "b"));
    encoder.encode(new TextEnd(0, 0, "ab"));
    encoder.encode(USAGE);
    encoder.encode(new Done(FinishReason.STOP, "stop"));
    return out.toByteArray();
  }

  private record Decoded(List<StreamEvent> events, List<Failed> skipped) {}

  private static Decoded decode(WireFormat format, Chunking chunking, boolean skip) {
    List<StreamEvent> events = new ArrayList<>();
    List<Failed> skipped = new ArrayList<>();
    StreamDecoder decoder = WireCodec.of(format).decoder(events::add,
        skip ? DecoderOptions.skipMalformed(skipped::add) : DecoderOptions.DEFAULTS);
    SseReader reader = SseReader.create(decoder);
    Chunkings.feed(chunking, reader::feed);
    reader.end();
    assertThat(decoder.finished()).isTrue();
    return new Decoded(events, skipped);
  }

  @ParameterizedTest
  @EnumSource(value = WireFormat.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES",
      "ANTHROPIC_MESSAGES"})
  void aBrokenEventIsReportedAndTheUsageAfterItIsKept(WireFormat format) {
    byte[] wire = wireWithABrokenEvent(format);
    for (Chunking chunking : Chunkings.of(wire, 512, 10)) {
      Decoded d = decode(format, chunking, true);
      assertThat(d.skipped()).as("at %s", chunking).singleElement().satisfies(f -> {
        assertThat(f.type()).isEqualTo(Failed.MALFORMED);
        assertThat(f.message()).contains("the JSON stops here");
      });
      assertThat(d.events()).as("at %s", chunking).contains(USAGE);
      assertThat(d.events().get(d.events().size() - 1)).as("at %s", chunking)
          .isInstanceOfSatisfying(Done.class, done ->
              assertThat(done.reason()).isEqualTo(FinishReason.STOP));
      assertThat(MessageAccumulator.assemble(d.events()).text()).isEqualTo("ab");
    }
  }

  @ParameterizedTest
  @EnumSource(value = WireFormat.class, names = {"OPENAI_CHAT", "OPENAI_RESPONSES",
      "ANTHROPIC_MESSAGES"})
  void withoutItTheBrokenEventEndsTheStream(WireFormat format) {
    Decoded d = decode(format, Chunkings.given(List.of(wireWithABrokenEvent(format))), false);
    assertThat(d.skipped()).isEmpty();
    assertThat(d.events()).doesNotContain(USAGE);
    assertThat(((Failed) d.events().get(d.events().size() - 1)).type())
        .isEqualTo(Failed.MALFORMED);
  }
}
