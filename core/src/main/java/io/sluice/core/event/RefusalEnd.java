package io.sluice.core.event;

/** A refusal block closes; {@code text} is the whole of it. */
public record RefusalEnd(int choice, int index, String text) implements BlockEvent {
  /** Checks that no component is null. */
  public RefusalEnd {
    Checks.notNull(text);
  }
}
