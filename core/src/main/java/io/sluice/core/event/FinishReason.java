package io.sluice.core.event;

/** Why generation stopped, normalised across providers; the raw reason travels beside it. */
public enum FinishReason {
  STOP("stop"),
  LENGTH("length"),
  TOOL_CALLS("tool_calls"),
  CONTENT_FILTER("content_filter"),
  REFUSAL("refusal"),
  ERROR("error");

  private final String wireName;

  FinishReason(String wireName) {
    this.wireName = wireName;
  }

  /** The lower-case name used in sluice's own JSON output. */
  public String wireName() {
    return wireName;
  }
}
