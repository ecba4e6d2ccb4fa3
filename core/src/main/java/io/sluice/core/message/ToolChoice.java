package io.sluice.core.message;

import java.util.Objects;

/** Whether and which tool the model must call. {@code name} is set only for {@link Mode#TOOL}. */
public record ToolChoice(Mode mode, String name) {

  public enum Mode { AUTO, NONE, REQUIRED, TOOL }

  public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, "");
  public static final ToolChoice NONE = new ToolChoice(Mode.NONE, "");
  public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, "");

  public ToolChoice {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(name, "name");
  }

  public static ToolChoice tool(String name) {
    return new ToolChoice(Mode.TOOL, name);
  }
}
