package io.sluice.langchain4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMapperTest {

  @Test
  void everyMessageKindMapsToItsRoleAndParts() {
    ChatRequest request = ChatRequest.builder().messages(
        SystemMessage.from("Be brief."),
        UserMessage.from(TextContent.from("What is this?"),
            ImageContent.from("https://example.com/a.png")),
        AiMessage.from("Let me look.", List.of(ToolExecutionRequest.builder().id("call_1")
            .name("look").arguments("{\"at\":\"a\"}").build())),
        ToolExecutionResultMessage.builder().id("call_1").toolName("look").text("no such file")
            .isError(true).build())
        .build();

    assertThat(RequestMapper.toSluice(request, "m", true).messages()).containsExactly(
        Message.system("Be brief."),
        Message.user("What is this?", Part.Image.url("https://example.com/a.png")),
        new Message(Role.ASSISTANT, List.of(new Part.Text("Let me look."),
            Part.ToolCall.function("call_1", "look", "{\"at\":\"a\"}"))),
        Message.toolError("call_1", "no such file"));
  }

  @Test
  void parametersBecomeOptionsAndToolsWithTheirSchema() {
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hi"))
        .modelName("gpt-x").temperature(0.5).maxOutputTokens(100).stopSequences(List.of("END"))
        .toolChoice(ToolChoice.REQUIRED)
        .toolSpecifications(ToolSpecification.builder().name("look").description("Looks")
            .parameters(JsonObjectSchema.builder().addStringProperty("at").required("at").build())
            .build())
        .build();

    io.sluice.core.message.ChatRequest mapped = RequestMapper.toSluice(request, "default", true);
    assertThat(mapped.model()).isEqualTo("gpt-x");
    assertThat(mapped.stream()).isTrue();
    assertThat(mapped.options().temperature()).hasValue(0.5);
    assertThat(mapped.options().maxTokens()).hasValue(100);
    assertThat(mapped.options().stop()).containsExactly("END");
    assertThat(mapped.options().toolChoice()).contains(io.sluice.core.message.ToolChoice.REQUIRED);
    assertThat(mapped.tools()).singleElement().satisfies(tool -> {
      assertThat(tool.name()).isEqualTo("look");
      assertThat(tool.description()).isEqualTo("Looks");
      assertThat(tool.parametersSchema()).contains("\"type\":\"object\"")
          .contains("\"at\":{\"type\":\"string\"}").contains("\"required\":[\"at\"]");
    });
  }

  @Test
  void aJsonResponseFormatWithoutSchemaAsksForAJsonObject() {
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hi"))
        .responseFormat(ResponseFormat.JSON).build();
    assertThat(RequestMapper.toSluice(request, "m", true).options().responseFormat())
        .contains("{\"type\":\"json_object\"}");
  }

  @Test
  void aRequestWithoutAModelNamesTheSettingToUse() {
    ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hi")).build();
    assertThatThrownBy(() -> RequestMapper.toSluice(request, "", true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultModel");
  }
}
