package io.sluice.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import io.sluice.core.testing.SharedCorpus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link SseListener#onEventBytes}: which events are offered as bytes, and that a listener taking
 * them sees what a listener taking strings sees. (Every case of {@code SseReaderTest} and of the
 * SSE vectors checks the second at every chunking too.)
 */
class SseReaderBytesTest {

  @Test
  void wellFormedDataIsOfferedAsBytesAndMakesNoEvent() {
    var listener = read("event: a\ndata: {\"x\":\"é€😀\"}\n\ndata: one\ndata: two\n\n", true);
    assertThat(listener.byteEvents).isEqualTo(2);
    assertThat(listener.events).containsExactly(
        SseEvent.of("a", "{\"x\":\"é€😀\"}"), SseEvent.of("one\ntwo"));
  }

  @Test
  void malformedUtf8DataIsNeverOfferedAsBytes() {
    byte[] wire = {'d', 'a', 't', 'a', ':', 'a', (byte) 0xC3, '\n', '\n',
        'd', 'a', 't', 'a', ':', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n', '\n'};
    var listener = new RecordingSseListener(true);
    SseReader.create(listener).feed(wire);
    assertThat(listener.byteEvents).isZero();
    // An encoded surrogate is malformed too: the JDK's decoder replaces it.
    String surrogate = new String(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        StandardCharsets.UTF_8);
    assertThat(surrogate).doesNotContain("\uD800").contains("\uFFFD");
    assertThat(listener.events).containsExactly(SseEvent.of("a\uFFFD"), SseEvent.of(surrogate));
  }

  @Test
  void aMalformedByteAnywhereInAnEventKeepsItFromTheBytesAtEveryChunking() {
    // Long lines, so that the reader looks at them eight bytes at a time: a bad byte deep in a
    // line, in an event's second data line, just before a line end, and an event's well-formed
    // data that is read in the same eight bytes as the next event's bad byte.
    String ascii = "{\"text\":\"" + "abcdefgh".repeat(5) + "\"}";
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    wire.writeBytes(utf8("data: " + ascii + "\n\n"));
    wire.writeBytes(utf8("data: " + ascii + "\ndata: " + ascii.substring(0, 20)));
    wire.write(0xC3);
    wire.writeBytes(utf8(ascii + "\n\ndata: " + ascii));
    wire.write(0xFF);
    wire.writeBytes(utf8("\n\ndata: ok\n\ndata:"));
    wire.write(0x80);
    wire.writeBytes(utf8("\n\ndata: café " + ascii + "\n\n"));
    byte[] bytes = wire.toByteArray();
    for (Chunking chunking : Chunkings.of(bytes)) {
      var listener = new RecordingSseListener(true);
      SseReader reader = SseReader.create(listener);
      chunking.pieces().forEach(reader::feed);
      reader.end();
      assertThat(listener.events).as("fed " + chunking).hasSize(6);
      assertThat(listener.byteEvents).as("fed " + chunking).isEqualTo(3);
      assertThat(listener.events.get(1).data()).contains("\uFFFD");
      assertThat(listener.events.get(2).data()).endsWith("\uFFFD");
      assertThat(listener.events.get(4).data()).isEqualTo("\uFFFD");
    }
  }

  @Test
  void aListenerThatDeclinesTheBytesGetsTheEvent() {
    var listener = read("id: 7\ndata: x\n\n", false);
    assertThat(listener.byteEvents).isZero();
    assertThat(listener.events).containsExactly(new SseEvent("", "x", "7"));
  }

  @Test
  void theBytesAreReadableDuringTheCallWhereverTheLineLies() {
    // One-line and several-line events, comments between them and CRLF line ends: the same data
    // at every chunking, also when a line straddles feeds.
    SseReaderTest.readBytes(utf8("data: first\n\ndata: sec\ndata: ond\n\n: c\ndata: third\r\n\r\n"));
  }

  @Test
  void aCallerThatReusesItsArrayBetweenFeedsLosesNoPendingData() {
    // As a network read loop does: one array, overwritten by every read. The first data line of
    // an event is read in place, so it must be kept before feed returns.
    byte[] wire = utf8("data: one\ndata: two\n\ndata: three\n\nevent: e\ndata: four\n\n");
    for (int size = 1; size <= wire.length; size++) {
      var listener = new RecordingSseListener(true);
      SseReader reader = SseReader.create(listener);
      byte[] buffer = new byte[size];
      for (int from = 0; from < wire.length; from += size) {
        int n = Math.min(size, wire.length - from);
        System.arraycopy(wire, from, buffer, 0, n);
        reader.feed(buffer, 0, n);
        java.util.Arrays.fill(buffer, (byte) 'X');
      }
      reader.end();
      assertThat(listener.events).as("read %d bytes at a time", size).containsExactly(
          SseEvent.of("one\ntwo"), SseEvent.of("three"), SseEvent.of("e", "four"));
    }
  }

  @TestFactory
  Stream<DynamicTest> everyCorpusStreamGivesTheSameEventsAsBytes() throws IOException {
    Path corpus = SharedCorpus.require("corpus");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(corpus)) {
      files = walk.filter(p -> {
        String n = p.getFileName().toString();
        return n.endsWith(".sse") || n.endsWith(".bin");
      }).sorted().toList();
    }
    return files.stream().map(f -> DynamicTest.dynamicTest(corpus.relativize(f).toString(),
        () -> sameEvents(Files.readAllBytes(f))));
  }

  private static void sameEvents(byte[] wire) {
    for (Chunking chunking : Chunkings.of(wire, 0, 5)) {
      var strings = new RecordingSseListener(false);
      var bytes = new RecordingSseListener(true);
      SseReader a = SseReader.create(strings);
      SseReader b = SseReader.create(bytes);
      chunking.pieces().forEach(a::feed);
      chunking.pieces().forEach(b::feed);
      a.end();
      b.end();
      assertThat(bytes.transcript()).as("fed " + chunking).isEqualTo(strings.transcript());
    }
  }

  private static RecordingSseListener read(String wire, boolean bytes) {
    var listener = new RecordingSseListener(bytes);
    SseReader reader = SseReader.create(listener);
    reader.feed(utf8(wire));
    reader.end();
    return listener;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
