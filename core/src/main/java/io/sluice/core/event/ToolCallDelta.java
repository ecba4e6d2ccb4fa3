package io.sluice.core.event;

/**
 * The next fragment of a tool call's arguments, a piece of a JSON text. It repeats the call's
 * ordinal, id and name (as its start gave them), so that a consumer can route a fragment without
 * keeping the start.
 */
public record ToolCallDelta(
    int choice, int index, int ordinal, String id, String name, String arguments)
    implements BlockEvent {
  /** Checks that no component is null. */
  public ToolCallDelta {
    Checks.notNull(id, name, arguments);
  }
}
