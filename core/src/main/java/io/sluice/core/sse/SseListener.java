package io.sluice.core.sse;

import io.sluice.core.SluiceException;

/**
 * Receives what an {@link SseReader} finds. Calls arrive on the thread that feeds the reader, in
 * input order. Exactly one of {@link #onEnd} and {@link #onFailure} is called, last.
 */
public interface SseListener {

  /** A blank line dispatched an event with data. */
  void onEvent(SseEvent event);

  /**
   * A comment line, such as a heartbeat. The text is what follows the colon, leading space kept.
   */
  default void onComment(String text) {}

  /** A {@code retry} field with a valid, all-digit value, when the field is read. */
  default void onRetry(long millis) {}

  /** The input ended; see {@link SseEnd} for how a truncated stream is told from a clean end. */
  default void onEnd(SseEnd end) {}

  /** The reader failed (for example an event over the size limit) and ignores further input. */
  default void onFailure(SluiceException failure) {}
}
