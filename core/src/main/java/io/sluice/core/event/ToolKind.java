package io.sluice.core.event;

/**
 * What kind of call the client runs. A tool the provider runs itself is no tool call: it is a
 * {@link ServerToolStart} block.
 */
public enum ToolKind {
  /** A function the caller runs and answers with a tool result. */
  FUNCTION,
  /** A custom (free-form input) tool the caller runs (Responses {@code custom_tool_call}). */
  CUSTOM
}
