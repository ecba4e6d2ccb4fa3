package io.sluice.core.message;

import java.util.Objects;

/** Whether and which tool the model must call. {@code name} is set only for {@link Mode#TOOL}. */
public record ToolChoice(Mode mode, String name) {

  /** How the model may use the tools. */
  public enum Mode {
    /** It decides whether to call a tool. */
    AUTO,
    /** It calls none. */
    NONE,
    /** It calls at least one. */
    REQUIRED,
    /** It calls the tool named by {@link ToolChoice#name()}. */
    TOOL
  }

  /** The model decides whether to call a tool. */
  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, "");
  /** The model calls no tool. */
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, "");
  /** The model calls at least one tool. */
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, "");

  /** Checks that no component is null. */
  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(name, "name");
  }

  /**
   * The model must call this tool.
   *
   * @param name the tool's name
   * @return the choice
   */
  public static ToolChoice tool(String name) {
    return new ToolChoice(Mode.TOOL, name);
  }
}
