package io.sluice.core.internal.codec.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.ResponseCreateMessage;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ToolKind;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.message.Tool;
import io.sluice.core.message.ToolChoice;
import io.sluice.core.testing.JsonTree;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ChatRequest ↔ a POST /v1/responses body. */
class ResponsesRequestCodecTest {

  private static final ResponsesCodec CODEC = ResponsesCodec.INSTANCE;

  private static ChatRequest rich() {
    return ChatRequest.builder("gpt-5")
        .system("Be brief.")
        .message(new Message(Role.USER, List.of(new Part.Text("What is in this image?"),
            new Part.Image("https://example.com/cat.png", ""),
            new Part.Image("data:image/png;base64,iVBO", "image/png"))))
        .message(new Message(Role.ASSISTANT, List.of(
            new Part.Reasoning(ReasoningKind.SUMMARY, "Look first.", "", "rs_1"),
            new Part.Reasoning(ReasoningKind.SUMMARY, "Then answer.", "gAAAA", "rs_1"),
            new Part.Text("A cat."),
            Part.ToolCall.function("call_1", "lookup", "{\"q\":\"cat\"}"),
            new Part.ToolCall("call_2", "sql", ToolKind.CUSTOM, "SELECT 1"),
            new Part.Opaque("web_search_call",
                "{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\"}"))))
        .message(Message.toolResult("call_1", "{\"found\":true}"))
        .message(Message.system("Now in French."))
        .user("Merci")
        .tool(new Tool("lookup", "Looks things up", "{\"type\":\"object\"}"))
        .options(GenerationOptions.builder().temperature(0.5).topP(0.9).maxTokens(256)
            .reasoningEffort("high").reasoningSummary("auto")
            .responseFormat("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\","
                + "\"schema\":{\"type\":\"object\"},\"strict\":true}}")
            .toolChoice(ToolChoice.tool("lookup")).build())
        .extra("store", "false")
        .extra("previous_response_id", "\"resp_0\"")
        .extra("include", "[\"reasoning.encrypted_content\"]")
        .build();
  }

  @Test
  void richRequestRoundTrips() {
    ChatRequest request = rich();
    assertThat(CODEC.decodeRequest(CODEC.encodeRequest(request))).isEqualTo(request);
  }

  @Test
  void nonStreamingRequestRoundTrips() {
    ChatRequest request = rich().withStream(false);
    assertThat(CODEC.decodeRequest(CODEC.encodeRequest(request))).isEqualTo(request);
  }

  @SuppressWarnings("unchecked")
  @Test
  void keyFieldsHaveTheResponsesShape() {
    Map<String, Object> body = JsonTree.object(
        new String(CODEC.encodeRequest(rich()), StandardCharsets.UTF_8));
    assertThat(body).containsEntry("model", "gpt-5").containsEntry("instructions", "Be brief.")
        .containsEntry("stream", true).containsEntry("max_output_tokens", 256L)
        .containsEntry("store", false).containsEntry("previous_response_id", "resp_0")
        .containsEntry("reasoning", Map.of("effort", "high", "summary", "auto"))
        .containsEntry("tool_choice", Map.of("type", "function", "name", "lookup"));
    assertThat(body.get("text")).isEqualTo(Map.of("format", Map.of("type", "json_schema",
        "name", "x", "schema", Map.of("type", "object"), "strict", true)));
    assertThat((List<Object>) body.get("tools")).containsExactly(Map.of("type", "function",
        "name", "lookup", "description", "Looks things up", "parameters", Map.of("type", "object")));
    List<Map<String, Object>> input = (List<Map<String, Object>>) body.get("input");
    assertThat(input.get(0)).containsEntry("role", "user");
    assertThat(input.get(1)).isEqualTo(Map.of("id", "rs_1", "type", "reasoning",
        "encrypted_content", "gAAAA", "summary", List.of(
            Map.of("type", "summary_text", "text", "Look first."),
            Map.of("type", "summary_text", "text", "Then answer."))));
    assertThat(input.get(2)).isEqualTo(Map.of("type", "message", "role", "assistant",
        "content", List.of(Map.of("type", "output_text", "text", "A cat."))));
    assertThat(input.get(3)).isEqualTo(Map.of("type", "function_call", "call_id", "call_1",
        "name", "lookup", "arguments", "{\"q\":\"cat\"}"));
    assertThat(input.get(4)).containsEntry("type", "custom_tool_call")
        .containsEntry("input", "SELECT 1");
    assertThat(input.get(6)).isEqualTo(Map.of("type", "function_call_output",
        "call_id", "call_1", "output", "{\"found\":true}"));
    assertThat(input.get(7)).containsEntry("role", "system");
  }

  @Test
  void webSocketFieldsOmitStream() {
    String message = ResponseCreateMessage.encode(rich(), true);
    assertThat(JsonTree.object(message)).containsEntry("type", "response.create")
        .doesNotContainKey("stream").doesNotContainKey("generate").containsEntry("model", "gpt-5");
  }

  @Test
  void webSocketWarmUpSaysGenerateFalse() {
    assertThat(JsonTree.object(ResponseCreateMessage.encode(rich(), false)))
        .containsEntry("type", "response.create").containsEntry("generate", false);
  }

  @Test
  void clientBodyWithStringInputDeveloperRoleAndBuiltInTools() {
    ChatRequest r = CODEC.decodeRequest("""
        {"model":"gpt-5","input":[{"role":"developer","content":"Rules."},{"role":"user","content":"Hi"}],
         "tools":[{"type":"web_search"}],"tool_choice":{"type":"allowed_tools","mode":"auto","tools":[]},
         "text":{"format":{"type":"text"},"verbosity":"low"},"stream":true}
        """.getBytes(StandardCharsets.UTF_8));
    assertThat(r.messages()).containsExactly(Message.system("Rules."), Message.user("Hi"));
    assertThat(r.tools()).isEmpty();
    assertThat(r.extra()).containsEntry("tools", "[{\"type\":\"web_search\"}]")
        .containsEntry("text", "{\"format\":{\"type\":\"text\"},\"verbosity\":\"low\"}")
        .containsKey("tool_choice");
    assertThat(r.stream()).isTrue();
    // Extra wins on encoding, so the built-in tools go back untouched.
    assertThat(new String(CODEC.encodeRequest(r), StandardCharsets.UTF_8))
        .contains("\"tools\":[{\"type\":\"web_search\"}]");
  }

  @Test
  void stringInputIsOneUserMessage() {
    ChatRequest r = CODEC.decodeRequest("{\"model\":\"m\",\"input\":\"Hello\"}"
        .getBytes(StandardCharsets.UTF_8));
    assertThat(r.messages()).containsExactly(Message.user("Hello"));
    assertThat(r.stream()).isFalse();
  }

  @Test
  void badBodiesAreCodecExceptionsWithAClearMessage() {
    assertThatThrownBy(() -> CODEC.decodeRequest("[]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CodecException.class).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> CODEC.decodeRequest("{\"input\":\"x\"}".getBytes()))
        .isInstanceOf(CodecException.class).hasMessageContaining("'model'");
    assertThatThrownBy(() -> CODEC.decodeRequest("{\"model\":\"m\",\"input\":5}".getBytes()))
        .isInstanceOf(CodecException.class).hasMessageContaining("'input'");
    assertThatThrownBy(() -> CODEC.decodeRequest(
        "{\"model\":\"m\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}".getBytes()))
        .isInstanceOf(CodecException.class).hasMessageContaining("unknown role 'robot'");
    assertThatThrownBy(() -> CODEC.decodeRequest("{\"model\":".getBytes()))
        .isInstanceOf(CodecException.class).hasMessageContaining("not valid JSON");
  }
}
