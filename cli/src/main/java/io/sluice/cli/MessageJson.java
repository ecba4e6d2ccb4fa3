package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.event.Failed;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The assembled message as {@code replay --json} prints it, with exactly these fields: text,
 * reasoning, refusal, toolCalls, finishReason, rawFinishReason, usage, error, and choices when there
 * is more than one.
 */
final class MessageJson {
  private static final JsonFactory JSON = new JsonFactory();

  private MessageJson() {}

  static String of(FinalMessage message) {
    StringWriter text = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      FinalMessage.Choice first = message.choices().get(0);
      choiceFields(g, first);
      g.writeFieldName("usage");
      g.writeStartObject();
      usageFields(g, message.usage());
      g.writeEndObject();
      g.writeFieldName("error");
      if (message.error().isPresent()) {
        Failed f = message.error().get();
        g.writeStartObject();
        g.writeStringField("type", f.type());
        g.writeStringField("code", f.code());
        g.writeStringField("message", f.message());
        g.writeEndObject();
      } else {
        g.writeNull();
      }
      if (message.choices().size() > 1) {
        g.writeArrayFieldStart("choices");
        for (FinalMessage.Choice choice : message.choices()) {
          g.writeStartObject();
          g.writeNumberField("index", choice.index());
          choiceFields(g, choice);
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void choiceFields(JsonGenerator g, FinalMessage.Choice choice) throws IOException {
    Message m = choice.message();
    g.writeStringField("text", m.text());
    g.writeStringField("reasoning", m.reasoning());
    g.writeStringField("refusal", m.refusal());
    g.writeArrayFieldStart("toolCalls");
    for (Part.ToolCall call : m.toolCalls()) {
      g.writeStartObject();
      g.writeStringField("id", call.id());
      g.writeStringField("name", call.name());
      g.writeStringField("arguments", call.arguments());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeStringField("finishReason", choice.finishReason().wireName());
    g.writeStringField("rawFinishReason", choice.rawFinishReason());
  }

  static void usageFields(JsonGenerator g, Usage u) throws IOException {
    g.writeNumberField("inputTokens", u.inputTokens());
    g.writeNumberField("outputTokens", u.outputTokens());
    g.writeNumberField("cacheReadTokens", u.cacheReadTokens());
    g.writeNumberField("cacheWriteTokens", u.cacheWriteTokens());
    g.writeNumberField("reasoningTokens", u.reasoningTokens());
    g.writeNumberField("totalTokens", u.totalTokens());
  }
}
