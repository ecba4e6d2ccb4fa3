package io.sluice.core.message;

/** Who speaks a message. Tool results travel in {@link #TOOL} messages. */
public enum Role {
  /** Instructions to the model. */
  SYSTEM,
  /** The person or program asking. */
  USER,
  /** The model. */
  ASSISTANT,
  /** The result of a tool call. */
  TOOL
}
