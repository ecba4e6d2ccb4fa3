package io.sluice.core.message;

/** Who speaks a message. Tool results travel in {@link #TOOL} messages. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT,
  TOOL
}
