package io.sluice.core.internal.codec.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.ToolKind;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.core.message.Part;
import io.sluice.core.testing.Chunkings;
import io.sluice.core.testing.JsonTree;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Anthropic stream of the shared corpus decodes, at several chunkings, to a grammatical
 * sequence that assembles to what {@code _expected} holds: content blocks (text, tool input as
 * parsed JSON, thinking and its signature, whole blocks as JSON), stop reason and usage.
 *
 * <p>Where the reference aggregator disagrees with sluice's rules, the test asserts sluice's
 * behaviour:
 * <ul>
 *   <li>Files whose last {@code message_stop} has no final blank line (every anthropic-sdk-python
 *       {@code *.txt} fixture) end with it all the same: the reader reports the event as
 *       unterminated rather than dispatching it (WHATWG), and the decoder accepts a complete
 *       terminal event as the end. A tool input cut by {@code max_tokens} stays the raw partial
 *       JSON.
 *   <li>spliced-message-start: a second {@code message_start} with another id before
 *       {@code message_stop} fails the stream (vercel raises InvalidResponseDataError too); the
 *       reference keeps the second message, sluice the first message's content so far.
 *   <li>A {@code fallback} block relabels the message's model in the SDK; sluice keeps the
 *       {@code message_start} model and the block as opaque JSON.
 * </ul>
 */
class AnthropicCorpusTest {

  @TestFactory
  Stream<DynamicTest> everyStreamAssemblesToTheReference() {
    return AnthropicCorpus.streams().stream()
        .map(s -> DynamicTest.dynamicTest(s.toString(), () -> check(s)));
  }

  @SuppressWarnings("unchecked")
  private static void check(AnthropicCorpus.Stream1 stream) {
    List<StreamEvent> events = AnthropicStreams.decode(stream.wire(),
        Chunkings.of(stream.wire(), 1500, 5));
    FinalMessage result = MessageAccumulator.assemble(events);
    StreamEvent last = events.get(events.size() - 1);
    Map<String, Object> expected = (Map<String, Object>) stream.expected().get("message");
    List<Map<String, Object>> errors = (List<Map<String, Object>>) stream.expected().get("errors");

    if (!errors.isEmpty()) {
      Failed failed = (Failed) last;
      assertThat(failed.type()).isEqualTo(errors.get(0).get("type"));
      assertThat(failed.message()).isEqualTo(errors.get(0).get("message"));
    } else if (stream.name().endsWith("spliced-message-start.chunks.txt")) {
      assertThat(((Failed) last).message()).contains("protocol error", "msg_second");
      assertThat(result.message().reasoning()).isEqualTo("I will call the tool.");
      assertThat(result.message().toolCalls()).singleElement()
          .satisfies(c -> assertThat(c.arguments()).isEqualTo("{\"value\":\"Spark"));
      return;
    } else {
      assertThat(last).isInstanceOf(Done.class);
      assertThat(((Done) last).rawReason()).isEqualTo(expected.get("stop_reason"));
    }
    if (expected == null) {
      assertThat(result.message().parts()).isEmpty();
      return;
    }
    assertThat(result.id()).isEqualTo(expected.get("id"));
    List<Map<String, Object>> content = (List<Map<String, Object>>) expected.get("content");
    boolean fallback = content.stream().anyMatch(b -> "fallback".equals(b.get("type")));
    if (!fallback) {
      assertThat(result.model()).isEqualTo(expected.get("model"));
    }
    checkContent(result.message().parts(), content);
    checkUsage(result, (Map<String, Object>) expected.get("usage"));
  }

  static void checkContent(List<Part> parts, List<Map<String, Object>> content) {
    assertThat(parts).hasSize(content.size());
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      Map<String, Object> block = content.get(i);
      String type = (String) block.get("type");
      switch (type) {
        case "text": {
          Part.Text text = (Part.Text) part;
          assertThat(text.text()).isEqualTo(block.get("text"));
          List<Object> citations = block.containsKey("citations")
              ? (List<Object>) block.get("citations") : List.of();
          assertThat(text.citations()).hasSameSizeAs(citations);
          for (int c = 0; c < citations.size(); c++) {
            assertThat(JsonTree.parse(text.citations().get(c).json())).isEqualTo(citations.get(c));
          }
          break;
        }
        case "thinking":
          assertThat(part).isEqualTo(new Part.Reasoning(ReasoningKind.THINKING,
              (String) block.get("thinking"), (String) block.get("signature"), ""));
          break;
        case "redacted_thinking":
          assertThat(part).isEqualTo(
              new Part.Reasoning(ReasoningKind.REDACTED, "", (String) block.get("data"), ""));
          break;
        case "server_tool_use":
        case "mcp_tool_use": {
          // A tool the provider ran: never a tool call for the client.
          Part.ServerTool tool = (Part.ServerTool) part;
          assertThat(tool.id()).isEqualTo(block.get("id"));
          assertThat(tool.name()).isEqualTo(block.get("name"));
          assertThat(tool.type()).isEqualTo(type);
          assertThat(JsonTree.parse(tool.input())).isEqualTo(block.get("input"));
          break;
        }
        case "tool_use": {
          Part.ToolCall call = (Part.ToolCall) part;
          assertThat(call.id()).isEqualTo(block.get("id"));
          assertThat(call.name()).isEqualTo(block.get("name"));
          assertThat(call.kind()).isEqualTo(ToolKind.FUNCTION);
          if (block.containsKey("input_partial_json_unterminated")) {
            // Cut by max_tokens: the raw partial JSON, which does not parse.
            assertThat(call.arguments()).isEqualTo(block.get("input_partial_json_unterminated"));
            assertThat(call.argumentsValid()).isFalse();
          } else {
            assertThat(JsonTree.parse(call.arguments())).isEqualTo(block.get("input"));
          }
          break;
        }
        default: {
          if (type.endsWith("_tool_result")) {
            Part.ServerToolResult result = (Part.ServerToolResult) part;
            assertThat(result.type()).isEqualTo(type);
            assertThat(result.toolUseId()).isEqualTo(block.getOrDefault("tool_use_id", ""));
            assertThat(JsonTree.parse(result.json())).isEqualTo(block);
            break;
          }
          Part.Opaque opaque = (Part.Opaque) part;
          assertThat(opaque.type()).isEqualTo(type);
          assertThat(JsonTree.parse(opaque.json())).isEqualTo(block);
          break;
        }
      }
    }
  }

  static void checkUsage(FinalMessage result, Map<String, Object> usage) {
    long input = number(usage.get("input_tokens"));
    long cacheRead = number(usage.get("cache_read_input_tokens"));
    long cacheWrite = number(usage.get("cache_creation_input_tokens"));
    assertThat(result.usage().inputTokens()).isEqualTo(input + cacheRead + cacheWrite);
    assertThat(result.usage().cacheReadTokens()).isEqualTo(cacheRead);
    assertThat(result.usage().cacheWriteTokens()).isEqualTo(cacheWrite);
    assertThat(result.usage().outputTokens()).isEqualTo(number(usage.get("output_tokens")));
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }
}
