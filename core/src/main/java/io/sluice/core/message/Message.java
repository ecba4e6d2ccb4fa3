package io.sluice.core.message;

import java.util.List;
import java.util.Objects;

/** One message of a conversation: a role and its parts, in order. */
public record Message(Role role, List<Part> parts) {

  public Message {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
  }

  public static Message system(String text) {
    return new Message(Role.SYSTEM, List.of(new Part.Text(text)));
  }

  public static Message user(String text) {
    return new Message(Role.USER, List.of(new Part.Text(text)));
  }

  public static Message assistant(String text) {
    return new Message(Role.ASSISTANT, List.of(new Part.Text(text)));
  }

  public static Message toolResult(String callId, String content) {
    return new Message(Role.TOOL, List.of(new Part.ToolResult(callId, content, false)));
  }

  /** The text parts joined, without separators. */
  public String text() {
    return join(Part.Text.class);
  }

  /** The reasoning text of every reasoning part, joined. */
  public String reasoning() {
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Part.Reasoning) {
        sb.append(((Part.Reasoning) part).text());
      }
    }
    return sb.toString();
  }

  /** The refusal text, joined. */
  public String refusal() {
    return join(Part.Refusal.class);
  }

  public List<Part.ToolCall> toolCalls() {
    return parts.stream().filter(Part.ToolCall.class::isInstance).map(Part.ToolCall.class::cast)
        .toList();
  }

  private String join(Class<? extends Part> kind) {
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      if (kind.isInstance(part)) {
        sb.append(part instanceof Part.Text ? ((Part.Text) part).text()
            : ((Part.Refusal) part).text());
      }
    }
    return sb.toString();
  }
}
