package io.sluice.core.internal.codec.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.codec.CodecException;
import io.sluice.core.event.ReasoningKind;
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

/** ChatRequest ↔ the body of POST /v1/messages. */
class AnthropicRequestCodecTest {
  private static final AnthropicCodec CODEC = AnthropicCodec.INSTANCE;
  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}";

  private static final ChatRequest RICH = ChatRequest.builder("claude-sonnet-4-5")
      .system("You are terse.")
      .message(new Message(Role.USER, List.of(new Part.Text("Look:"),
          new Part.Image("data:image/png;base64,iVBORw0KGgo=", "image/png"),
          new Part.Image("https://example.com/cat.jpg", ""))))
      .message(new Message(Role.ASSISTANT, List.of(
          new Part.Reasoning(ReasoningKind.THINKING, "A cat.", "sig==", ""),
          new Part.Reasoning(ReasoningKind.REDACTED, "", "opaque", ""),
          new Part.Text("Checking the weather."),
          Part.ToolCall.function("toolu_1", "get_weather", "{\"city\":\"Paris\"}"))))
      .message(new Message(Role.TOOL, List.of(new Part.ToolResult("toolu_1", "18°C", false),
          new Part.ToolResult("toolu_2", "boom", true))))
      .user("Thanks")
      .tool(new Tool("get_weather", "Current weather", SCHEMA))
      .options(GenerationOptions.builder().temperature(0.5).topP(0.9).maxTokens(1000)
          .stop(List.of("END")).reasoningEffort("medium")
          .toolChoice(ToolChoice.tool("get_weather")).build())
      .stream(true)
      .extra("metadata", "{\"user_id\":\"u-1\"}")
      .build();

  @Test
  void richRequestRoundTrips() {
    assertThat(CODEC.decodeRequest(CODEC.encodeRequest(RICH))).isEqualTo(RICH);
  }

  @Test
  @SuppressWarnings("unchecked")
  void encodesTheShapeTheApiWants() {
    Map<String, Object> body = body(RICH);
    assertThat(body).containsEntry("model", "claude-sonnet-4-5")
        .containsEntry("max_tokens", 1000L).containsEntry("system", "You are terse.")
        .containsEntry("temperature", 0.5).containsEntry("top_p", 0.9)
        .containsEntry("stop_sequences", List.of("END")).containsEntry("stream", true)
        .containsEntry("metadata", Map.of("user_id", "u-1"))
        .containsEntry("thinking", Map.of("type", "enabled", "budget_tokens", 4096L))
        .containsEntry("tool_choice", Map.of("type", "tool", "name", "get_weather"));
    assertThat((List<Object>) body.get("tools")).containsExactly(Map.of("name", "get_weather",
        "description", "Current weather", "input_schema", JsonTree.parse(SCHEMA)));
    List<Map<String, Object>> messages = (List<Map<String, Object>>) body.get("messages");
    assertThat(messages).extracting(m -> m.get("role"))
        .containsExactly("user", "assistant", "user", "user");
    List<Object> user = (List<Object>) messages.get(0).get("content");
    assertThat(user.get(1)).isEqualTo(Map.of("type", "image", "source",
        Map.of("type", "base64", "media_type", "image/png", "data", "iVBORw0KGgo=")));
    assertThat(user.get(2)).isEqualTo(Map.of("type", "image", "source",
        Map.of("type", "url", "url", "https://example.com/cat.jpg")));
    List<Object> assistant = (List<Object>) messages.get(1).get("content");
    assertThat(assistant).containsExactly(
        Map.of("type", "thinking", "thinking", "A cat.", "signature", "sig=="),
        Map.of("type", "redacted_thinking", "data", "opaque"),
        Map.of("type", "text", "text", "Checking the weather."),
        Map.of("type", "tool_use", "id", "toolu_1", "name", "get_weather",
            "input", Map.of("city", "Paris")));
    assertThat((List<Object>) messages.get(2).get("content")).containsExactly(
        Map.of("type", "tool_result", "tool_use_id", "toolu_1", "content", "18°C"),
        Map.of("type", "tool_result", "tool_use_id", "toolu_2", "content", "boom",
            "is_error", true));
    assertThat(messages.get(3).get("content")).isEqualTo("Thanks");
  }

  @Test
  void withoutMaxTokensSendsTheDefault() {
    Map<String, Object> body = body(ChatRequest.builder("m").user("hi").build());
    assertThat(body).containsEntry("max_tokens", 4096L).doesNotContainKey("system")
        .doesNotContainKey("tools").doesNotContainKey("thinking");
  }

  @Test
  void seedIsNotSent() {
    Map<String, Object> body = body(ChatRequest.builder("m").user("hi")
        .options(GenerationOptions.builder().seed(7).build()).build());
    assertThat(body).doesNotContainKey("seed");
  }

  @Test
  void toolChoiceModesMapToAnthropicTypes() {
    for (var entry : Map.of(ToolChoice.AUTO, "auto", ToolChoice.NONE, "none",
        ToolChoice.REQUIRED, "any").entrySet()) {
      ChatRequest r = ChatRequest.builder("m").user("hi").options(
          GenerationOptions.builder().maxTokens(10).toolChoice(entry.getKey()).build()).build();
      assertThat(body(r)).containsEntry("tool_choice", Map.of("type", entry.getValue()));
      assertThat(CODEC.decodeRequest(CODEC.encodeRequest(r))).isEqualTo(r);
    }
  }

  @Test
  void numericReasoningEffortIsTheBudget() {
    ChatRequest r = ChatRequest.builder("m").user("hi").options(
        GenerationOptions.builder().maxTokens(10).reasoningEffort("3000").build()).build();
    assertThat(body(r)).containsEntry("thinking",
        Map.of("type", "enabled", "budget_tokens", 3000L));
    assertThat(CODEC.decodeRequest(CODEC.encodeRequest(r))).isEqualTo(r);
  }

  @Test
  void otherThinkingShapesStayInExtra() {
    ChatRequest r = CODEC.decodeRequest(utf8("{\"model\":\"m\",\"max_tokens\":5,"
        + "\"messages\":[],\"thinking\":{\"type\":\"adaptive\"}}"));
    assertThat(r.options().reasoningEffort()).isEmpty();
    assertThat(r.extra()).containsEntry("thinking", "{\"type\":\"adaptive\"}");
  }

  @Test
  void decodesSystemBlocksAndToolResultBlocks() {
    ChatRequest r = CODEC.decodeRequest(utf8("""
        {"model":"m","max_tokens":5,
         "system":[{"type":"text","text":"A","cache_control":{"type":"ephemeral"}},{"type":"text","text":"B"}],
         "messages":[{"role":"user","content":[
           {"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"x"},{"type":"text","text":"y"}]},
           {"type":"text","text":"and then?"}]}]}
        """));
    assertThat(r.messages()).containsExactly(Message.system("A"), Message.system("B"),
        new Message(Role.TOOL, List.of(new Part.ToolResult("t1", "xy", false))),
        Message.user("and then?"));
    assertThat(r.stream()).isFalse();
  }

  @Test
  void serverToolResultsInHistoryTravelWhole() {
    String block = "{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"s1\",\"content\":[]}";
    ChatRequest r = CODEC.decodeRequest(utf8("{\"model\":\"m\",\"max_tokens\":5,\"messages\":"
        + "[{\"role\":\"assistant\",\"content\":[" + block + "]}]}"));
    assertThat(r.messages().get(0).parts())
        .containsExactly(new Part.ServerToolResult("s1", "web_search_tool_result", block));
    assertThat(new String(CODEC.encodeRequest(r), StandardCharsets.UTF_8)).contains(block);
  }

  @Test
  void bodyThatIsNotJsonIsRejected() {
    assertThatThrownBy(() -> CODEC.decodeRequest(utf8("{\"model\": ")))
        .isInstanceOf(CodecException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void missingModelIsRejected() {
    assertThatThrownBy(() -> CODEC.decodeRequest(utf8("{\"messages\":[]}")))
        .isInstanceOf(CodecException.class).hasMessageContaining("'model'");
  }

  @Test
  void unknownRoleIsRejected() {
    assertThatThrownBy(() -> CODEC.decodeRequest(utf8(
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}")))
        .isInstanceOf(CodecException.class).hasMessageContaining("'system'");
  }

  @Test
  void wrongTypeIsRejected() {
    assertThatThrownBy(() -> CODEC.decodeRequest(utf8(
        "{\"model\":\"m\",\"max_tokens\":\"many\",\"messages\":[]}")))
        .isInstanceOf(CodecException.class).hasMessageContaining("max_tokens");
  }

  private static Map<String, Object> body(ChatRequest r) {
    return JsonTree.object(new String(CODEC.encodeRequest(r), StandardCharsets.UTF_8));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
