package io.sluice.core.internal.codec.responses;

import com.fasterxml.jackson.core.JsonGenerator;
import io.sluice.core.event.ReasoningKind;
import io.sluice.core.event.ToolKind;
import io.sluice.core.internal.codec.responses.ResponsesJson.ContentPart;
import io.sluice.core.internal.codec.responses.ResponsesJson.Item;
import io.sluice.core.message.Part;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Output items and assistant message parts, both ways: a response body's {@code output[]}, the
 * assistant side of a request's {@code input[]}, and the items a stream encoder assembles. The
 * mapping is the stream decoder's: one part per message content part, per reasoning summary part
 * ({@link ReasoningKind#SUMMARY}) and per reasoning text part ({@link ReasoningKind#THINKING}),
 * the encrypted content on the item's last reasoning part, a reasoning item without either as one
 * {@link ReasoningKind#REDACTED} part, and any other item kind as {@link Part.Opaque}.
 */
final class ResponsesItems {
  private ResponsesItems() {}

  /** An item being written: built by the stream encoder, or from an assistant message's parts. */
  static final class Out {
    String type;
    String id = "";
    final List<ContentPart> content = new ArrayList<>();
    final List<String> summary = new ArrayList<>();
    String encrypted = "";
    String callId = "";
    String name = "";
    String arguments = "";
    String raw = "";
    boolean done;

    Out(String type) {
      this.type = type;
    }

    boolean isMessage() {
      return type.equals("message");
    }

    boolean isReasoning() {
      return type.equals("reasoning");
    }

    /**
     * Writes the item. {@code asOutput}: with the {@code id} and {@code status} an output item has;
     * without, as a request's input item (only a reasoning item keeps its id there, since the
     * provider looks it up).
     */
    void write(JsonGenerator g, boolean asOutput) throws IOException {
      if (!raw.isEmpty()) {
        g.writeRawValue(raw);
        return;
      }
      g.writeStartObject();
      if (asOutput || (isReasoning() && !id.isEmpty())) {
        g.writeStringField("id", id);
      }
      g.writeStringField("type", type);
      if (asOutput && !isReasoning()) {
        g.writeStringField("status", done ? "completed" : "in_progress");
      }
      switch (type) {
        case "message" -> {
          g.writeStringField("role", "assistant");
          g.writeArrayFieldStart("content");
          for (ContentPart part : content) {
            g.writeStartObject();
            g.writeStringField("type", part.type());
            if (part.type().equals("refusal")) {
              g.writeStringField("refusal", part.text());
            } else {
              g.writeStringField("text", part.text());
              if (asOutput) {
                g.writeArrayFieldStart("annotations");
                g.writeEndArray();
              }
            }
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        case "reasoning" -> {
          g.writeArrayFieldStart("summary");
          for (String text : summary) {
            g.writeStartObject();
            g.writeStringField("type", "summary_text");
            g.writeStringField("text", text);
            g.writeEndObject();
          }
          g.writeEndArray();
          if (!content.isEmpty()) {
            g.writeArrayFieldStart("content");
            for (ContentPart part : content) {
              g.writeStartObject();
              g.writeStringField("type", "reasoning_text");
              g.writeStringField("text", part.text());
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          if (!encrypted.isEmpty()) {
            g.writeStringField("encrypted_content", encrypted);
          }
        }
        default -> {
          g.writeStringField("call_id", callId);
          g.writeStringField("name", name);
          g.writeStringField(type.equals("custom_tool_call") ? "input" : "arguments",
              done || !asOutput ? arguments : "");
        }
      }
      g.writeEndObject();
    }
  }

  /** The parts an output (or assistant input) item stands for. */
  static void toParts(Item item, List<Part> parts) {
    switch (item.type) {
      case "message" -> {
        for (ContentPart part : item.content) {
          parts.add(part.type().equals("refusal") ? new Part.Refusal(part.text())
              : new Part.Text(part.text()));
        }
      }
      case "reasoning" -> {
        int total = item.summary.size() + item.content.size();
        if (total == 0) {
          parts.add(new Part.Reasoning(ReasoningKind.REDACTED, "", item.encryptedContent, item.id));
          return;
        }
        int n = 0;
        for (String text : item.summary) {
          parts.add(new Part.Reasoning(ReasoningKind.SUMMARY, text,
              ++n == total ? item.encryptedContent : "", item.id));
        }
        for (ContentPart part : item.content) {
          parts.add(new Part.Reasoning(ReasoningKind.THINKING, part.text(),
              ++n == total ? item.encryptedContent : "", item.id));
        }
      }
      case "function_call", "custom_tool_call" -> parts.add(new Part.ToolCall(item.callId,
          item.name, item.type.equals("custom_tool_call") ? ToolKind.CUSTOM : ToolKind.FUNCTION,
          item.arguments == null ? "" : item.arguments));
      default -> parts.add(new Part.Opaque(item.type, item.raw));
    }
  }

  /**
   * Items for an assistant message's parts: consecutive text and refusal parts share one message
   * item, consecutive reasoning parts with the same id one reasoning item. Tool results are not
   * output items; the caller handles them.
   */
  static List<Out> fromParts(List<Part> parts, String idPrefix) {
    List<Out> items = new ArrayList<>();
    Out current = null;
    for (Part part : parts) {
      if (part instanceof Part.Text || part instanceof Part.Refusal) {
        if (current == null || !current.isMessage()) {
          current = add(items, "message", idPrefix);
        }
        current.content.add(part instanceof Part.Text t ? new ContentPart("output_text", t.text())
            : new ContentPart("refusal", ((Part.Refusal) part).text()));
      } else if (part instanceof Part.Reasoning r) {
        if (current == null || !current.isReasoning() || r.id().isEmpty()
            || !r.id().equals(current.id)) {
          current = add(items, "reasoning", idPrefix);
          if (!r.id().isEmpty()) {
            current.id = r.id();
          }
        }
        if (r.kind() == ReasoningKind.THINKING) {
          current.content.add(new ContentPart("reasoning_text", r.text()));
        } else if (r.kind() == ReasoningKind.SUMMARY || !r.text().isEmpty()) {
          current.summary.add(r.text());
        }
        if (!r.signature().isEmpty()) {
          current.encrypted = r.signature();
        }
      } else if (part instanceof Part.ToolCall c) {
        current = add(items, c.kind() == ToolKind.CUSTOM ? "custom_tool_call" : "function_call",
            idPrefix);
        current.callId = c.id();
        current.name = c.name();
        current.arguments = c.arguments();
      } else if (part instanceof Part.Opaque o) {
        current = add(items, o.type(), idPrefix);
        current.raw = o.json();
      }
    }
    items.forEach(item -> item.done = true);
    return items;
  }

  private static Out add(List<Out> items, String type, String idPrefix) {
    Out out = new Out(type);
    String prefix = switch (type) {
      case "message" -> "msg_";
      case "reasoning" -> "rs_";
      default -> "fc_";
    };
    out.id = prefix + idPrefix + items.size();
    items.add(out);
    return out;
  }
}
