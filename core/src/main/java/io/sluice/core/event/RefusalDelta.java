package io.sluice.core.event;

/** The next piece of a refusal block. */
public record RefusalDelta(int choice, int index, String text) implements BlockEvent {
  /** Checks that no component is null. */
  public RefusalDelta {
    Checks.notNull(text);
  }
}
