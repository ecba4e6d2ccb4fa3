package io.sluice.core.event;

/** The next piece of reasoning text. */
public record ReasoningDelta(int choice, int index, String text) implements BlockEvent {
  /** Checks that no component is null. */
  public ReasoningDelta {
    Checks.notNull(text);
  }
}
