package io.sluice.core.event;

/**
 * A tool call opens.
 *
 * @param id the call id the tool result must answer ({@code call_…}, {@code toolu_…}), or empty
 *     when the provider gives none
 * @param name the tool's name
 */
public record ToolCallStart(int choice, int index, String id, String name, ToolKind kind)
    implements BlockEvent {
  /** Checks that no component is null. */
  public ToolCallStart {
    Checks.notNull(id, name, kind);
  }
}
