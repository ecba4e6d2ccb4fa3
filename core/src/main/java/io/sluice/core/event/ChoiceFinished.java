package io.sluice.core.event;

/**
 * One choice finished. Needed when {@code n > 1}, where each choice has its own reason; a single
 * choice's reason is also repeated on {@link Done}.
 */
public record ChoiceFinished(int choice, FinishReason reason, String rawReason)
    implements StreamEvent {
  /** Checks that no component is null. */
  public ChoiceFinished {
    Checks.notNull(reason, rawReason);
  }
}
