package io.sluice.core.event;

/** The next fragment of a server tool's input, a piece of a JSON text. */
public record ServerToolDelta(int choice, int index, String input) implements BlockEvent {
  public ServerToolDelta {
    Checks.notNull(input);
  }
}
