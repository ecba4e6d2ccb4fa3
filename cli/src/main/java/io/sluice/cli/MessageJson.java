package io.sluice.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.event.Citation;
import io.sluice.core.event.Failed;
import io.sluice.core.event.TokenLogprob;
import io.sluice.core.event.Usage;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

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
    extras(g, m);
    g.writeStringField("finishReason", choice.finishReason().wireName());
    g.writeStringField("rawFinishReason", choice.rawFinishReason());
  }

  /**
   * Server tools, citations and log probabilities, each only when the message has some, so that
   * the output of a plain answer stays as it was.
   */
  private static void extras(JsonGenerator g, Message m) throws IOException {
    List<Part.ServerTool> tools = new ArrayList<>();
    List<Citation> citations = new ArrayList<>();
    List<TokenLogprob> logprobs = new ArrayList<>();
    for (Part part : m.parts()) {
      if (part instanceof Part.ServerTool t) {
        tools.add(t);
      } else if (part instanceof Part.Text t) {
        citations.addAll(t.citations());
        logprobs.addAll(t.logprobs());
      } else if (part instanceof Part.Refusal r) {
        logprobs.addAll(r.logprobs());
      }
    }
    if (!tools.isEmpty()) {
      g.writeArrayFieldStart("serverTools");
      for (Part.ServerTool t : tools) {
        g.writeStartObject();
        g.writeStringField("id", t.id());
        g.writeStringField("name", t.name());
        g.writeStringField("type", t.type());
        g.writeStringField("input", t.input());
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!citations.isEmpty()) {
      g.writeArrayFieldStart("citations");
      for (Citation c : citations) {
        citation(g, c);
      }
      g.writeEndArray();
    }
    if (!logprobs.isEmpty()) {
      g.writeArrayFieldStart("logprobs");
      for (TokenLogprob t : logprobs) {
        logprob(g, t);
      }
      g.writeEndArray();
    }
  }

  static void citation(JsonGenerator g, Citation c) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", c.type());
    g.writeStringField("url", c.url());
    g.writeStringField("title", c.title());
    g.writeStringField("citedText", c.citedText());
    if (c.startIndex() >= 0) {
      g.writeNumberField("startIndex", c.startIndex());
    }
    if (c.endIndex() >= 0) {
      g.writeNumberField("endIndex", c.endIndex());
    }
    g.writeEndObject();
  }

  static void logprob(JsonGenerator g, TokenLogprob t) throws IOException {
    g.writeStartObject();
    g.writeStringField("token", t.token());
    g.writeNumberField("logprob", t.logprob());
    if (!t.top().isEmpty()) {
      g.writeArrayFieldStart("top");
      for (TokenLogprob top : t.top()) {
        logprob(g, top);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
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
