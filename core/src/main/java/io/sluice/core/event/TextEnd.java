package io.sluice.core.event;

/** A text block closes; {@code text} is the whole of it. */
public record TextEnd(int choice, int index, String text) implements BlockEvent {
  /** Checks that no component is null. */
  public TextEnd {
    Checks.notNull(text);
  }
}
