package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.sluice.core.internal.json.JsonChecks;
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
    try (JsonParser p = JsonChecks.FACTORY.createParser(body)) {
      return readResponse(p);
    } catch (JsonProcessingException e) {
      throw new CodecException("the response body is not valid JSON: "
          + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CodecException("cannot read the response body: " + e.getMessage(), e);
    }
  }

  private static FinalMessage readResponse(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new CodecException("the response body must be a JSON object");
    }
    String id = "";
    String model = "";
    long created = 0;
    List<FinalMessage.Choice> choices = new ArrayList<>();
    Usage usage = Usage.ZERO;
    ChatErrors.Info error = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "id":
          id = v == JsonToken.VALUE_STRING ? p.getText() : "";
          break;
        case "model":
          model = v == JsonToken.VALUE_STRING ? p.getText() : "";
          break;
        case "created":
          created = v.isNumeric() ? p.getLongValue() : 0;
          break;
        case "choices":
          if (v == JsonToken.START_ARRAY) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
              choices.add(choice(p));
            }
          }
          p.skipChildren();
          break;
        case "usage":
          if (v == JsonToken.START_OBJECT) {
            usage = ChatJson.readUsage(p);
          }
          break;
        case "error":
          if (v != JsonToken.VALUE_NULL) {
            error = ChatErrors.readError(p);
          }
          break;
        default:
          p.skipChildren();
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
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if ("index".equals(field) && v.isNumeric()) {
        index = p.getIntValue();
      } else if ("finish_reason".equals(field) && v == JsonToken.VALUE_STRING) {
        finish = p.getText();
      } else if ("message".equals(field) && v == JsonToken.START_OBJECT) {
        message = message(p);
      } else {
        p.skipChildren(); // logprobs, content_filter_results, …
      }
    }
    FinishReason reason = finish.isEmpty() ? FinishReason.STOP : FinishReasons.fromChat(finish);
    return new FinalMessage.Choice(index, message, reason, finish);
  }

  private static Message message(JsonParser p) throws IOException {
    StringBuilder text = new StringBuilder();
    StringBuilder reasoning = new StringBuilder();
    String refusal = null;
    List<Part> calls = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "content":
          if (v == JsonToken.VALUE_STRING) {
            text.append(p.getText());
          } else if (v == JsonToken.START_ARRAY) {
            contentArray(p, text, reasoning);
          }
          break;
        case "reasoning_content":
        case "reasoning":
          if (v == JsonToken.VALUE_STRING) {
            reasoning.append(p.getText());
          } else {
            p.skipChildren();
          }
          break;
        case "refusal":
          refusal = v == JsonToken.VALUE_STRING ? p.getText() : null;
          break;
        case "tool_calls":
          if (v == JsonToken.START_ARRAY) {
            toolCalls(p, calls);
          }
          break;
        default:
          p.skipChildren(); // role, annotations, audio, …
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
    if (!calls.isEmpty()) {
      g.writeArrayFieldStart("tool_calls");
      for (Part.ToolCall call : calls) {
        g.writeStartObject();
        g.writeStringField("id", call.id());
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", call.name());
        g.writeStringField("arguments", call.arguments());
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
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
