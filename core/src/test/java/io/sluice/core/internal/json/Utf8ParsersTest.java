package io.sluice.core.internal.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Utf8ParsersTest {

  /**
   * Payloads as the decoders meet them, good and bad, one after the other: a bad one leaves the
   * parser part way into a nested value, and the next must read as if the parser were new.
   */
  private static final List<String> PAYLOADS = List.of(
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
          + "\"text\":\"Hello\"}}",
      "{\"a\":{\"b\":[1,2,{\"c\":",
      "{\"id\":\"x\",\"n\":-12.5e3,\"big\":123456789012345678901234567890,\"t\":true}",
      "{\"a\":1]",
      "  {\"pretty\":\n  {\"line\": 2,\n   \"text\": \"caf\u00e9 \u65e5\u672c \ud83d\ude00\"}\n}  ",
      "{\"a\":1} {\"b\":2}",
      "[DONE]",
      "{\"esc\":\"a\\\"b\\\\c\\u00e9\\n\",\"k\\u0041\":null}",
      "{\"unterminated\":\"abc",
      "{\"" + "long".repeat(40) + "\":{\"" + "name".repeat(30) + "\":[]}}",
      "",
      "{bad:1}",
      "{\"last\":0}");

  /** Every token with its text and offsets, or the failure's message, as the parser reads it. */
  private static List<String> transcript(JsonParser p) {
    List<String> out = new ArrayList<>();
    try {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        String text = t == JsonToken.VALUE_NUMBER_FLOAT ? String.valueOf(p.getDoubleValue())
            : t == JsonToken.VALUE_NUMBER_INT ? p.getNumberValue().toString() : p.getText();
        out.add(t + " " + text + " @" + p.currentTokenLocation().getByteOffset() + ":"
            + p.currentTokenLocation().getLineNr() + ":"
            + p.currentTokenLocation().getColumnNr() + "-" + p.currentLocation().getByteOffset());
      }
    } catch (IOException e) {
      out.add("failed: " + e.getMessage());
    }
    return out;
  }

  private static List<String> fresh(byte[] data, int offset, int length) throws IOException {
    try (JsonParser p = JsonChecks.FACTORY.createParser(data, offset, length)) {
      return transcript(p);
    }
  }

  private static List<String> reused(byte[] data, int offset, int length) throws IOException {
    try (JsonParser p = Utf8Parsers.open(data, offset, length)) {
      return transcript(p);
    }
  }

  @Test
  void eachPayloadReadsAsWithANewParserWhateverCameBefore() throws IOException {
    for (int round = 0; round < 2; round++) {
      for (String payload : PAYLOADS) {
        // Inside a larger array, as in the SSE reader's buffer: offsets count from the payload.
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, buffer, 5, bytes.length);
        assertThat(reused(buffer, 5, bytes.length))
            .as(payload)
            .isEqualTo(fresh(buffer, 5, bytes.length));
      }
    }
  }

  @Test
  void aClosedParserIsTheOneTheThreadOpensNext() throws IOException {
    byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
    JsonParser first = Utf8Parsers.open(json, 0, json.length);
    first.close();
    try (JsonParser again = Utf8Parsers.open(json, 0, json.length)) {
      assertThat(again).isSameAs(first);
      assertThat(transcript(again)).hasSize(2);
    }
  }

  @Test
  void anOpenWhileTheThreadsParserIsInUseGetsAnother() throws IOException {
    byte[] outer = "{\"a\":[1]}".getBytes(StandardCharsets.UTF_8);
    byte[] inner = "{\"b\":2}".getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = Utf8Parsers.open(outer, 0, outer.length)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      try (JsonParser nested = Utf8Parsers.open(inner, 0, inner.length)) {
        assertThat(nested).isNotSameAs(p);
        assertThat(transcript(nested)).isEqualTo(fresh(inner, 0, inner.length));
      }
      assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
      assertThat(p.currentName()).isEqualTo("a");
    }
  }

  @Test
  void aClosedParserActsAsAClosedNewOne() throws IOException {
    byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    JsonParser reused = Utf8Parsers.open(json, 0, json.length);
    JsonParser fresh = JsonChecks.FACTORY.createParser(json, 0, json.length);
    for (JsonParser p : List.of(reused, fresh)) {
      assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      p.close();
      assertThat(p.isClosed()).isTrue();
    }
    // Both have no input left, inside the object: asked for more, both fail the same way.
    assertThat(transcript(reused)).isEqualTo(transcript(fresh));
  }

  @Test
  void aParserThatLearntTooManyFieldNamesIsNotKept() throws IOException {
    StringBuilder many = new StringBuilder("{");
    for (int i = 0; i <= Utf8Parsers.MAX_NAMES; i++) {
      many.append(i == 0 ? "" : ",").append("\"name").append(i).append("\":0");
    }
    byte[] json = many.append('}').toString().getBytes(StandardCharsets.UTF_8);
    JsonParser big;
    try (JsonParser p = Utf8Parsers.open(json, 0, json.length)) {
      big = p;
      while (p.nextToken() != null) {
        // read every name into the parser's table
      }
    }
    byte[] small = "{}".getBytes(StandardCharsets.UTF_8);
    try (JsonParser p = Utf8Parsers.open(small, 0, small.length)) {
      assertThat(p).isNotSameAs(big);
      assertThat(transcript(p)).hasSize(2);
    }
  }

  @Test
  void aByteOrderMarkOrUtf16IsLeftToTheFactoryWhichDetectsIt() throws IOException {
    for (byte[] odd : List.of(
        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'},
        "{}".getBytes(StandardCharsets.UTF_16LE),
        "{}".getBytes(StandardCharsets.UTF_16BE))) {
      assertThat(reused(odd, 0, odd.length)).isEqualTo(fresh(odd, 0, odd.length)).hasSize(2);
    }
  }
}
