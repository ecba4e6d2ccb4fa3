package io.sluice.core.event;

/**
 * A tool call closes.
 *
 * @param ordinal the call's position among its choice's tool calls, as on its start
 * @param arguments the complete arguments as the provider sent them (for Anthropic an empty input
 *     is {@code {}})
 * @param validJson whether {@code arguments} parses as one JSON value; a call cut off by a length
 *     limit is not
 */
public record ToolCallEnd(
    int choice, int index, int ordinal, String id, String name, ToolKind kind, String arguments,
    boolean validJson) implements BlockEvent {
  /** Checks that no component is null. */
  public ToolCallEnd {
    Checks.notNull(id, name, kind, arguments);
  }
}
