package io.sluice.core.internal.codec.responses;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.testing.JsonTree;
import io.sluice.core.testing.SharedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Non-streaming response bodies and error bodies. */
class ResponsesBodyCodecTest {

  private static final ResponsesCodec CODEC = ResponsesCodec.INSTANCE;

  static Stream<String> bodies() throws IOException {
    Path root = SharedCorpus.require("corpus");
    return Stream.of("vercel-ai/openai-responses", "vercel-ai/azure-responses",
        "vercel-ai/open-responses").flatMap(dir -> {
          try (Stream<Path> files = Files.list(root.resolve(dir))) {
            return files.map(p -> dir + "/" + p.getFileName()).filter(n -> n.endsWith(".json"))
                .filter(n -> !n.contains("deepseek") && !n.contains("error")).sorted().toList()
                .stream();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest(name = "{0}")
  @MethodSource("bodies")
  void corpusBodyDecodesToItsOutput(String name) throws IOException {
    byte[] body = Files.readAllBytes(SharedCorpus.require("corpus/" + name));
    Map<String, Object> tree = JsonTree.object(new String(body, StandardCharsets.UTF_8));
    FinalMessage m = CODEC.decodeResponse(body);
    assertThat(m.id()).isEqualTo(tree.get("id"));
    StringBuilder text = new StringBuilder();
    long calls = 0;
    for (Map<String, Object> item : (List<Map<String, Object>>) tree.get("output")) {
      if (item.get("type").equals("message")) {
        for (Map<String, Object> part : (List<Map<String, Object>>) item.get("content")) {
          if (part.get("type").equals("output_text")) {
            text.append(part.get("text"));
          }
        }
      } else if (item.get("type").equals("function_call")) {
        calls++;
      }
    }
    assertThat(m.text()).isEqualTo(text.toString());
    assertThat(m.message().toolCalls().stream()
        .filter(c -> c.kind() == io.sluice.core.event.ToolKind.FUNCTION).count()).isEqualTo(calls);
    assertThat(m.outcome()).isInstanceOf(Done.class);
    // And back: encoding what was decoded decodes to the same message.
    assertThat(CODEC.decodeResponse(CODEC.encodeResponse(m))).isEqualTo(m);
  }

  @Test
  void finalMessageRoundTrips() {
    Message message = new Message(Role.ASSISTANT, List.of(
        new Part.Reasoning(ReasoningKind.SUMMARY, "Plan.", "enc", "rs_1"),
        new Part.Text("Calling."), Part.ToolCall.function("call_1", "f", "{}")));
    FinalMessage m = new FinalMessage("resp_1", "gpt-5", 1700, List.of(
        new FinalMessage.Choice(0, message, FinishReason.TOOL_CALLS, "completed")),
        new Usage(10, 5, 2, 0, 1, 15), new Done(FinishReason.TOOL_CALLS, "completed"));
    assertThat(CODEC.decodeResponse(CODEC.encodeResponse(m))).isEqualTo(m);
  }

  @Test
  void incompleteBodyIsLength() {
    FinalMessage m = CODEC.decodeResponse("""
        {"id":"resp_1","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},
         "model":"m","created_at":1,"output":[{"type":"message","content":[{"type":"output_text","text":"Once"}]}]}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(m.outcome()).isEqualTo(new Done(FinishReason.LENGTH, "max_output_tokens"));
    assertThat(m.text()).isEqualTo("Once");
  }

  @Test
  void errorBodyDecodes() throws IOException {
    byte[] body = Files.readAllBytes(
        SharedCorpus.require("corpus/vercel-ai/openai-responses/reasoning-model-temperature-error.json"));
    Failed f = CODEC.decodeError(400, body);
    assertThat(f.httpStatus()).isEqualTo(400);
    assertThat(f.retryable()).isFalse();
    assertThat(f.message()).isNotEmpty();
  }

  @Test
  void errorBodiesRoundTripAndStatusesDecideRetry() {
    Failed f = new Failed("rate_limit_error", "rate_limit_exceeded", "Slow down", 429, true);
    assertThat(CODEC.decodeError(429, CODEC.encodeError(f))).isEqualTo(f);
    assertThat(CODEC.decodeError(503, "<html>busy</html>".getBytes()))
        .isEqualTo(new Failed("http_503", "", "<html>busy</html>", 503, true));
    assertThat(CODEC.decodeError(429, "{\"error\":{\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\",\"message\":\"Pay\"}}".getBytes()).retryable()).isFalse();
    assertThat(CODEC.decodeError(400, "{\"error\":{\"message\":\"bad\"}}".getBytes()).retryable())
        .isFalse();
  }
}
