package io.sluice.core.event;

/** The next piece of a text block. */
public record TextDelta(int choice, int index, String text) implements BlockEvent {
  public TextDelta {
    Checks.notNull(text);
  }
}
