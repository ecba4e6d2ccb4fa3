package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.event.ChoiceFinished;
import io.sluice.core.event.CitationAdded;
import io.sluice.core.event.Done;
import io.sluice.core.event.Logprobs;
import io.sluice.core.event.ServerToolDelta;
import io.sluice.core.event.ServerToolEnd;
import io.sluice.core.event.ServerToolResult;
import io.sluice.core.event.ServerToolStart;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.event.Failed;
import io.sluice.core.event.OpaqueBlock;
import io.sluice.core.event.ReasoningDelta;
import io.sluice.core.event.ReasoningEnd;
import io.sluice.core.event.ReasoningStart;
import io.sluice.core.event.RefusalDelta;
import io.sluice.core.event.RefusalEnd;
import io.sluice.core.event.RefusalStart;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.event.TextEnd;
import io.sluice.core.event.TextStart;
import io.sluice.core.event.ToolCallDelta;
import io.sluice.core.event.ToolCallEnd;
import io.sluice.core.event.ToolCallStart;
import io.sluice.core.event.Usage;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** Model events as one-line JSON objects, for {@code replay --events} and {@code chat --json}. */
final class EventJson {
  private static final JsonFactory JSON = new JsonFactory();

  private EventJson() {}

  static String of(StreamEvent event) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      write(g, event);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void block(JsonGenerator g, String type, int choice, int index)
      throws IOException {
    g.writeStringField("type", type);
    g.writeNumberField("choice", choice);
    g.writeNumberField("index", index);
  }

  private static void write(JsonGenerator g, StreamEvent event) throws IOException {
    if (event instanceof ResponseStarted) {
      ResponseStarted e = (ResponseStarted) event;
      g.writeStringField("type", "response_started");
      g.writeStringField("id", e.id());
      g.writeStringField("model", e.model());
      g.writeNumberField("created", e.created());
      if (!e.requestId().isEmpty()) {
        g.writeStringField("requestId", e.requestId());
      }
    } else if (event instanceof TextStart) {
      block(g, "text_start", ((TextStart) event).choice(), ((TextStart) event).index());
    } else if (event instanceof TextDelta) {
      TextDelta e = (TextDelta) event;
      block(g, "text_delta", e.choice(), e.index());
      g.writeStringField("text", e.text());
    } else if (event instanceof TextEnd) {
      TextEnd e = (TextEnd) event;
      block(g, "text_end", e.choice(), e.index());
      g.writeStringField("text", e.text());
    } else if (event instanceof RefusalStart) {
      block(g, "refusal_start", ((RefusalStart) event).choice(), ((RefusalStart) event).index());
    } else if (event instanceof RefusalDelta) {
      RefusalDelta e = (RefusalDelta) event;
      block(g, "refusal_delta", e.choice(), e.index());
      g.writeStringField("text", e.text());
    } else if (event instanceof RefusalEnd) {
      RefusalEnd e = (RefusalEnd) event;
      block(g, "refusal_end", e.choice(), e.index());
      g.writeStringField("text", e.text());
    } else if (event instanceof ReasoningStart) {
      ReasoningStart e = (ReasoningStart) event;
      block(g, "reasoning_start", e.choice(), e.index());
      g.writeStringField("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
      if (!e.id().isEmpty()) {
        g.writeStringField("id", e.id());
      }
    } else if (event instanceof ReasoningDelta) {
      ReasoningDelta e = (ReasoningDelta) event;
      block(g, "reasoning_delta", e.choice(), e.index());
      g.writeStringField("text", e.text());
    } else if (event instanceof ReasoningEnd) {
      ReasoningEnd e = (ReasoningEnd) event;
      block(g, "reasoning_end", e.choice(), e.index());
      g.writeStringField("text", e.text());
      if (!e.signature().isEmpty()) {
        g.writeStringField("signature", e.signature());
      }
    } else if (event instanceof ToolCallStart) {
      ToolCallStart e = (ToolCallStart) event;
      block(g, "tool_call_start", e.choice(), e.index());
      g.writeNumberField("ordinal", e.ordinal());
      g.writeStringField("id", e.id());
      g.writeStringField("name", e.name());
      g.writeStringField("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
    } else if (event instanceof ToolCallDelta) {
      ToolCallDelta e = (ToolCallDelta) event;
      block(g, "tool_call_delta", e.choice(), e.index());
      g.writeNumberField("ordinal", e.ordinal());
      g.writeStringField("id", e.id());
      g.writeStringField("name", e.name());
      g.writeStringField("arguments", e.arguments());
    } else if (event instanceof ToolCallEnd) {
      ToolCallEnd e = (ToolCallEnd) event;
      block(g, "tool_call_end", e.choice(), e.index());
      g.writeNumberField("ordinal", e.ordinal());
      g.writeStringField("id", e.id());
      g.writeStringField("name", e.name());
      g.writeStringField("arguments", e.arguments());
      g.writeBooleanField("validJson", e.validJson());
    } else if (event instanceof ServerToolStart e) {
      block(g, "server_tool_start", e.choice(), e.index());
      g.writeStringField("id", e.id());
      g.writeStringField("name", e.name());
      g.writeStringField("toolType", e.type());
    } else if (event instanceof ServerToolDelta e) {
      block(g, "server_tool_delta", e.choice(), e.index());
      g.writeStringField("input", e.input());
    } else if (event instanceof ServerToolEnd e) {
      block(g, "server_tool_end", e.choice(), e.index());
      g.writeStringField("id", e.id());
      g.writeStringField("name", e.name());
      g.writeStringField("toolType", e.type());
      g.writeStringField("input", e.input());
      g.writeFieldName("json");
      g.writeRawValue(e.json());
    } else if (event instanceof ServerToolResult e) {
      block(g, "server_tool_result", e.choice(), e.index());
      g.writeStringField("toolUseId", e.toolUseId());
      g.writeStringField("blockType", e.type());
      g.writeFieldName("json");
      g.writeRawValue(e.json());
    } else if (event instanceof CitationAdded e) {
      block(g, "citation", e.choice(), e.index());
      g.writeFieldName("citation");
      MessageJson.citation(g, e.citation());
    } else if (event instanceof Logprobs e) {
      block(g, "logprobs", e.choice(), e.index());
      g.writeArrayFieldStart("tokens");
      for (TokenLogprob t : e.tokens()) {
        MessageJson.logprob(g, t);
      }
      g.writeEndArray();
    } else if (event instanceof OpaqueBlock) {
      OpaqueBlock e = (OpaqueBlock) event;
      block(g, "opaque_block", e.choice(), e.index());
      g.writeStringField("blockType", e.type());
      g.writeFieldName("json");
      g.writeRawValue(e.json());
    } else if (event instanceof Usage) {
      g.writeStringField("type", "usage");
      MessageJson.usageFields(g, (Usage) event);
    } else if (event instanceof ChoiceFinished) {
      ChoiceFinished e = (ChoiceFinished) event;
      g.writeStringField("type", "choice_finished");
      g.writeNumberField("choice", e.choice());
      g.writeStringField("finishReason", e.reason().wireName());
      g.writeStringField("rawFinishReason", e.rawReason());
    } else if (event instanceof Done) {
      Done e = (Done) event;
      g.writeStringField("type", "done");
      g.writeStringField("finishReason", e.reason().wireName());
      g.writeStringField("rawFinishReason", e.rawReason());
    } else if (event instanceof Failed) {
      Failed e = (Failed) event;
      g.writeStringField("type", "failed");
      g.writeStringField("errorType", e.type());
      g.writeStringField("code", e.code());
      g.writeStringField("message", e.message());
      if (e.httpStatus() != 0) {
        g.writeNumberField("httpStatus", e.httpStatus());
      }
      g.writeBooleanField("retryable", e.retryable());
    }
  }
}
