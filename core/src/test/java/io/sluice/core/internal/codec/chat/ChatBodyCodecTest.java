package io.sluice.core.internal.codec.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.testing.SharedCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Non-streaming Chat Completions bodies and error bodies. */
class ChatBodyCodecTest {

  private static final WireCodec CODEC = ChatCodec.of(ChatDialect.OPENAI);

  private static FinalMessage corpus(String file) throws IOException {
    return CODEC.decodeResponse(Files.readAllBytes(SharedCorpus.require("corpus/" + file)));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void openAiTextBody() throws IOException {
    FinalMessage m = corpus("vercel-ai/openai-chat/openai-text.json");
    assertThat(m.id()).isEqualTo("chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU");
    assertThat(m.model()).isEqualTo("gpt-4.1-nano-2025-04-14");
    assertThat(m.created()).isEqualTo(1770933883L);
    assertThat(m.text()).startsWith("**Holiday Name:** Galaxy Day");
    assertThat(m.outcome()).isEqualTo(new Done(FinishReason.STOP, "stop"));
    assertThat(m.usage().inputTokens()).isPositive();
  }

  @Test
  void mistralReasoningBodyMatchesItsStream() throws IOException {
    // INDEX.md: mistral-reasoning.json has the same id as its stream and is its assembly.
    FinalMessage m = corpus("vercel-ai/mistral/mistral-reasoning.json");
    assertThat(m.message().parts()).containsExactly(
        new Part.Reasoning(ReasoningKind.THINKING,
            "The user is asking for 2+2. This is basic arithmetic. 2+2=4.", "", ""),
        new Part.Text("2 + 2 = 4"));
    assertThat(m.usage()).isEqualTo(new Usage(10, 46, 0, 0, 0, 56));
  }

  @Test
  void mistralToolCallBodyWithoutType() throws IOException {
    FinalMessage m = corpus("vercel-ai/mistral/mistral-tool-call.json");
    assertThat(m.message().toolCalls()).containsExactly(
        Part.ToolCall.function("gSIMJiOkT", "weather", "{\"location\": \"San Francisco\"}"));
    assertThat(m.outcome()).isEqualTo(new Done(FinishReason.TOOL_CALLS, "tool_calls"));
  }

  @Test
  void reasoningContentBodiesOfXaiAndDeepSeek() throws IOException {
    FinalMessage xai = corpus("vercel-ai/openai-compatible-chat/xai-tool-call.json");
    assertThat(xai.message().reasoning()).startsWith("First, the user is asking");
    assertThat(xai.message().toolCalls()).isNotEmpty();
    FinalMessage deepSeek = corpus("vercel-ai/azure-responses/azure-deepseek-reasoning.1.json");
    assertThat(deepSeek.text()).startsWith("Absolutely!");
    assertThat(corpus("vercel-ai/openai-compatible-chat/xai-text.json").text()).isNotEmpty();
    assertThat(corpus("vercel-ai/mistral/mistral-text.json").text()).isNotEmpty();
  }

  @Test
  void encodedResponseDecodesToTheSameMessage() {
    FinalMessage message = new FinalMessage("chatcmpl-1", "gpt-4o", 99, List.of(
        new FinalMessage.Choice(0, new Message(Role.ASSISTANT, List.of(
            new Part.Reasoning(ReasoningKind.THINKING, "hm", "", ""), new Part.Text("Hi"),
            Part.ToolCall.function("call_1", "f", "{\"a\":1}"))),
            FinishReason.TOOL_CALLS, "tool_calls"),
        new FinalMessage.Choice(1, new Message(Role.ASSISTANT, List.of(new Part.Refusal("No"))),
            FinishReason.STOP, "stop")),
        new Usage(10, 5, 4, 0, 2, 15), new Done(FinishReason.TOOL_CALLS, "tool_calls"));
    assertThat(CODEC.decodeResponse(CODEC.encodeResponse(message))).isEqualTo(message);
  }

  @Test
  void aBodyThatIsAnErrorDecodesAsAFailedOutcome() {
    FinalMessage m = CODEC.decodeResponse(utf8("""
        {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}"""));
    assertThat(m.error()).hasValue(new Failed("server_error", "", "overloaded", 500, true));
  }

  @Test
  void aBodyThatIsNotJsonIsACodecException() {
    assertThatThrownBy(() -> CODEC.decodeResponse(utf8("<html>")))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void openAiErrorBodyFromTheCorpus() throws IOException {
    byte[] body = Files.readAllBytes(SharedCorpus.require(
        "corpus/vercel-ai/openai-chat/reasoning-model-legacy-parameter-error.json"));
    assertThat(CODEC.decodeError(400, body)).isEqualTo(new Failed("invalid_request_error",
        "unsupported_parameter", "Unsupported parameter: 'max_tokens' is not supported with this"
            + " model. Use 'max_completion_tokens' instead.", 400, false));
  }

  @Test
  void mistralFlatErrorBodyWithAnObjectMessage() {
    Failed f = CODEC.decodeError(422, utf8("""
        {"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","stream_options"]}]},"type":"invalid_request_error","param":null,"code":null}"""));
    assertThat(f.type()).isEqualTo("invalid_request_error");
    assertThat(f.message()).contains("extra_forbidden");
    assertThat(f.httpStatus()).isEqualTo(422);
    assertThat(f.retryable()).isFalse();
  }

  @Test
  void retryableFollowsTheStatusExceptForAnExhaustedQuota() {
    String body = "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"code\":null}}";
    for (int status : new int[] {408, 409, 429, 500, 502, 503, 504, 529}) {
      assertThat(CODEC.decodeError(status, utf8(body)).retryable()).as("%s", status).isTrue();
    }
    for (int status : new int[] {400, 401, 403, 404, 413, 422}) {
      assertThat(CODEC.decodeError(status, utf8(body)).retryable()).as("%s", status).isFalse();
    }
    assertThat(CODEC.decodeError(429, utf8("""
        {"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"""))
        .retryable()).isFalse();
  }

  @Test
  void aNonJsonErrorBodyQuotesABoundedExcerpt() {
    Failed f = CODEC.decodeError(502, utf8("<html>" + "x".repeat(1000) + "</html>"));
    assertThat(f.type()).isEqualTo("api_error");
    assertThat(f.message()).startsWith("HTTP 502: <html>").hasSizeLessThan(300);
    assertThat(f.retryable()).isTrue();
  }

  @Test
  void encodedErrorDecodesToTheSameFailure() {
    Failed failure = new Failed("rate_limit_exceeded", "rate_limit_exceeded", "slow down", 429,
        true);
    assertThat(new String(CODEC.encodeError(failure), StandardCharsets.UTF_8)).isEqualTo("""
        {"error":{"message":"slow down","type":"rate_limit_exceeded","param":null,\
        "code":"rate_limit_exceeded"}}""");
    assertThat(CODEC.decodeError(429, CODEC.encodeError(failure))).isEqualTo(failure);
  }
}
