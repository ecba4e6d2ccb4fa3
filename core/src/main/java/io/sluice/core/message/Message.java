package io.sluice.core.message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation: a role and its parts, in order.
 *
 * @param role who speaks
 * @param parts what the message holds, in order
 */
public record Message(Role role, List<Part> parts) {

  /**
   * Checks and copies the parts.
   *
   * @param role who speaks
   * @param parts what the message holds, in order
   */
  public Message {
    Objects.requireNonNull(role, "role");
    parts = List.copyOf(parts);
  }

  /**
   * A message of any role made of {@code parts}.
   *
   * @param role who speaks
   * @param parts the parts, in order
   * @return the message
   */
  public static Message of(Role role, Part... parts) {
    return new Message(role, List.of(parts));
  }

  /**
   * System instructions.
   *
   * @param text the instructions
   * @return the message
   */
  public static Message system(String text) {
    return new Message(Role.SYSTEM, List.of(new Part.Text(text)));
  }

  /**
   * A user's text.
   *
   * @param text the text
   * @return the message
   */
  public static Message user(String text) {
    return new Message(Role.USER, List.of(new Part.Text(text)));
  }

  /**
   * A user's text followed by images, as one message.
   *
   * <pre>{@code
   * Message.user("What is in this picture?", Part.Image.url("https://example.com/cat.png"))
   * }</pre>
   *
   * @param text the text, before the images
   * @param images the images, in order
   * @return the message
   */
  public static Message user(String text, Part.Image... images) {
    List<Part> parts = new ArrayList<>(images.length + 1);
    parts.add(new Part.Text(text));
    parts.addAll(List.of(images));
    return new Message(Role.USER, parts);
  }

  /**
   * An assistant's text, for history written by hand (a finished response's message is one
   * already: {@link FinalMessage#message()}).
   *
   * @param text the text
   * @return the message
   */
  public static Message assistant(String text) {
    return new Message(Role.ASSISTANT, List.of(new Part.Text(text)));
  }

  /**
   * The result of a tool call, to send after the assistant message that made the call.
   *
   * @param callId the call's {@link Part.ToolCall#id()}
   * @param content the result as text (often JSON)
   * @return the message
   */
  public static Message toolResult(String callId, String content) {
    return new Message(Role.TOOL, List.of(new Part.ToolResult(callId, content, false)));
  }

  /**
   * A tool call that failed: the model sees the error and may try again or explain.
   *
   * @param callId the call's {@link Part.ToolCall#id()}
   * @param error what went wrong, as the model should read it
   * @return the message
   */
  public static Message toolError(String callId, String error) {
    return new Message(Role.TOOL, List.of(new Part.ToolResult(callId, error, true)));
  }

  /**
   * The text parts joined, without separators.
   *
   * @return the text; empty when there is none
   */
  public String text() {
    return join(Part.Text.class);
  }

  /**
   * The reasoning text of every reasoning part, joined.
   *
   * @return the reasoning; empty when there is none
   */
  public String reasoning() {
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      if (part instanceof Part.Reasoning) {
        sb.append(((Part.Reasoning) part).text());
      }
    }
    return sb.toString();
  }

  /**
   * The refusal text, joined.
   *
   * @return the refusal; empty when the model did not refuse
   */
  public String refusal() {
    return join(Part.Refusal.class);
  }

  /**
   * The tool calls, in order.
   *
   * @return the tool-call parts; empty when the message calls no tool
   */
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
