package io.sluice.core.event;

/** The next fragment of a tool call's arguments, a piece of a JSON text. */
public record ToolCallDelta(int choice, int index, String arguments) implements BlockEvent {
  /** Checks that no component is null. */
  public ToolCallDelta {
    Checks.notNull(arguments);
  }
}
