package io.sluice.core.event;

/** Why generation stopped, normalised across providers; the raw reason travels beside it. */
public enum FinishReason {
  /** The model ended its answer. */
  STOP("stop"),
  /** A token limit cut the answer short. */
  LENGTH("length"),
  /** The model called tools and waits for their results. */
  TOOL_CALLS("tool_calls"),
  /** The provider's content filter stopped the answer. */
  CONTENT_FILTER("content_filter"),
  /** The model refused to answer. */
  REFUSAL("refusal"),
  /** The stream failed before a finish reason arrived. */
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
