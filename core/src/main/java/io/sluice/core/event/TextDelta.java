package io.sluice.core.event;

/** The next piece of a text block. */
public record TextDelta(int choice, int index, String text) implements BlockEvent {
  /** Checks that no component is null. */
  public TextDelta {
    Checks.notNull(text);
  }
}
