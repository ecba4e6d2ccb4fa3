package io.sluice.core.internal.codec.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.WireCodec;
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

/** Chat Completions request bodies, both ways, per dialect. */
class ChatRequestCodecTest {

  private static final WireCodec OPENAI = ChatCodec.of(ChatDialect.OPENAI);
  private static final WireCodec MISTRAL = ChatCodec.of(ChatDialect.MISTRAL);
  private static final WireCodec COMPATIBLE = ChatCodec.of(ChatDialect.COMPATIBLE);

  private static ChatRequest rich(boolean stream) {
    return ChatRequest.builder("gpt-4o")
        .system("Be brief.")
        .message(new Message(Role.USER, List.of(new Part.Text("What is this?"),
            new Part.Image("https://example.com/cat.png", ""),
            new Part.Image("data:image/png;base64,iVBORw0K", "image/png"))))
        .message(new Message(Role.ASSISTANT, List.of(new Part.Text("Let me look."),
            Part.ToolCall.function("call_1", "lookup", "{\"q\":\"cat\"}"))))
        .message(Message.toolResult("call_1", "a cat"))
        .message(new Message(Role.ASSISTANT, List.of(new Part.Refusal("No."))))
        .user("Thanks")
        .tool(new Tool("lookup", "Looks things up", "{\"type\":\"object\",\"properties\":{}}"))
        .options(GenerationOptions.builder().temperature(0.5).topP(0.9).maxTokens(100)
            .stop(List.of("END", "STOP")).seed(42).reasoningEffort("low")
            .responseFormat("{\"type\":\"json_object\"}").toolChoice(ToolChoice.tool("lookup"))
            .build())
        .stream(stream)
        .extra("user", "\"u-1\"")
        .extra("metadata", "{\"k\":[1,2]}")
        .build();
  }

  private static Map<String, Object> json(byte[] body) {
    return JsonTree.object(new String(body, StandardCharsets.UTF_8));
  }

  private static ChatRequest decode(String body) {
    return OPENAI.decodeRequest(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void richNonStreamingRequestSurvivesEncodeAndDecode() {
    ChatRequest request = rich(false);
    assertThat(OPENAI.decodeRequest(OPENAI.encodeRequest(request))).isEqualTo(request);
  }

  @Test
  void streamingRequestSurvivesExceptForTheStreamOptionsSluiceAdds() {
    ChatRequest request = rich(true);
    ChatRequest back = OPENAI.decodeRequest(OPENAI.encodeRequest(request));
    assertThat(back.extra()).containsEntry("stream_options", "{\"include_usage\":true}");
    java.util.Map<String, String> extra = new java.util.LinkedHashMap<>(back.extra());
    extra.remove("stream_options");
    assertThat(new ChatRequest(back.model(), back.messages(), back.tools(), back.options(),
        back.stream(), extra)).isEqualTo(request);
  }

  @Test
  @SuppressWarnings("unchecked")
  void openAiShapeOfTheKeyFields() {
    Map<String, Object> body = json(OPENAI.encodeRequest(rich(true)));
    assertThat(body).containsEntry("model", "gpt-4o").containsEntry("max_completion_tokens", 100L)
        .doesNotContainKey("max_tokens").containsEntry("stream", true)
        .containsEntry("stream_options", Map.of("include_usage", true))
        .containsEntry("stop", List.of("END", "STOP")).containsEntry("seed", 42L)
        .containsEntry("reasoning_effort", "low").containsEntry("temperature", 0.5)
        .containsEntry("response_format", Map.of("type", "json_object"))
        .containsEntry("tool_choice", Map.of("type", "function", "function",
            Map.of("name", "lookup")))
        .containsEntry("user", "u-1");
    assertThat((List<Object>) body.get("tools")).containsExactly(Map.of("type", "function",
        "function", Map.of("name", "lookup", "description", "Looks things up",
            "parameters", Map.of("type", "object", "properties", Map.of()))));
    List<Map<String, Object>> messages = (List<Map<String, Object>>) body.get("messages");
    assertThat(messages.get(0)).isEqualTo(Map.of("role", "system", "content", "Be brief."));
    assertThat((List<Object>) messages.get(1).get("content")).contains(
        Map.of("type", "image_url", "image_url", Map.of("url", "https://example.com/cat.png")));
    assertThat(messages.get(2)).containsEntry("content", "Let me look.")
        .containsEntry("tool_calls", List.of(Map.of("id", "call_1", "type", "function",
            "function", Map.of("name", "lookup", "arguments", "{\"q\":\"cat\"}"))));
    assertThat(messages.get(3)).isEqualTo(Map.of("role", "tool", "tool_call_id", "call_1",
        "content", "a cat"));
  }

  @Test
  void mistralGetsMaxTokensRandomSeedAnyAndNoStreamOptions() {
    ChatRequest request = rich(true).withModel("mistral-large-latest");
    ChatRequest required = ChatRequest.builder("m").user("x").stream(true)
        .options(GenerationOptions.builder().toolChoice(ToolChoice.REQUIRED).build())
        .extra("stream_options", "{\"include_usage\":true}").build();
    Map<String, Object> body = json(MISTRAL.encodeRequest(request));
    assertThat(body).containsEntry("max_tokens", 100L).containsEntry("random_seed", 42L)
        .doesNotContainKeys("max_completion_tokens", "seed", "stream_options");
    assertThat(json(MISTRAL.encodeRequest(required))).containsEntry("tool_choice", "any")
        .doesNotContainKey("stream_options");
  }

  @Test
  void streamOptionsAreSentOnlyWhenStreaming() {
    ChatRequest request = ChatRequest.builder("m").user("x").stream(false)
        .extra("stream_options", "{\"include_usage\":false}").build();
    assertThat(json(OPENAI.encodeRequest(request))).doesNotContainKey("stream_options");
  }

  @Test
  void theClientsOtherStreamOptionsAreKeptWhileUsageIsAlwaysAsked() {
    ChatRequest request = decode("""
        {"model":"m","messages":[],"stream":true,
         "stream_options":{"include_usage":false,"include_obfuscation":false}}""");
    assertThat(ChatCodec.asksForUsage(request)).isFalse();
    assertThat(json(OPENAI.encodeRequest(request))).containsEntry("stream_options",
        Map.of("include_usage", true, "include_obfuscation", false));
  }

  @Test
  void asksForUsageReadsTheClientsStreamOptions() {
    assertThat(ChatCodec.asksForUsage(decode("""
        {"model":"m","messages":[],"stream":true,"stream_options":{"include_usage":true}}""")))
        .isTrue();
    assertThat(ChatCodec.asksForUsage(decode("{\"model\":\"m\",\"messages\":[]}"))).isFalse();
  }

  @Test
  void reasoningGoesBackOnlyToCompatibleServers() {
    ChatRequest request = ChatRequest.builder("deepseek-reasoner")
        .message(new Message(Role.ASSISTANT, List.of(
            new Part.Reasoning(ReasoningKind.THINKING, "hmm", "", ""), new Part.Text("4"))))
        .stream(false).build();
    assertThat(new String(OPENAI.encodeRequest(request), StandardCharsets.UTF_8))
        .doesNotContain("reasoning");
    assertThat(COMPATIBLE.decodeRequest(COMPATIBLE.encodeRequest(request))).isEqualTo(request);
  }

  @Test
  void decodesBothMaxTokenFieldsPreferringMaxCompletionTokens() {
    assertThat(decode("{\"model\":\"m\",\"messages\":[],\"max_tokens\":5}").options().maxTokens())
        .hasValue(5);
    assertThat(decode("""
        {"model":"m","messages":[],"max_tokens":5,"max_completion_tokens":9}""")
        .options().maxTokens()).hasValue(9);
  }

  @Test
  void decodesContentAsStringOrPartsAndDeveloperAsSystem() {
    ChatRequest request = decode("""
        {"model":"m","messages":[
          {"role":"developer","content":[{"type":"text","text":"Rules"}]},
          {"role":"user","name":"ann","content":[{"type":"text","text":"Hi"},
            {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AAAA","detail":"low"}},
            {"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function",
            "function":{"name":"f","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"c","content":[{"type":"text","text":"ok"}]}]}""");
    assertThat(request.messages()).containsExactly(
        new Message(Role.SYSTEM, List.of(new Part.Text("Rules"))),
        new Message(Role.USER, List.of(new Part.Text("Hi"),
            new Part.Image("data:image/jpeg;base64,AAAA", "image/jpeg"),
            new Part.Opaque("input_audio",
                "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklG\",\"format\":\"wav\"}}"))),
        new Message(Role.ASSISTANT, List.of(Part.ToolCall.function("c", "f", "{}"))),
        Message.toolResult("c", "ok"));
  }

  @Test
  void decodesStopAsAStringAndToolChoiceStrings() {
    ChatRequest request = decode("""
        {"model":"m","messages":[],"stop":"END","tool_choice":"required","temperature":null}""");
    assertThat(request.options().stop()).containsExactly("END");
    assertThat(request.options().toolChoice()).hasValue(ToolChoice.REQUIRED);
    assertThat(request.options().temperature()).isEmpty();
  }

  @Test
  void unknownFieldsLandInExtraUntouchedAndGoBackOut() {
    ChatRequest request = decode("""
        {"model":"m","messages":[],"n":2,"logprobs":true,"user":null,"parallel_tool_calls":false,
         "metadata":{"a":[1,{"b":null}]}}""");
    assertThat(request.extra()).containsExactly(Map.entry("n", "2"), Map.entry("logprobs", "true"),
        Map.entry("user", "null"), Map.entry("parallel_tool_calls", "false"),
        Map.entry("metadata", "{\"a\":[1,{\"b\":null}]}"));
    assertThat(json(OPENAI.encodeRequest(request))).containsEntry("n", 2L)
        .containsEntry("metadata", Map.of("a", List.of(1L, new java.util.HashMap<String, Object>() {{
          put("b", null);
        }})));
  }

  @Test
  void badBodiesAreRejectedWithAClearMessage() {
    assertThatThrownBy(() -> decode("not json")).isInstanceOf(CodecException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> decode("[]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> decode("{\"messages\":[]}")).hasMessageContaining("no 'model'");
    assertThatThrownBy(() -> decode("{\"model\":\"m\"}")).hasMessageContaining("no 'messages'");
    assertThatThrownBy(() -> decode("{\"model\":\"m\",\"messages\":[{\"role\":\"wizard\"}]}"))
        .hasMessageContaining("unsupported role 'wizard'");
    assertThatThrownBy(() -> decode("{\"model\":\"m\",\"messages\":[],\"temperature\":\"hot\"}"))
        .hasMessageContaining("'temperature' must be a number");
    assertThatThrownBy(() -> decode("""
        {"model":"m","messages":[],"tools":[{"type":"web_search"}]}"""))
        .hasMessageContaining("unsupported tool type 'web_search'");
  }
}
