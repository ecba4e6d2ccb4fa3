package io.sluice.core.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SseWriterTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final SseWriter writer = SseWriter.create(out::write);

  private String written() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void writesADataOnlyEvent() {
    writer.data("{\"a\":1}");
    assertThat(written()).isEqualTo("data: {\"a\":1}\n\n");
  }

  @Test
  void writesNameIdAndData() {
    writer.event("message_start", "x", "7");
    assertThat(written()).isEqualTo("event: message_start\nid: 7\ndata: x\n\n");
  }

  @Test
  void splitsDataAtCrLfAndCrlfIntoSeveralDataLines() {
    writer.data("a\nb\r\nc\rd");
    assertThat(written()).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
  }

  @Test
  void writesEmptyDataAsOneEmptyDataLine() {
    writer.data("");
    assertThat(written()).isEqualTo("data: \n\n");
  }

  @Test
  void writesCommentsLinePerLine() {
    writer.comment(" heartbeat\nsecond");
    assertThat(written()).isEqualTo(": heartbeat\n:second\n");
  }

  @Test
  void writesRetry() {
    writer.retry(2500);
    assertThat(written()).isEqualTo("retry: 2500\n");
  }

  @Test
  void rejectsAnEventNameWithALineBreak() {
    assertThatThrownBy(() -> writer.event("a\nb", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event name must not contain a line break");
    assertThat(out.size()).isZero();
  }

  @Test
  void rejectsAnIdWithALineBreakOrNul() {
    assertThatThrownBy(() -> writer.event("", "x", "1\r"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
    assertThatThrownBy(() -> writer.event("", "x", "1\0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+0000");
  }

  @Test
  void encodesUnicodeAsUtf8AndLoneSurrogatesAsReplacement() {
    writer.data("é我🧹\uD800");
    assertThat(written()).isEqualTo("data: é我🧹\uFFFD\n\n");
  }

  @Test
  void callsTheSinkOncePerEvent() {
    List<Integer> writes = new ArrayList<>();
    SseWriter counting = SseWriter.create((b, off, len) -> writes.add(len));
    counting.event("a", "1\n2").comment("c").data("x".repeat(5000));
    assertThat(writes).hasSize(3);
  }

  @Test
  void readingWhatTheWriterWroteGivesBackTheSameEvents() {
    Random random = new Random(42);
    List<SseEvent> events = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      events.add(new SseEvent(randomText(random, false), randomText(random, true),
          i % 3 == 0 ? randomText(random, false) : ""));
    }
    String lastId = "";
    List<SseEvent> expected = new ArrayList<>();
    for (SseEvent e : events) {
      writer.event(e);
      if (!e.lastEventId().isEmpty()) {
        lastId = e.lastEventId();
      }
      // The writer writes no id line for an empty id, so the reader's last id carries over;
      // line breaks in data come back as LF.
      expected.add(new SseEvent(e.name(), e.data().replace("\r\n", "\n").replace('\r', '\n'),
          lastId));
    }
    RecordingSseListener listener = new RecordingSseListener();
    SseReader reader = SseReader.create(listener);
    reader.feed(out.toByteArray());
    reader.end();
    assertThat(listener.events).containsExactlyElementsOf(expected);
    assertThat(listener.terminals).containsExactly(SseEnd.COMPLETE);
  }

  private static String randomText(Random random, boolean lineBreaks) {
    String[] alphabet = {"a", "Z", " ", ":", "é", "我", "🧹", "\t", "{\"k\":1}", "\0"};
    String[] breaks = {"\n", "\r", "\r\n"};
    StringBuilder sb = new StringBuilder();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      if (lineBreaks && random.nextInt(5) == 0) {
        sb.append(breaks[random.nextInt(breaks.length)]);
      } else {
        String s = alphabet[random.nextInt(alphabet.length)];
        if (!lineBreaks && s.equals("\0")) {
          continue;
        }
        sb.append(s);
      }
    }
    return sb.toString();
  }
}
