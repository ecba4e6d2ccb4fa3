package io.sluice.core.internal.codec.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast path for the frequent compact events reads every payload exactly as Jackson does: the
 * same fields, offsets and failures, whether it takes the payload or leaves it to Jackson.
 */
class AnthropicEventFieldsTest {

  private static final String DELTA = "{\"type\":\"content_block_delta\",\"index\":0,"
      + "\"delta\":{\"type\":\"text_delta\",\"text\":";

  private static final List<String> PAYLOADS = List.of(
      DELTA + "\"Hello\"}}",
      DELTA + "\"\"}}",
      DELTA + "\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"}}",
      DELTA + "\"caf\u00e9 \u65e5\u672c \ud83d\ude00\"}}",
      DELTA + "\"caf\u00e9\\n\"}}",
      DELTA + "\"\u65e5\\t\ud83d\ude00\\\"x\u00e9\"}}",
      DELTA + "\"\\u00e9\"}}",
      DELTA + "\"\\ud83d\\ude00\"}}",
      DELTA + "\"\\x\"}}",
      DELTA + "\"tab\there\"}}",
      DELTA + "\"cut\\\"}}",
      DELTA + "\"Hello\"}}  \n",
      DELTA + "\"Hello\"}} x",
      DELTA + "\"Hello\"}}}",
      DELTA + "\"Hello\",\"extra\":1}}",
      DELTA + "\"Hello\"},\"extra\":1}",
      DELTA + "\"Hello\"",
      "{\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"input_json_delta\","
          + "\"partial_json\":\"{\\\"city\\\": \\\"Par\"}}",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"thinking_delta\","
          + "\"thinking\":\"hmm\"}}",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"signature_delta\","
          + "\"signature\":\"EqQBCkYIBxgCKkA=\"}}",
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"citations_delta\","
          + "\"citation\":{\"type\":\"char_location\",\"cited_text\":\"x\"}}}",
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"compaction_delta\","
          + "\"text\":\"x\"}}",
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"text\":\"x\","
          + "\"type\":\"text_delta\"}}",
      "{\"type\": \"content_block_delta\", \"index\": 0, \"delta\": {\"type\": \"text_delta\", "
          + "\"text\": \"spaced\"}}",
      "{\"index\":0,\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\","
          + "\"text\":\"reordered\"}}",
      "{\"type\":\"content_block_stop\",\"index\":0}",
      "{\"type\":\"content_block_stop\",\"index\":123456789}",
      "{\"type\":\"content_block_stop\",\"index\":1234567890}",
      "{\"type\":\"content_block_stop\",\"index\":12345678901}",
      "{\"type\":\"content_block_stop\",\"index\":01}",
      "{\"type\":\"content_block_stop\",\"index\":-1}",
      "{\"type\":\"content_block_stop\",\"index\":1.0}",
      "{\"type\":\"content_block_stop\",\"index\":1e2}",
      "{\"type\":\"content_block_stop\",\"index\":\"1\"}",
      "{\"type\":\"content_block_stop\",\"index\":}",
      "{\"type\":\"content_block_stop\"}",
      "{\"type\":\"ping\"}",
      "{\"type\":\"message_stop\"}",
      "{\"type\":\"message_stop\"}\r\n\t ",
      "{\"type\":\"message_stop\"",
      "{\"type\":\"something_new\"}",
      "{\"type\":\"mess\\u0061ge_stop\"}",
      "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
          + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}",
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
          + "\"text\":\"\"}}",
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
      "{}",
      "[]",
      "");

  /** Every field the decoder reads, as text. */
  private static String fields(AnthropicEventFields ev) {
    return String.join("|", ev.type, String.valueOf(ev.wireIndex), ev.id, ev.model,
        String.valueOf(ev.hasUsage), Arrays.toString(ev.usage), ev.blockType, ev.blockId,
        ev.blockName, ev.blockText, ev.blockSignature, ev.blockFrom + "-" + ev.blockTo,
        ev.inputFrom + "-" + (ev.inputFrom < 0 ? "" : ev.inputTo), ev.deltaType, ev.deltaText,
        ev.deltaStopReason, ev.deltaType == null ? "" : ev.deltaFrom + "-" + ev.deltaTo,
        ev.deltaType == null ? "" : ev.slice(ev.deltaFrom, ev.deltaTo), ev.errorType,
        ev.errorMessage);
  }

  private static String read(AnthropicEventFields ev, byte[] buffer, int offset, int length,
      boolean withParser) {
    try {
      if (withParser) {
        ev.readWithParser(buffer, offset, length);
      } else {
        ev.read(buffer, offset, length);
      }
      return fields(ev);
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    }
  }

  private static byte[] inBuffer(byte[] bytes, int offset) {
    byte[] buffer = new byte[bytes.length + offset + 3];
    System.arraycopy(bytes, 0, buffer, offset, bytes.length);
    return buffer;
  }

  @Test
  void everyPayloadReadsAsWithJacksonAlone() {
    AnthropicEventFields fast = new AnthropicEventFields();
    AnthropicEventFields parsed = new AnthropicEventFields();
    List<String> differ = new ArrayList<>();
    for (String payload : PAYLOADS) {
      // Inside a larger array, as in the SSE reader's buffer: offsets count from the payload.
      byte[] buffer = inBuffer(payload.getBytes(StandardCharsets.UTF_8), 5);
      int length = payload.getBytes(StandardCharsets.UTF_8).length;
      String expected = read(parsed, buffer, 5, length, true);
      String actual = read(fast, buffer, 5, length, false);
      if (!expected.equals(actual)) {
        differ.add(payload + "\n  jackson: " + expected + "\n  fast:    " + actual);
      }
    }
    assertThat(differ).isEmpty();
  }

  @Test
  void everyPrefixOfADeltaReadsAsWithJacksonAlone() {
    String payload = "{\"type\":\"content_block_delta\",\"index\":12,\"delta\":{\"type\":"
        + "\"text_delta\",\"text\":\"caf\u00e9 \\\"q\\\" \ud83d\ude00\"}}";
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    AnthropicEventFields fast = new AnthropicEventFields();
    AnthropicEventFields parsed = new AnthropicEventFields();
    for (int length = 0; length <= bytes.length; length++) {
      byte[] buffer = inBuffer(bytes, 2);
      assertThat(read(fast, buffer, 2, length, false))
          .as("first %d bytes", length)
          .isEqualTo(read(parsed, buffer, 2, length, true));
    }
  }

  @Test
  void malformedUtf8InADeltaReadsAsWithJacksonAlone() {
    byte[] head = (DELTA + "\"ab").getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
    byte[][] middles = {{(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, {(byte) 0xC3, (byte) 0xA9}};
    AnthropicEventFields fast = new AnthropicEventFields();
    AnthropicEventFields parsed = new AnthropicEventFields();
    for (byte[] middle : middles) {
      byte[] bytes = new byte[head.length + middle.length + tail.length];
      System.arraycopy(head, 0, bytes, 0, head.length);
      System.arraycopy(middle, 0, bytes, head.length, middle.length);
      System.arraycopy(tail, 0, bytes, head.length + middle.length, tail.length);
      assertThat(read(fast, bytes, 0, bytes.length, false))
          .as(Arrays.toString(middle))
          .isEqualTo(read(parsed, bytes, 0, bytes.length, true));
    }
  }

  @Test
  void aLongDeltaTextReadsAsWithJacksonAlone() {
    String text = "0123456789\\n\\\"".repeat(2000) + "\u00e9";
    byte[] bytes = (DELTA + "\"" + text + "\"}}").getBytes(StandardCharsets.UTF_8);
    AnthropicEventFields fast = new AnthropicEventFields();
    AnthropicEventFields parsed = new AnthropicEventFields();
    assertThat(read(fast, bytes, 0, bytes.length, false))
        .isEqualTo(read(parsed, bytes, 0, bytes.length, true));
  }

  @Test
  void theFrequentCompactEventsTakeTheFastPath() {
    List<String> frequent = List.of(DELTA + "\"Hello\"}}", DELTA + "\"caf\u00e9\"}}",
        DELTA + "\"a\\nb\"}}", DELTA + "\"caf\u00e9\\n\ud83d\ude00\"}}",
        "{\"type\":\"content_block_stop\",\"index\":0}",
        "{\"type\":\"ping\"}", "{\"type\":\"message_stop\"}",
        "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
            + "\"partial_json\":\"{\\\"a\\\":1\"}}");
    AnthropicEventFields ev = new AnthropicEventFields();
    for (String payload : frequent) {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      assertThat(ev.readCommon(bytes, 0, bytes.length)).as(payload).isTrue();
    }
  }
}
