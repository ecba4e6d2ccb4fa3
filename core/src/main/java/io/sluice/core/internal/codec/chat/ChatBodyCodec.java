package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.Usage;
import io.sluice.core.internal.codec.FinishReasons;
import io.sluice.core.internal.codec.JsonBodies;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.Part;
import io.sluice.core.message.Role;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Non-streaming bodies: a {@code chat.completion} ↔ {@link FinalMessage}, and error bodies ↔
 * {@link Failed}. A choice's message parts come in the order reasoning, text, refusal, tool calls.
 * Mistral's content arrays (thinking chunks) are read as in the stream.
 */
final class ChatBodyCodec {
  private ChatBodyCodec() {}

  static FinalMessage decodeResponse(byte[] body) {
    return JsonBodies.readObject(body, "the response body", ChatBodyCodec::readResponse);
  }

  private static FinalMessage readResponse(JsonParser p) throws IOException {
    String id = "";
    String model = "";
    long created = 0;
    List<FinalMessage.Choice> choices = new ArrayList<>();
    Usage usage = Usage.ZERO;
    ChatErrors.Info error = null;
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "id" -> id = JsonFields.text(p, "");
        case "model" -> model = JsonFields.text(p, "");
        case "created" -> created = JsonFields.number(p, 0);
        case "choices" -> {
          if (JsonFields.isArray(p)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              choices.add(choice(p));
            }
            p.skipChildren();
          }
        }
        case "usage" -> usage = JsonFields.isObject(p) ? ChatJson.readUsage(p) : usage;
        case "error" -> error = p.currentToken() == JsonToken.VALUE_NULL ? error
            : ChatErrors.readError(p);
        default -> p.skipChildren();
      }
    }
    choices.sort((a, b) -> Integer.compare(a.index(), b.index()));
    StreamEvent.Terminal outcome;
    if (error != null) {
      outcome = ChatErrors.inStream(error); // a 200 whose body is an error
    } else if (choices.isEmpty()) {
      outcome = new Done(FinishReason.STOP, "");
    } else {
      FinalMessage.Choice first = choices.get(0);
      outcome = new Done(first.finishReason(), first.rawFinishReason());
    }
    return new FinalMessage(id, model, created, choices, usage, outcome);
  }

  private static FinalMessage.Choice choice(JsonParser p) throws IOException {
    int index = 0;
    String finish = "";
    Message message = new Message(Role.ASSISTANT, List.of());
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "index" -> index = (int) JsonFields.number(p, index);
        case "finish_reason" -> finish = p.currentToken() == JsonToken.VALUE_STRING ? p.getText()
            : skip(p, finish);
        case "message" -> message = JsonFields.isObject(p) ? message(p) : message;
        default -> p.skipChildren(); // logprobs, content_filter_results, …
      }
    }
    FinishReason reason = finish.isEmpty() ? FinishReason.STOP : FinishReasons.fromChat(finish);
    return new FinalMessage.Choice(index, message, reason, finish);
  }

  private static <T> T skip(JsonParser p, T kept) throws IOException {
    p.skipChildren();
    return kept;
  }

  private static Message message(JsonParser p) throws IOException {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    String refusal = null;
    List<Part> calls = new ArrayList<>();
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "content" -> {
          if (p.currentToken() == JsonToken.START_ARRAY) {
            contentArray(p, text, reasoning);
          } else {
            append(text, JsonFields.string(p));
          }
        }
        case "reasoning_content", "reasoning" -> append(reasoning, JsonFields.string(p));
        case "refusal" -> refusal = JsonFields.string(p);
        case "tool_calls" -> {
          if (JsonFields.isArray(p)) {
            toolCalls(p, calls);
          }
        }
        default -> p.skipChildren(); // role, annotations, audio, …
      }
    }
    List<Part> parts = new ArrayList<>();
    if (reasoning.length() > 0) {
      parts.add(new Part.Reasoning(ReasoningKind.THINKING, reasoning.toString(), "", ""));
    }
    if (text.length() > 0) {
      parts.add(new Part.Text(text.toString()));
    }
    if (refusal != null) {
      parts.add(new Part.Refusal(refusal));
    }
    parts.addAll(calls);
    return new Message(Role.ASSISTANT, parts);
  }

  private static void append(StringBuilder sb, String text) {
    if (text != null) {
      sb.append(text);
    }
  }

  /** Mistral: [{type:"thinking",thinking:[{type:"text",text}]},{type:"text",text}]. */
  private static void contentArray(JsonParser p, StringBuilder text, StringBuilder reasoning)
      throws IOException {
    ChatEventFields.Choice scratch = new ChatEventFields.Choice();
    ChatEventFields.readContentArray(p, scratch);
    for (int i = 0; i < scratch.opCount; i++) {
      ChatEventFields.Op op = scratch.ops.get(i);
      (op.kind == ChatEventFields.OpKind.REASONING ? reasoning : text).append(op.text);
    }
  }

  private static void toolCalls(JsonParser p, List<Part> calls) throws IOException {
    while (p.nextToken() == JsonToken.START_OBJECT) {
      calls.add(ChatJson.toolCall(p));
    }
  }

  static byte[] encodeResponse(FinalMessage message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = JsonChecks.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", message.id());
      g.writeStringField("object", "chat.completion");
      g.writeNumberField("created", message.created());
      g.writeStringField("model", message.model());
      g.writeArrayFieldStart("choices");
      for (FinalMessage.Choice c : message.choices()) {
        choice(g, c);
      }
      g.writeEndArray();
      g.writeFieldName("usage");
      ChatJson.writeUsage(g, message.usage());
      g.writeEndObject();
    } catch (IOException e) {
      throw new CodecException("cannot encode the response: " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  private static void choice(JsonGenerator g, FinalMessage.Choice c) throws IOException {
    Message m = c.message();
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    String refusal = null;
    List<Part.ToolCall> calls = new ArrayList<>();
    for (Part part : m.parts()) {
      if (part instanceof Part.Text) {
        text.append(((Part.Text) part).text());
      } else if (part instanceof Part.Reasoning) {
        reasoning.append(((Part.Reasoning) part).text());
      } else if (part instanceof Part.Refusal) {
        refusal = (refusal == null ? "" : refusal) + ((Part.Refusal) part).text();
      } else if (part instanceof Part.ToolCall) {
        calls.add((Part.ToolCall) part);
      }
    }
    g.writeStartObject();
    g.writeNumberField("index", c.index());
    g.writeObjectFieldStart("message");
    g.writeStringField("role", "assistant");
    if (text.length() == 0 && (refusal != null || !calls.isEmpty())) {
      g.writeNullField("content");
    } else {
      g.writeStringField("content", text.toString());
    }
    if (refusal == null) {
      g.writeNullField("refusal");
    } else {
      g.writeStringField("refusal", refusal);
    }
    if (reasoning.length() > 0) {
      g.writeStringField("reasoning_content", reasoning.toString());
    }
    ChatJson.writeToolCalls(g, calls);
    g.writeEndObject();
    g.writeNullField("logprobs");
    g.writeStringField("finish_reason",
        ChatJson.chatFinishReason(c.finishReason(), c.rawFinishReason()));
    g.writeEndObject();
  }

  /**
   * An error body: OpenAI's {@code {"error":{…}}} or Mistral's flat object. A body that is not
   * JSON (an HTML page from a proxy) still gives a failure, quoting a bounded excerpt.
   */
  static Failed decodeError(int httpStatus, byte[] body) {
    ChatErrors.Info info = null;
    try (JsonParser p = JsonChecks.FACTORY.createParser(body)) {
      ChatEventFields chunk = new ChatEventFields();
      chunk.read(p); // reads both error shapes; throws on a body that is not one JSON object
      if (chunk.hasError) {
        info = chunk.error;
      }
    } catch (IOException e) {
      info = null; // not JSON: quoted below
    }
    if (info == null) {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      info = new ChatErrors.Info("", "", text.isEmpty() ? "HTTP " + httpStatus
          : "HTTP " + httpStatus + ": " + StreamDecoder.excerpt(text));
    }
    return ChatErrors.ofBody(httpStatus, info);
  }
}
