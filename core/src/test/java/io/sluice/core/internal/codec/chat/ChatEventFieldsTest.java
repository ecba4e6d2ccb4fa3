package io.sluice.core.internal.codec.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast path for flat chunks reads every payload exactly as Jackson does: the same fields and
 * failures, whether it takes the chunk or leaves it to Jackson.
 */
class ChatEventFieldsTest {

  private static final String OPENAI = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1717000000,\"model\":\"gpt-4o\",\"system_fingerprint\":\"fp_1\","
      + "\"choices\":[{\"index\":0,\"delta\":%s,\"logprobs\":null,\"finish_reason\":%s}]}";

  private static final List<String> PAYLOADS = List.of(
      OPENAI.formatted("{\"content\":\"Hello\"}", "null"),
      OPENAI.formatted("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null"),
      OPENAI.formatted("{}", "\"stop\""),
      OPENAI.formatted("{\"content\":\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\"}", "null"),
      OPENAI.formatted("{\"content\":\"caf\u00e9 \u65e5\u672c \ud83d\ude00\"}", "null"),
      OPENAI.formatted("{\"content\":\"caf\u00e9\\n\"}", "null"),
      OPENAI.formatted("{\"content\":\"\\u00e9\"}", "null"),
      OPENAI.formatted("{\"content\":\"\\x\"}", "null"),
      OPENAI.formatted("{\"content\":\"tab\there\"}", "null"),
      OPENAI.formatted("{\"content\":null}", "null"),
      OPENAI.formatted("{\"content\":12}", "null"),
      OPENAI.formatted("{\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}", "null"),
      OPENAI.formatted("{\"reasoning_content\":\"think\",\"content\":\"then\"}", "null"),
      OPENAI.formatted("{\"reasoning\":\"think\"}", "null"),
      OPENAI.formatted("{\"refusal\":\"no\"}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"type\":\"function\","
          + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
          + "\"{\\\"a\\\": 1}\"}}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"id\":\"c\",\"function\":{\"name\":\"f\","
          + "\"arguments\":\"{}\"},\"index\":2,\"type\":\"function\"},{\"index\":null,"
          + "\"function\":{\"name\":null,\"arguments\":null}},{},{\"function\":null,"
          + "\"id\":null}]}", "null"),
      OPENAI.formatted("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":{\"a\":1}}}]}",
          "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":1.0,\"function\":{\"name\":\"f\"}}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":-1,\"function\":{\"name\":\"f\"}}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":12345678901,\"id\":\"c\"}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"id\":7}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"name\":\"\\u0066\"}}]}",
          "null"),
      OPENAI.formatted("{\"tool_calls\":[null,{\"index\":0}]}", "null"),
      OPENAI.formatted("{\"tool_calls\":{\"index\":0}}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"x\"}}],"
          + "\"content\":\"after\"}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"x\"}},]}",
          "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"x\"}}",
          "null"),
      OPENAI.formatted("{\"annotations\":[{\"type\":\"url_citation\"}]}", "null"),
      OPENAI.formatted("{\"role\":null,\"content\":\"x\",\"reasoning_content\":null,"
          + "\"tool_calls\":null,\"annotations\":null}", "null") .replace("}]}",
          "}],\"usage\":null,\"matched_stop\":2}"),
      OPENAI.formatted("null", "null"),
      OPENAI.formatted("{\"content\":\"x\"}", "\"stop\",\"finish_reason\":null"),
      OPENAI.formatted("{\"content\":\"x\"}", "7"),
      OPENAI.formatted("{\"content\":\"Hello\"}", "null") + " \r\n",
      OPENAI.formatted("{\"content\":\"Hello\"}", "null") + "x",
      "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
          + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"logprobs\":{\"content\":"
          + "[{\"token\":\"x\",\"logprob\":-0.1,\"bytes\":[120],\"top_logprobs\":[]}]},"
          + "\"finish_reason\":null}]}",
      "{\"id\":\"c\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"a\"}},{\"index\":0,"
          + "\"delta\":{\"content\":\"b\"}}],\"created\":5,\"model\":\"m\"}",
      "{\"choices\":[],\"id\":\"c\",\"model\":\"m\",\"usage\":{\"prompt_tokens\":1,"
          + "\"completion_tokens\":2,\"total_tokens\":3}}",
      "{\"choices\":[],\"usage\":null,\"obfuscation\":\"abc\",\"service_tier\":\"default\"}",
      "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"content_filter_results\":{}}]}",
      "{\"id\":null,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c\",\"created\":-1,\"choices\":[]}",
      "{\"id\":\"c\",\"created\":1.5,\"choices\":[]}",
      "{\"id\":\"c\",\"created\":12345678901234567890,\"choices\":[]}",
      "{\"id\":\"c\",\"choices\":[{\"index\":01}]}",
      "{\"id\":\"c\",\"choices\":[{\"index\":\"0\"}]}",
      "{\"id\":\"c\",\"choices\":[1]}",
      "{\"id\":\"c\",\"choices\":[{}],\"x\":true}",
      "{\"object\":\"error\",\"message\":\"bad\",\"type\":\"invalid\",\"code\":3}",
      "{\"error\":{\"message\":\"bad\",\"type\":\"server_error\"}}",
      "{\"error\":null,\"choices\":[]}",
      "{\"id\" : \"c\", \"choices\": []}",
      "{\"id\":\"c\",\"choices\":[],}",
      "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}",
      "{}",
      "[]",
      "");

  private static String fields(ChatEventFields f) {
    StringBuilder out = new StringBuilder();
    out.append(f.id).append('|').append(f.model).append('|').append(f.created).append('|')
        .append(f.usage).append('|').append(f.hasError).append('|').append(f.error);
    for (int i = 0; i < f.choiceCount; i++) {
      ChatEventFields.Choice c = f.choices.get(i);
      out.append("\n choice ").append(c.index).append(' ').append(c.finishReason).append(' ')
          .append(c.annotations).append(' ').append(c.contentLogprobs).append(' ')
          .append(c.refusalLogprobs);
      for (int j = 0; j < c.opCount; j++) {
        ChatEventFields.Op op = c.ops.get(j);
        out.append("\n  op ").append(op.kind).append(' ').append(op.text);
        if (op.kind == ChatEventFields.OpKind.TOOL) {
          out.append(' ').append(op.toolIndex).append(' ').append(op.position).append(' ')
              .append(op.id).append(' ').append(op.name).append(' ').append(op.arguments);
        }
      }
    }
    return out.toString();
  }

  private static String read(ChatEventFields f, byte[] bytes, int offset, int length,
      boolean withParser) {
    try {
      if (withParser) {
        f.readWithParser(bytes, offset, length);
      } else {
        f.read(bytes, offset, length);
      }
      return fields(f);
    } catch (IOException e) {
      return "failed: " + e.getMessage();
    }
  }

  @Test
  void everyPayloadReadsAsWithJacksonAlone() {
    for (boolean wantMeta : new boolean[] {true, false}) {
      ChatEventFields fast = new ChatEventFields();
      ChatEventFields parsed = new ChatEventFields();
      fast.wantMeta = wantMeta;
      parsed.wantMeta = wantMeta;
      List<String> differ = new ArrayList<>();
      for (String payload : PAYLOADS) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[bytes.length + 9];
        System.arraycopy(bytes, 0, buffer, 6, bytes.length);
        String expected = read(parsed, buffer, 6, bytes.length, true);
        String actual = read(fast, buffer, 6, bytes.length, false);
        if (!expected.equals(actual)) {
          differ.add(payload + "\n  jackson: " + expected + "\n  fast:    " + actual);
        }
      }
      assertThat(differ).as("wantMeta " + wantMeta).isEmpty();
    }
  }

  @Test
  void everyPrefixOfAChunkReadsAsWithJacksonAlone() {
    byte[] bytes = OPENAI.formatted("{\"content\":\"caf\u00e9 \\\"q\\\"\"}", "\"stop\"")
        .getBytes(StandardCharsets.UTF_8);
    ChatEventFields fast = new ChatEventFields();
    ChatEventFields parsed = new ChatEventFields();
    for (int length = 0; length <= bytes.length; length++) {
      assertThat(read(fast, bytes, 0, length, false))
          .as("first %d bytes", length)
          .isEqualTo(read(parsed, bytes, 0, length, true));
    }
  }

  /** Chunks in stream order: most repeat the bytes before "choices", some differ in them. */
  private static final List<String> STREAM = List.of(
      OPENAI.formatted("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
      OPENAI.formatted("{\"content\":\"Hel\"}", "null"),
      OPENAI.formatted("{\"content\":\"lo\\n\"}", "null"),
      OPENAI.formatted("{\"content\":\"\\u00e9\"}", "null"),
      OPENAI.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}",
          "null"),
      OPENAI.formatted("{\"content\":\"x\"}", "null").replace("\"created\":1717000000",
          "\"created\":1717000001"),
      OPENAI.formatted("{\"content\":\"y\"}", "null").replace("\"id\":\"chatcmpl-1\"",
          "\"id\":\"chatcmpl-2\""),
      OPENAI.formatted("{\"content\":\"z\"}", "null"),
      OPENAI.formatted("{\"content\":\"z\"}", "null").replace("\"choices\":[", "\"choices\": ["),
      OPENAI.formatted("{\"content\":\"z\"}", "null").replace("}]}", "}],\"choices\":[]}"),
      OPENAI.formatted("{\"content\":\"a\"}", "null").replace("}]}", "}],\"id\":\"other\"}"),
      OPENAI.formatted("{\"content\":\"a\"}", "null").replace("}]}", "}],\"usage\":{}}"),
      OPENAI.formatted("{\"content\":\"a\"}", "null").replace("}]}", "}]"),
      OPENAI.formatted("{\"content\":\"a\"}", "null").replace("}]}", "}]}}"),
      OPENAI.formatted("{\"content\":\"a\"}", "null").substring(0,
          OPENAI.indexOf("\"choices\":") + 10),
      OPENAI.formatted("{\"content\":\"a\"}", "null").substring(0,
          OPENAI.indexOf("\"choices\":") + 6),
      OPENAI.formatted("{}", "\"stop\""),
      "{\"id\":\"chatcmpl-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,"
          + "\"completion_tokens\":2,\"total_tokens\":3}}");

  @Test
  void chunksThatRepeatTheBytesBeforeTheirChoicesReadAsWithJacksonAlone() {
    // Also with wantMeta turning false mid-stream, as the decoder turns it after its first event.
    for (int metaUntil : new int[] {0, 1, 3, STREAM.size()}) {
      ChatEventFields fast = new ChatEventFields();
      ChatEventFields parsed = new ChatEventFields();
      for (int i = 0; i < STREAM.size(); i++) {
        fast.wantMeta = parsed.wantMeta = i < metaUntil;
        byte[] bytes = STREAM.get(i).getBytes(StandardCharsets.UTF_8);
        byte[] buffer = new byte[bytes.length + 3];
        System.arraycopy(bytes, 0, buffer, i % 4, bytes.length);
        assertThat(read(fast, buffer, i % 4, bytes.length, false))
            .as("chunk %d, wantMeta until %d: %s", i, metaUntil, STREAM.get(i))
            .isEqualTo(read(parsed, buffer, i % 4, bytes.length, true));
      }
    }
  }

  @Test
  void aChunkThatRepeatsTheBytesBeforeItsChoicesTakesTheFastPath() {
    ChatEventFields f = new ChatEventFields();
    byte[] first = STREAM.get(1).getBytes(StandardCharsets.UTF_8);
    byte[] next = STREAM.get(2).getBytes(StandardCharsets.UTF_8);
    assertThat(f.readFlat(first, 0, first.length)).isTrue();
    assertThat(f.readFlat(next, 0, next.length)).isTrue();
    assertThat(fields(f)).startsWith("chatcmpl-1|gpt-4o|1717000000|").endsWith("op TEXT lo\n");
  }

  @Test
  void theFrequentFlatChunksTakeTheFastPath() {
    ChatEventFields f = new ChatEventFields();
    for (String payload : List.of(PAYLOADS.get(0), PAYLOADS.get(1), PAYLOADS.get(2),
        PAYLOADS.get(4), PAYLOADS.get(5), PAYLOADS.get(12), PAYLOADS.get(15), PAYLOADS.get(16),
        PAYLOADS.get(17), PAYLOADS.get(18), PAYLOADS.get(31), PAYLOADS.get(38),
        PAYLOADS.get(40))) {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      assertThat(f.readFlat(bytes, 0, bytes.length)).as(payload).isTrue();
    }
  }
}
