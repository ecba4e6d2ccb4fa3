package io.sluice.core.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Done;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.sse.SseReader;
import io.sluice.core.testing.EventGrammar;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chunking invariance: however a stream's bytes are cut into feeds, the SSE reader and the decoder
 * give the same events and the accumulator the same final message. Checked for every corpus stream
 * of each format and for generated streams (random events encoded by each format's own encoder,
 * framed with LF, CRLF or CR), at the cuts of {@link Splits}: whole, one byte at a time, at and
 * after every CR and LF, inside every multi-byte UTF-8 character, at single sampled boundaries,
 * and at seeded random cuts. The seed is in every failure message.
 */
class ChunkingInvarianceTest {
  private static final long SEED = 0x51_1ce_c4a6L;
  private static final int GENERATED_PER_FORMAT = 8;

  static Stream<CorpusStreams.Stream1> corpus() {
    return CorpusStreams.all().stream();
  }

  static Stream<Arguments> generated() {
    List<Arguments> all = new ArrayList<>();
    for (WireFormat format : WireFormat.values()) {
      for (GeneratedStreams.LineEnd lineEnd : GeneratedStreams.LineEnd.values()) {
        for (int i = 0; i < GENERATED_PER_FORMAT; i++) {
          all.add(Arguments.of(format, lineEnd, SEED + i));
        }
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void corpusStreamDecodesAlikeAtEveryChunking(CorpusStreams.Stream1 stream) {
    long seed = SEED ^ stream.name().hashCode();
    assertInvariant(WireCodec.of(stream.format()), stream.wire(), seed);
  }

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @MethodSource("generated")
  void generatedStreamDecodesAlikeAtEveryChunking(WireFormat format,
      GeneratedStreams.LineEnd lineEnd, long seed) {
    WireCodec codec = WireCodec.of(format);
    byte[] wire = GeneratedStreams.wire(codec, seed, lineEnd);
    Decoded whole = assertInvariant(codec, wire, seed);
    assertThat(whole.events.get(whole.events.size() - 1))
        .as("seed %d: a generated stream ends well", seed).isInstanceOf(Done.class);
  }

  /** The corpus is LF-framed: the same streams framed with CRLF, at the cuts that matter there. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void corpusStreamDecodesAlikeWithCrlfFraming(CorpusStreams.Stream1 stream) {
    byte[] crlf = toCrlf(stream.wire());
    long seed = SEED ^ stream.name().hashCode();
    Decoded lf = decode(WireCodec.of(stream.format()), List.of(stream.wire()));
    Decoded rewritten = decode(WireCodec.of(stream.format()), List.of(crlf));
    assertThat(rewritten.events).as("CRLF framing vs LF").isEqualTo(lf.events);
    for (Splits.Split split : Splits.framing(crlf)) {
      assertThat(decode(WireCodec.of(stream.format()), split.pieces()).events)
          .as("seed %d, CRLF framing, split \"%s\"", seed, split).isEqualTo(lf.events);
    }
  }

  private static Decoded assertInvariant(WireCodec codec, byte[] wire, long seed) {
    Decoded first = null;
    for (Splits.Split split : Splits.all(wire, seed)) {
      Decoded decoded = decode(codec, split.pieces());
      if (first == null) {
        EventGrammar.check(decoded.events);
        first = decoded;
        continue;
      }
      assertThat(decoded.events).as("seed %d, split \"%s\": events", seed, split)
          .isEqualTo(first.events);
      assertThat(decoded.message).as("seed %d, split \"%s\": final message", seed, split)
          .isEqualTo(first.message);
    }
    return first;
  }

  private record Decoded(List<StreamEvent> events, FinalMessage message) {}

  private static Decoded decode(WireCodec codec, List<byte[]> pieces) {
    List<StreamEvent> events = new ArrayList<>();
    MessageAccumulator accumulator = MessageAccumulator.create();
    StreamDecoder decoder = codec.decoder(e -> {
      events.add(e);
      accumulator.accept(e);
    });
    SseReader reader = SseReader.create(decoder);
    pieces.forEach(reader::feed);
    reader.end();
    return new Decoded(events, accumulator.result());
  }

  /** LF framing as CRLF; a stream that already has CRs is left alone (and compared to itself). */
  private static byte[] toCrlf(byte[] wire) {
    for (byte b : wire) {
      if (b == '\r') {
        return wire;
      }
    }
    int lfs = 0;
    for (byte b : wire) {
      lfs += b == '\n' ? 1 : 0;
    }
    byte[] out = new byte[wire.length + lfs];
    int j = 0;
    for (byte b : wire) {
      if (b == '\n') {
        out[j++] = '\r';
      }
      out[j++] = b;
    }
    return Arrays.copyOf(out, j);
  }
}
