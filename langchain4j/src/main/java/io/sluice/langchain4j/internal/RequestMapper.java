package io.sluice.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.Json;
import dev.langchain4j.internal.JsonSchemaElementJsonUtils;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.GenerationOptions;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import io.sluice.core.message.Tool;
import io.sluice.core.message.ToolChoice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A LangChain4j chat request as a sluice one. */
public final class RequestMapper {

  private static final String EMPTY_OBJECT_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

  private RequestMapper() {}

  /**
   * The sluice request; {@code defaultModel} applies when the request names none.
   *
   * @throws UnsupportedFeatureException for a message or content type sluice does not carry
   */
  public static ChatRequest toSluice(dev.langchain4j.model.chat.request.ChatRequest request,
      String defaultModel, boolean stream) {
    ChatRequestParameters p = request.parameters();
    String model = p.modelName() != null ? p.modelName() : defaultModel;
    if (model == null || model.isEmpty()) {
      throw new IllegalArgumentException("no model: set modelName on the request or the"
          + " builder's defaultModel");
    }
    ChatRequest.Builder b = ChatRequest.builder(model).stream(stream);
    for (ChatMessage m : request.messages()) {
      b.message(message(m));
    }
    if (p.toolSpecifications() != null) {
      for (ToolSpecification spec : p.toolSpecifications()) {
        b.tool(new Tool(spec.name(), spec.description() == null ? "" : spec.description(),
            spec.parameters() == null ? EMPTY_OBJECT_SCHEMA
                : Json.toJson(JsonSchemaElementJsonUtils.toMap(spec.parameters()))));
      }
    }
    b.options(options(p));
    // Sampling knobs sluice does not model travel as the provider's own top-level fields.
    if (p.frequencyPenalty() != null) {
      b.extra("frequency_penalty", Double.toString(p.frequencyPenalty()));
    }
    if (p.presencePenalty() != null) {
      b.extra("presence_penalty", Double.toString(p.presencePenalty()));
    }
    if (p.topK() != null) {
      b.extra("top_k", Integer.toString(p.topK()));
    }
    return b.build();
  }

  private static GenerationOptions options(ChatRequestParameters p) {
    GenerationOptions.Builder o = GenerationOptions.builder();
    if (p.temperature() != null) {
      o.temperature(p.temperature());
    }
    if (p.topP() != null) {
      o.topP(p.topP());
    }
    if (p.maxOutputTokens() != null) {
      o.maxTokens(p.maxOutputTokens());
    }
    if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
      o.stop(p.stopSequences());
    }
    if (p.toolChoice() != null) {
      switch (p.toolChoice()) {
        case AUTO -> o.toolChoice(ToolChoice.AUTO);
        case REQUIRED -> o.toolChoice(ToolChoice.REQUIRED);
        case NONE -> o.toolChoice(ToolChoice.NONE);
        default -> throw new UnsupportedFeatureException("tool choice " + p.toolChoice());
      }
    }
    responseFormat(p.responseFormat()).ifPresent(o::responseFormat);
    return o.build();
  }

  private static java.util.Optional<String> responseFormat(ResponseFormat format) {
    if (format == null || format.type() == ResponseFormatType.TEXT) {
      return java.util.Optional.empty();
    }
    if (format.jsonSchema() == null) {
      return java.util.Optional.of("{\"type\":\"json_object\"}");
    }
    Map<String, Object> jsonSchema = new LinkedHashMap<>();
    jsonSchema.put("name", format.jsonSchema().name() == null ? "response"
        : format.jsonSchema().name());
    jsonSchema.put("schema", JsonSchemaElementJsonUtils.toMap(format.jsonSchema().rootElement()));
    Map<String, Object> wrapper = new LinkedHashMap<>();
    wrapper.put("type", "json_schema");
    wrapper.put("json_schema", jsonSchema);
    return java.util.Optional.of(Json.toJson(wrapper));
  }

  static Message message(ChatMessage m) {
    if (m instanceof SystemMessage s) {
      return Message.system(s.text());
    }
    if (m instanceof UserMessage u) {
      List<Part> parts = new ArrayList<>();
      for (Content c : u.contents()) {
        parts.add(content(c));
      }
      return new Message(Role.USER, parts);
    }
    if (m instanceof AiMessage a) {
      List<Part> parts = new ArrayList<>();
      if (a.text() != null && !a.text().isEmpty()) {
        parts.add(new Part.Text(a.text()));
      }
      if (a.hasToolExecutionRequests()) {
        for (ToolExecutionRequest call : a.toolExecutionRequests()) {
          parts.add(Part.ToolCall.function(call.id() == null ? "" : call.id(), call.name(),
              call.arguments() == null ? "{}" : call.arguments()));
        }
      }
      return new Message(Role.ASSISTANT, parts);
    }
    if (m instanceof ToolExecutionResultMessage r) {
      return new Message(Role.TOOL, List.of(new Part.ToolResult(r.id() == null ? "" : r.id(),
          r.text() == null ? "" : r.text(), Boolean.TRUE.equals(r.isError()))));
    }
    throw new UnsupportedFeatureException("sluice does not carry " + m.type() + " messages");
  }

  private static Part content(Content c) {
    if (c instanceof TextContent t) {
      return new Part.Text(t.text());
    }
    if (c instanceof ImageContent i) {
      var image = i.image();
      if (image.url() != null) {
        return new Part.Image(image.url().toString(), image.mimeType() == null ? ""
            : image.mimeType());
      }
      String mime = image.mimeType() == null ? "image/png" : image.mimeType();
      return new Part.Image("data:" + mime + ";base64," + image.base64Data(), mime);
    }
    throw new UnsupportedFeatureException("sluice does not carry " + c.type() + " content");
  }
}
