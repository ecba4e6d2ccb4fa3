package io.sluice.core.internal.codec.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.CodecException;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ToolKind;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.testing.JsonTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Non-streaming message bodies and error bodies. */
class AnthropicBodyCodecTest {
  private static final AnthropicCodec CODEC = AnthropicCodec.INSTANCE;

  @TestFactory
  @SuppressWarnings("unchecked")
  Stream<DynamicTest> everyCorpusBodyDecodes() {
    return AnthropicCorpus.bodies().stream().map(file -> DynamicTest.dynamicTest(
        file.getFileName().toString(), () -> {
          String json = AnthropicCorpus.read(file);
          Map<String, Object> expected = JsonTree.object(json);
          FinalMessage message = CODEC.decodeResponse(json.getBytes(StandardCharsets.UTF_8));
          assertThat(message.id()).isEqualTo(expected.get("id"));
          assertThat(message.model()).isEqualTo(expected.get("model"));
          assertThat(message.outcome()).isEqualTo(
              new Done(finishReason(expected), (String) expected.get("stop_reason")));
          AnthropicCorpusTest.checkContent(message.message().parts(),
              (List<Map<String, Object>>) expected.get("content"));
          AnthropicCorpusTest.checkUsage(message, (Map<String, Object>) expected.get("usage"));
        }));
  }

  private static FinishReason finishReason(Map<String, Object> expected) {
    return io.sluice.core.internal.codec.FinishReasons.fromAnthropic(
        (String) expected.get("stop_reason"));
  }

  @Test
  void responseRoundTrips() {
    FinalMessage message = new FinalMessage("msg_1", "claude-opus-4-1", 0,
        List.of(new FinalMessage.Choice(0, new Message(Role.ASSISTANT, List.of(
            new Part.Reasoning(ReasoningKind.THINKING, "hmm", "sig", ""),
            new Part.Text("Calling."),
            new Part.ToolCall("toolu_1", "get_weather", ToolKind.FUNCTION, "{\"city\":\"Paris\"}"),
            new Part.ServerToolResult("s", "web_search_tool_result",
                "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"s\",\"content\":[]}"))),
            FinishReason.TOOL_CALLS, "tool_use")),
        Usage.of(120, 40, 100, 0, 0), new Done(FinishReason.TOOL_CALLS, "tool_use"));
    assertThat(CODEC.decodeResponse(CODEC.encodeResponse(message))).isEqualTo(message);
  }

  @Test
  void responseErrorBodyDecodesToAFailedOutcome() {
    FinalMessage message = CODEC.decodeResponse(utf8(
        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    assertThat(message.outcome())
        .isEqualTo(new Failed("overloaded_error", "", "Overloaded", 529, true));
  }

  @Test
  void responseThatIsNotJsonIsACodecException() {
    Assertions.assertThatThrownBy(() -> CODEC.decodeResponse(utf8("{\"id\":")))
        .isInstanceOf(CodecException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void errorBodyKeepsTypeMessageAndStatus() {
    Failed failed = CODEC.decodeError(529, utf8("{\"type\":\"error\",\"error\":{\"type\":"
        + "\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_1\"}"));
    assertThat(failed).isEqualTo(new Failed("overloaded_error", "", "Overloaded", 529, true));
  }

  @Test
  void errorBodyRetryableFollowsTheStatus() {
    assertThat(CODEC.decodeError(400, utf8("{\"type\":\"error\",\"error\":{\"type\":"
        + "\"invalid_request_error\",\"message\":\"bad\"}}")).retryable()).isFalse();
    assertThat(CODEC.decodeError(429, utf8("{\"type\":\"error\",\"error\":{\"type\":"
        + "\"rate_limit_error\",\"message\":\"slow\"}}")).retryable()).isTrue();
    assertThat(CODEC.decodeError(409, utf8("{}")).retryable()).isTrue();
  }

  @Test
  void errorBodyThatIsNotJsonKeepsTheStatusAndAnExcerpt() {
    Failed failed = CODEC.decodeError(502, utf8("<html>Bad gateway</html>"));
    assertThat(failed).isEqualTo(
        new Failed("api_error", "", "HTTP 502: <html>Bad gateway</html>", 502, true));
  }

  @Test
  void errorRoundTrips() {
    Failed failed = new Failed("rate_limit_error", "", "Slow down", 429, true);
    assertThat(CODEC.decodeError(429, CODEC.encodeError(failed))).isEqualTo(failed);
  }

  @Test
  void sluiceFailureTypesAreSentAsTheStatusType() {
    String body = new String(CODEC.encodeError(
        new Failed(Failed.TIMEOUT, "", "read timed out", 504, true)), StandardCharsets.UTF_8);
    assertThat(body).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\","
        + "\"message\":\"timeout: read timed out\"}}");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
