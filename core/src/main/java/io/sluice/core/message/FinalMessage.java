package io.sluice.core.message;

import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.FinishReason;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A finished response: what a stream assembles into, or what a non-streaming body holds.
 *
 * @param outcome the terminal event: {@link Done}, or {@link Failed} with whatever content came first
 */
public record FinalMessage(
    String id, String model, long created, List<Choice> choices, Usage usage,
    StreamEvent.Terminal outcome) {

  /**
   * One choice: the assistant message and why it stopped. A choice whose stream failed before a
   * finish reason arrived reports {@link FinishReason#ERROR} with an empty raw reason.
   */
  public record Choice(int index, Message message, FinishReason finishReason, String rawFinishReason) {
    /** Checks that no component is null. */
    public Choice {
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(finishReason, "finishReason");
      Objects.requireNonNull(rawFinishReason, "rawFinishReason");
    }
  }

  /** Checks that no component is null and copies the choices. */
  public FinalMessage {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    choices = List.copyOf(choices);
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** The first choice's message; an empty assistant message when there is no choice. */
  public Message message() {
    return choices.isEmpty() ? new Message(Role.ASSISTANT, List.of()) : choices.get(0).message();
  }

  /**
   * The first choice's text.
   *
   * @return the text; empty when there is none
   */
  public String text() {
    return message().text();
  }

  /**
   * The failure, when the stream failed.
   *
   * @return the failure, or empty when the outcome is {@link Done}
   */
  public Optional<Failed> error() {
    return outcome instanceof Failed ? Optional.of((Failed) outcome) : Optional.empty();
  }

  /**
   * Whether the stream failed.
   *
   * @return whether the outcome is {@link Failed}
   */
  public boolean failed() {
    return outcome instanceof Failed;
  }
}
