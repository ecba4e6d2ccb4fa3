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
   * A blank line dispatched an event with data, offered as UTF-8 bytes before {@link #onEvent} is
   * called: a listener that parses bytes itself (a JSON parser reads UTF-8 directly) returns
   * {@code true}, and the reader then makes neither the data {@code String} nor the
   * {@link SseEvent}. Returning {@code false} (the default) has the reader call {@link #onEvent}
   * for the same event instead.
   *
   * <p>The array belongs to the reader or to its caller: it is valid only during this call, and
   * must be neither kept nor changed. The bytes are what {@link SseEvent#data()} would hold — the
   * data lines joined with LF, without the trailing LF — and are always well-formed UTF-8: an
   * event whose data is not goes to {@link #onEvent} only, decoded with U+FFFD replacements.
   *
   * @param name the value of the block's last {@code event} field, or empty
   * @param data holds the event's data at {@code [offset, offset + length)}
   * @param lastEventId the stream's last-event-ID string at dispatch
   * @return true if the event was consumed and {@link #onEvent} must not be called for it
   */
  default boolean onEventBytes(
      String name, byte[] data, int offset, int length, String lastEventId) {
    return false;
  }

  /**
   * A comment line, such as a heartbeat. The text is what follows the colon, leading space kept.
   */
  default void onComment(String text) {}

  /** A {@code retry} field with a valid, all-digit value, when the field is read. */
  default void onRetry(long millis) {}

  /**
   * The input ended inside an event that has data: its field lines were read (the last one
   * perhaps without its line end) but no blank line dispatched it. WHATWG discards such an event
   * (HTML §9.2.6), and so does the reader: it is never given to {@link #onEvent}, and
   * {@link #onEnd} reports {@link SseEnd#TRUNCATED} right after this call. It is offered so that
   * a format whose streams end with a terminal event ({@code data: [DONE]},
   * {@code message_stop}, {@code response.completed}) can accept one that lacks only its blank
   * line, as real captures and some servers send it.
   */
  default void onUnterminatedEvent(SseEvent event) {}

  /** The input ended; see {@link SseEnd} for how a truncated stream is told from a clean end. */
  default void onEnd(SseEnd end) {}

  /** The reader failed (for example an event over the size limit) and ignores further input. */
  default void onFailure(SluiceException failure) {}
}
