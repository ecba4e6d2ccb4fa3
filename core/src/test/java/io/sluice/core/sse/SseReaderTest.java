package io.sluice.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.LimitExceededException;
import io.sluice.core.StreamLimits;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.Chunkings.Chunking;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One WHATWG event-stream rule per test (HTML §9.2.5, §9.2.6), on wire transcripts. Every
 * transcript is read at every chunking, and each must report exactly what the whole read reports.
 */
class SseReaderTest {

  // --- Byte-order mark ---

  @Test
  void stripsOneLeadingBom() {
    var seen = read("\uFEFFdata: x\n\n");
    assertThat(seen.events).containsExactly(SseEvent.of("x"));
  }

  @Test
  void keepsSecondBomAsPartOfTheFieldName() {
    var seen = read("\uFEFF\uFEFFdata:1\n\ndata:2\n\n");
    assertThat(seen.events).containsExactly(SseEvent.of("2"));
  }

  @Test
  void bomAfterTheStartIsAnOrdinaryCharacter() {
    var seen = read("data:1\n\n\uFEFFdata:2\n\ndata:3\n\n");
    assertThat(seen.events).containsExactly(SseEvent.of("1"), SseEvent.of("3"));
  }

  @Test
  void partialBomPrefixStartsTheFirstLine() {
    byte[] wire = {(byte) 0xEF, (byte) 0xBB, 'd', 'a', 't', 'a', ':', 'x', '\n', '\n'};
    var seen = readBytes(wire);
    // EF BB is not a BOM: it is malformed UTF-8 in the field name, so the line is an unknown field.
    assertThat(seen.events).isEmpty();
    assertThat(seen.terminals).containsExactly(SseEnd.COMPLETE);
  }

  // --- Line ends ---

  @Test
  void lfEndsALine() {
    assertThat(read("data: cow\ndata: moo\n\n").events).containsExactly(SseEvent.of("cow\nmoo"));
  }

  @Test
  void bareCrEndsALine() {
    assertThat(read("data: dog\rdata: bark\r\r").events).containsExactly(SseEvent.of("dog\nbark"));
  }

  @Test
  void crlfIsOneLineEnd() {
    assertThat(read("data: a\r\ndata: b\r\n\r\n").events).containsExactly(SseEvent.of("a\nb"));
  }

  @Test
  void crAtTheEndOfAFeedAndLfAtTheStartOfTheNextAreOneLineEnd() {
    var seen = new RecordingSseListener();
    SseReader reader = SseReader.create(seen);
    for (String piece : List.of("data: A\r\n", "data: B\r", "\n", "data: C\r\n", "\n")) {
      reader.feed(utf8(piece));
    }
    reader.end();
    assertThat(seen.events).containsExactly(SseEvent.of("A\nB\nC"));
  }

  @Test
  void mixedLineEndsInOneStream() {
    assertThat(read("data:test\r\ndata\ndata:test\r\n\r\n").events)
        .containsExactly(SseEvent.of("test\n\ntest"));
  }

  // --- Fields ---

  @Test
  void stripsExactlyOneLeadingSpace() {
    assertThat(read("data:  two\n\n").events).containsExactly(SseEvent.of(" two"));
  }

  @Test
  void keepsALeadingTab() {
    assertThat(read("data:\tx\n\n").events).containsExactly(SseEvent.of("\tx"));
  }

  @Test
  void onlyTheFirstColonSeparatesNameAndValue() {
    assertThat(read("data:a:b: c\n\n").events).containsExactly(SseEvent.of("a:b: c"));
  }

  @Test
  void aLineWithoutColonIsAFieldWithEmptyValue() {
    assertThat(read("data\ndata\n\n").events).containsExactly(SseEvent.of("\n"));
  }

  @Test
  void fieldNamesAreCaseSensitive() {
    assertThat(read("Data:1\ndata:2\n\n").events).containsExactly(SseEvent.of("2"));
  }

  @Test
  void unknownFieldsAreIgnored() {
    assertThat(read("foo:bar\ndata:x\nda-ta:y\n\n").events).containsExactly(SseEvent.of("x"));
  }

  @Test
  void nulIsAllowedInData() {
    assertThat(read("data:\0\n\n").events).containsExactly(SseEvent.of("\0"));
  }

  // --- Dispatch ---

  @Test
  void emptyDataFieldDispatchesAnEventWithEmptyData() {
    assertThat(read("data:\n\n").events).containsExactly(SseEvent.of(""));
  }

  @Test
  void blockWithoutDataDispatchesNothing() {
    assertThat(read("event: ping\n\ndata: x\n\n").events).containsExactly(SseEvent.of("x"));
  }

  @Test
  void leadingBlankLinesAreHarmless() {
    assertThat(read("\n\n\ndata: x\n\n").events).containsExactly(SseEvent.of("x"));
  }

  @Test
  void eventNameAppliesToOneEventOnly() {
    assertThat(read("event: a\ndata: 1\n\ndata: 2\n\n").events)
        .containsExactly(SseEvent.of("a", "1"), SseEvent.of("2"));
  }

  @Test
  void emptyEventNameMeansMessage() {
    SseEvent event = read("event:\ndata: x\n\n").events.get(0);
    assertThat(event.type()).isEqualTo("message");
  }

  @Test
  void lastEventFieldWins() {
    assertThat(read("event: a\nevent: b\ndata: x\n\n").events)
        .containsExactly(SseEvent.of("b", "x"));
  }

  // --- Ids ---

  @Test
  void lastEventIdPersistsAcrossEvents() {
    assertThat(read("id: 1\ndata: a\n\ndata: b\n\n").events)
        .containsExactly(new SseEvent("", "a", "1"), new SseEvent("", "b", "1"));
  }

  @Test
  void emptyIdResetsTheLastEventId() {
    assertThat(read("id: 1\ndata: a\n\nid:\ndata: b\n\n").events)
        .containsExactly(new SseEvent("", "a", "1"), new SseEvent("", "b", ""));
  }

  @Test
  void idContainingNulIsIgnored() {
    assertThat(read("id: 7\nid: x\0y\ndata: a\n\n").events)
        .containsExactly(new SseEvent("", "a", "7"));
  }

  @Test
  void idOnlyBlockUpdatesTheLastEventIdAtTheBlankLine() {
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.feed(utf8("id: 42\n"));
    assertThat(reader.lastEventId()).isEmpty();
    reader.feed(utf8("\n"));
    assertThat(reader.lastEventId()).isEqualTo("42");
    assertThat(listener.events).isEmpty();
  }

  @Test
  void idOfAnUndispatchedEventNeverBecomesTheLastEventId() {
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.feed(utf8("data: a\n\nid: 9\ndata: b\n"));
    reader.end();
    assertThat(reader.lastEventId()).isEmpty();
  }

  // --- Retry ---

  @Test
  void retryIsBaseTenWithLeadingZeros() {
    assertThat(read("retry: 02000\n\n").retries).containsExactly(2000L);
  }

  @Test
  void retryWithAnythingButAsciiDigitsIsIgnored() {
    assertThat(read("retry: 1x\nretry: -1\nretry: 1.5\nretry:\nretry: \u0661\u0662\n\n").retries)
        .isEmpty();
  }

  @Test
  void retryTooLargeForALongIsIgnored() {
    assertThat(read("retry: 99999999999999999999\n\n").retries).isEmpty();
  }

  // --- Comments ---

  @Test
  void commentsAreSurfacedAndDispatchNothing() {
    var seen = read(": ping\n\n:\ndata: x\n\n");
    assertThat(seen.events).containsExactly(SseEvent.of("x"));
    assertThat(seen.comments).containsExactly(" ping", "");
  }

  // --- UTF-8 ---

  @Test
  void multiByteCharacterSplitAcrossFeedsDecodes() {
    // Every chunking of the transcript includes splits inside the three bytes of 我.
    assertThat(read("data: 我\n\n").events).containsExactly(SseEvent.of("我"));
  }

  @Test
  void malformedUtf8BecomesReplacementCharacter() {
    byte[] wire = {'d', 'a', 't', 'a', ':', (byte) 0xFF, 'a', (byte) 0xC3, '\n', '\n'};
    assertThat(readBytes(wire).events).containsExactly(SseEvent.of("\uFFFDa\uFFFD"));
  }

  // --- End of input ---

  @Test
  void cleanEndIsComplete() {
    assertThat(read("data: x\n\n: bye\n").terminals).containsExactly(SseEnd.COMPLETE);
  }

  @Test
  void incompleteEventAtEndIsDiscardedAndReported() {
    var seen = read("data: 1\n\ndata: 2\n");
    assertThat(seen.events).containsExactly(SseEvent.of("1"));
    assertThat(seen.terminals).containsExactly(SseEnd.TRUNCATED);
  }

  @Test
  void eventWithoutItsBlankLineIsReportedAsUnterminatedNotDispatched() {
    var seen = read("data: 1\n\nevent: done\nid: 7\ndata: [DONE]\n");
    assertThat(seen.events).containsExactly(SseEvent.of("1"));
    assertThat(seen.unterminated).containsExactly(new SseEvent("done", "[DONE]", "7"));
    assertThat(seen.terminals).containsExactly(SseEnd.TRUNCATED);
  }

  @Test
  void lastLineWithoutItsLineEndIsPartOfTheUnterminatedEvent() {
    var seen = read("data: a\ndata: b");
    assertThat(seen.events).isEmpty();
    assertThat(seen.unterminated).containsExactly(SseEvent.of("a\nb"));
    assertThat(seen.terminals).containsExactly(SseEnd.TRUNCATED);
  }

  @Test
  void unterminatedRetryLineChangesNothing() {
    var seen = read("data: a\nretry: 5");
    assertThat(seen.retries).isEmpty();
    assertThat(seen.unterminated).containsExactly(SseEvent.of("a"));
  }

  @Test
  void cleanEndReportsNoUnterminatedEvent() {
    assertThat(read("data: x\n\n").unterminated).isEmpty();
  }

  @Test
  void unterminatedLineAtEndIsReportedAsTruncated() {
    var seen = read("{\"error\":\"Internal Server Error\"}");
    assertThat(seen.events).isEmpty();
    assertThat(seen.terminals).containsExactly(SseEnd.TRUNCATED);
  }

  @Test
  void endIsReportedOnce() {
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.end();
    reader.end();
    reader.feed(utf8("data: late\n\n"));
    assertThat(listener.terminals).containsExactly(SseEnd.COMPLETE);
    assertThat(listener.events).isEmpty();
  }

  // --- Limits ---

  @Test
  void eventOverTheLimitFailsNamingSizeLimitAndSetting() {
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener, StreamLimits.defaults().withMaxEventBytes(16));
    reader.feed(utf8("data: 0123456789\ndata: 0123456789\n\n"));
    reader.end();
    assertThat(reader.failed()).isTrue();
    assertThat(listener.events).isEmpty();
    assertThat(listener.terminals).hasSize(1).first()
        .isInstanceOfSatisfying(LimitExceededException.class, e -> {
          assertThat(e.limit()).isEqualTo(16);
          assertThat(e.size()).isGreaterThan(16);
          assertThat(e.getMessage()).contains("16 bytes", "StreamLimits.maxEventBytes");
        });
  }

  @Test
  void longLineSplitOverManyFeedsIsBoundedToo() {
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener, StreamLimits.defaults().withMaxEventBytes(1000));
    byte[] piece = utf8("x".repeat(100));
    reader.feed(utf8("data: "));
    for (int i = 0; i < 100 && !reader.failed(); i++) {
      reader.feed(piece);
    }
    assertThat(reader.failed()).isTrue();
    assertThat(listener.terminals).hasSize(1).first().isInstanceOf(LimitExceededException.class);
  }

  @Test
  void eventExactlyAtTheLimitIsDelivered() {
    var listener = new RecordingSseListener();
    // Eleven data bytes plus the LF that ends the data line.
    SseReader reader = SseReader.create(listener, StreamLimits.defaults().withMaxEventBytes(12));
    reader.feed(utf8("data: 0123456789A\n\n"));
    assertThat(listener.events).containsExactly(SseEvent.of("0123456789A"));
  }

  @Test
  void defaultLimitCarriesAnEightMegabyteEvent() {
    String big = "a".repeat(8 * 1024 * 1024 - 1);
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.feed(utf8("data: " + big + "\n\n"));
    assertThat(listener.events).hasSize(1);
    assertThat(listener.events.get(0).data()).hasSize(big.length());
  }

  // --- Input forms ---

  @Test
  void readsDirectByteBuffers() {
    byte[] wire = utf8("event: e\ndata: " + "y".repeat(20_000) + "\n\n");
    ByteBuffer direct = ByteBuffer.allocateDirect(wire.length);
    direct.put(wire).flip();
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.feed(direct);
    assertThat(direct.hasRemaining()).isFalse();
    assertThat(listener.events).containsExactly(SseEvent.of("e", "y".repeat(20_000)));
  }

  @Test
  void readsHeapBufferSlices() {
    byte[] wire = utf8("xxdata: z\n\nxx");
    var listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.feed(ByteBuffer.wrap(wire, 2, wire.length - 4).slice());
    assertThat(listener.events).containsExactly(SseEvent.of("z"));
  }

  // --- Helpers ---

  private static RecordingSseListener read(String wire) {
    return readBytes(utf8(wire));
  }

  /**
   * Reads at every chunking and checks that each reports exactly what the whole read does, and
   * that a listener taking data as bytes sees the same events as one taking strings.
   */
  static RecordingSseListener readBytes(byte[] wire) {
    RecordingSseListener whole = null;
    for (Chunking chunking : Chunkings.of(wire)) {
      var listener = new RecordingSseListener();
      SseReader reader = SseReader.create(listener);
      chunking.pieces().forEach(reader::feed);
      reader.end();
      var bytes = new RecordingSseListener(true);
      SseReader bytesReader = SseReader.create(bytes);
      chunking.pieces().forEach(bytesReader::feed);
      bytesReader.end();
      assertThat(bytes.transcript()).as("as bytes, fed " + chunking)
          .isEqualTo(listener.transcript());
      if (whole == null) {
        whole = listener;
      } else {
        assertThat(listener.transcript()).as("fed " + chunking).isEqualTo(whole.transcript());
      }
    }
    return whole;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
