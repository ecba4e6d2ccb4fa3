package io.sluice.core.event;

/**
 * A tool call opens.
 *
 * @param ordinal the call's position among its choice's tool calls, from 0 (Chat's
 *     {@code tool_calls[].index}); {@code index} is its position among all the choice's blocks
 * @param id the call id the tool result must answer ({@code call_…}, {@code toolu_…}), or empty
 *     when the provider gives none
 * @param name the tool's name
 */
public record ToolCallStart(
    int choice, int index, int ordinal, String id, String name, ToolKind kind)
    implements BlockEvent {
  /** Checks that no component is null. */
  public ToolCallStart {
    Checks.notNull(id, name, kind);
  }
}
