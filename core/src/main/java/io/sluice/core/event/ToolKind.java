package io.sluice.core.event;

/** Who runs a tool call. */
public enum ToolKind {
  /** A function the caller runs and answers with a tool result. */
  FUNCTION,
  /** A custom (free-form input) tool the caller runs (Responses {@code custom_tool_call}). */
  CUSTOM,
  /** A tool the provider runs itself (Anthropic {@code server_tool_use}, e.g. web search). */
  SERVER
}
