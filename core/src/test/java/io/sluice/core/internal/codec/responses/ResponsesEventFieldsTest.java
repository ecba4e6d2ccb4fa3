package io.sluice.core.internal.codec.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast path for flat delta events reads every payload exactly as Jackson does: the same
 * fields and failures, whether it takes the payload or leaves it to Jackson.
 */
class ResponsesEventFieldsTest {

  private static final String OPENAI = "{\"type\":\"response.output_text.delta\","
      + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":%s,"
      + "\"logprobs\":[],\"sequence_number\":7}";

  private static final List<String> PAYLOADS = List.of(
      OPENAI.formatted("\"Hello\""),
      OPENAI.formatted("\"\""),
      OPENAI.formatted("\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\""),
      OPENAI.formatted("\"caf\u00e9 \u65e5\u672c \ud83d\ude00\""),
      OPENAI.formatted("\"caf\u00e9\\n\""),
      OPENAI.formatted("\"\\u00e9\""),
      OPENAI.formatted("\"\\x\""),
      OPENAI.formatted("\"tab\there\""),
      OPENAI.formatted("null"),
      OPENAI.formatted("12"),
      OPENAI.formatted("\"Hello\"") + "  \r\n",
      OPENAI.formatted("\"Hello\"") + " x",
      OPENAI.formatted("\"Hello\"") + "}",
      "{\"type\":\"response.output_text.delta\",\"sequence_number\":3,\"item_id\":\"msg_1\","
          + "\"output_index\":0,\"content_index\":0,\"delta\":\"x\",\"logprobs\":[],"
          + "\"obfuscation\":\"zvMk\"}",
      "{\"type\":\"response.output_text.delta\",\"content_index\":1,\"delta\":\"x\","
          + "\"item_id\":\"msg_2\",\"output_index\":2,\"sequence_number\":4}",
      "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"delta\":\"x\","
          + "\"logprobs\":[{\"token\":\"x\",\"logprob\":-0.5,\"bytes\":[120],\"top_logprobs\":[]}]}",
      "{\"type\":\"response.output_text.delta\",\"item_id\":null,\"delta\":\"x\"}",
      "{\"type\":\"response.output_text.delta\",\"item_id\":\"caf\u00e9\",\"delta\":\"x\"}",
      "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\",\"item_id\":\"msg_3\"}",
      "{\"type\":\"response.function_call_arguments.delta\",\"item_id\":\"fc_1\","
          + "\"output_index\":1,\"delta\":\"{\\\"a\\\":\",\"sequence_number\":9}",
      "{\"type\":\"response.reasoning_summary_text.delta\",\"item_id\":\"rs_1\","
          + "\"output_index\":0,\"summary_index\":2,\"delta\":\"hm\",\"sequence_number\":5}",
      "{\"type\":\"response.output_text.done\",\"item_id\":\"msg_1\",\"output_index\":0,"
          + "\"content_index\":0,\"text\":\"Hello\",\"sequence_number\":8}",
      "{\"type\":\"response.something_new\",\"delta\":\"x\"}",
      "{\"type\":\"response.code_interpreter_call_code.delta\",\"sequence_number\":4,"
          + "\"output_index\":1,\"item_id\":\"ci_1\",\"delta\":\"print(1)\\n\"}",
      "{\"type\":7}",
      "{\"type\" : \"response.output_text.delta\", \"delta\": \"spaced\"}",
      "{\"type\":\"response.output_text.delta\",\"sequence_number\":-1}",
      "{\"type\":\"response.output_text.delta\",\"sequence_number\":01}",
      "{\"type\":\"response.output_text.delta\",\"sequence_number\":1.5}",
      "{\"type\":\"response.output_text.delta\",\"sequence_number\":12345678901}",
      "{\"type\":\"response.output_text.delta\",\"output_index\":\"1\"}",
      "{\"type\":\"response.output_text.delta\",\"logprobs\":null}",
      "{\"type\":\"response.output_text.delta\",\"extra\":{\"a\":1}}",
      "{\"type\":\"response.output_text.delta\",\"extr\\u0061\":\"x\"}",
      "{\"type\":\"response.output_text.delta\",\"obfuscation\":\"\\u0041\\t\"}",
      "{\"type\":\"response.output_text.delta\",\"obfuscation\":\"bad\u0001\"}",
      "{\"type\":\"response.output_text.delta\",\"delta\":\"x\",}",
      "{\"type\":\"response.output_text.delta\",\"delta\":\"x\"",
      "{\"type\":\"response.completed\",\"sequence_number\":10,\"response\":{\"id\":\"r\","
          + "\"status\":\"completed\",\"output\":[]}}",
      "{\"type\":\"error\",\"code\":\"x\",\"message\":\"m\",\"param\":null}",
      "{}",
      "{",
      "[]",
      "");

  /** Every field the decoder reads, as text. */
  private static String fields(ResponsesEventFields f) {
    return String.join("|", f.type, String.valueOf(f.sequence), String.valueOf(f.outputIndex),
        String.valueOf(f.contentIndex), String.valueOf(f.summaryIndex), f.itemId, f.delta,
        f.text, f.code, f.message, f.param, String.valueOf(f.status),
        String.valueOf(f.item != null), String.valueOf(f.part), f.annotation,
        String.valueOf(f.logprobs), String.valueOf(f.response != null),
        String.valueOf(f.error));
  }

  private static String read(ResponsesEventFields f, byte[] buffer, int offset, int length,
      boolean withParser) {
    try {
      if (withParser) {
        f.readWithParser(buffer, offset, length);
      } else {
        f.read(buffer, offset, length);
      }
      return fields(f);
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    }
  }

  @Test
  void everyPayloadReadsAsWithJacksonAlone() {
    ResponsesEventFields fast = new ResponsesEventFields();
    ResponsesEventFields parsed = new ResponsesEventFields();
    List<String> differ = new ArrayList<>();
    for (String payload : PAYLOADS) {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      // Inside a larger array, as in the SSE reader's buffer.
      byte[] buffer = new byte[bytes.length + 9];
      System.arraycopy(bytes, 0, buffer, 4, bytes.length);
      String expected = read(parsed, buffer, 4, bytes.length, true);
      String actual = read(fast, buffer, 4, bytes.length, false);
      if (!expected.equals(actual)) {
        differ.add(payload + "\n  jackson: " + expected + "\n  fast:    " + actual);
      }
    }
    assertThat(differ).isEmpty();
  }

  @Test
  void everyPrefixOfADeltaReadsAsWithJacksonAlone() {
    byte[] bytes = OPENAI.formatted("\"caf\u00e9 \\\"q\\\"\"").getBytes(StandardCharsets.UTF_8);
    ResponsesEventFields fast = new ResponsesEventFields();
    ResponsesEventFields parsed = new ResponsesEventFields();
    for (int length = 0; length <= bytes.length; length++) {
      assertThat(read(fast, bytes, 0, length, false))
          .as("first %d bytes", length)
          .isEqualTo(read(parsed, bytes, 0, length, true));
    }
  }

  @Test
  void theFrequentFlatDeltasTakeTheFastPath() {
    ResponsesEventFields f = new ResponsesEventFields();
    for (String payload : List.of(OPENAI.formatted("\"Hello\""), PAYLOADS.get(4),
        PAYLOADS.get(13), PAYLOADS.get(14), PAYLOADS.get(19), PAYLOADS.get(20),
        PAYLOADS.get(23))) {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      f.reset();
      assertThat(f.readFlat(bytes, 0, bytes.length)).as(payload).isTrue();
    }
  }

  @Test
  void aRepeatedItemIdIsTheSameInstance() throws IOException {
    ResponsesEventFields f = new ResponsesEventFields();
    byte[] bytes = OPENAI.formatted("\"a\"").getBytes(StandardCharsets.UTF_8);
    f.read(bytes, 0, bytes.length);
    String first = f.itemId;
    f.read(bytes, 0, bytes.length);
    assertThat(f.itemId).isSameAs(first).isEqualTo("msg_1");
  }
}
