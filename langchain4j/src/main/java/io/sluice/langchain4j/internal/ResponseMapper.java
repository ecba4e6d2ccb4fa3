package io.sluice.langchain4j.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import java.util.ArrayList;
import java.util.List;

/** A finished sluice message as a LangChain4j response. */
public final class ResponseMapper {

  private ResponseMapper() {}

  /** The response of a message that did not fail (see {@link Failures} for one that did). */
  public static ChatResponse toChatResponse(FinalMessage message) {
    Message m = message.message();
    AiMessage.Builder ai = AiMessage.builder();
    if (!m.text().isEmpty()) {
      ai.text(m.text());
    }
    if (!m.reasoning().isEmpty()) {
      ai.thinking(m.reasoning());
    }
    List<ToolExecutionRequest> calls = new ArrayList<>();
    for (Part.ToolCall call : m.toolCalls()) {
      calls.add(toolExecutionRequest(call));
    }
    if (!calls.isEmpty()) {
      ai.toolExecutionRequests(calls);
    }
    ChatResponseMetadata.Builder<?> metadata = ChatResponseMetadata.builder()
        .id(message.id()).modelName(message.model()).tokenUsage(tokenUsage(message.usage()));
    if (!message.choices().isEmpty()) {
      metadata.finishReason(finishReason(message.choices().get(0).finishReason()));
    }
    return ChatResponse.builder().aiMessage(ai.build()).metadata(metadata.build()).build();
  }

  static ToolExecutionRequest toolExecutionRequest(Part.ToolCall call) {
    return ToolExecutionRequest.builder().id(call.id()).name(call.name())
        .arguments(call.arguments()).build();
  }

  static TokenUsage tokenUsage(Usage usage) {
    return new TokenUsage(saturated(usage.inputTokens()), saturated(usage.outputTokens()),
        saturated(usage.totalTokens()));
  }

  static FinishReason finishReason(io.sluice.core.event.FinishReason reason) {
    return switch (reason) {
      case STOP -> FinishReason.STOP;
      case LENGTH -> FinishReason.LENGTH;
      case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
      case CONTENT_FILTER, REFUSAL -> FinishReason.CONTENT_FILTER;
      case ERROR -> FinishReason.OTHER;
    };
  }

  private static int saturated(long value) {
    return (int) Math.min(Integer.MAX_VALUE, value);
  }
}
