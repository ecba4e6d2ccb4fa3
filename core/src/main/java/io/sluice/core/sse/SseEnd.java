package io.sluice.core.sse;

/** How the input of an {@link SseReader} ended. */
public enum SseEnd {
  /** Every field line seen belonged to an event that was dispatched (comments aside). */
  COMPLETE,
  /**
   * The input stopped in the middle of an event: lines were read after the last blank line, or a
   * line had no end. WHATWG discards that event; the caller learns that it did.
   */
  TRUNCATED
}
