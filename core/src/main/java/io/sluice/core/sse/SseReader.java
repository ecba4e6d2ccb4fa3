package io.sluice.core.sse;

import io.sluice.core.StreamLimits;
import io.sluice.core.internal.sse.ByteSseReader;
import java.nio.ByteBuffer;

/**
 * A push-based reader of the WHATWG {@code text/event-stream} format. Bytes go in as they arrive;
 * events come out to an {@link SseListener}. It never blocks, starts no thread, and buffers at most
 * {@link StreamLimits#maxEventBytes()} for one event.
 *
 * <p>Lines are split on bytes (CR, LF and CRLF, also when a CRLF straddles two feeds), and each
 * field value is decoded from UTF-8 once, with malformed input replaced by U+FFFD; an event's data
 * is not decoded at all when the listener takes it as bytes ({@link SseListener#onEventBytes}).
 * One byte-order mark at the very start is skipped. A reader is not thread-safe: feed it from one thread at a time.
 */
public interface SseReader {

  /**
   * A reader with the default limits.
   *
   * @param listener receives the events
   * @return the reader
   */
  static SseReader create(SseListener listener) {
    return new ByteSseReader(listener, StreamLimits.defaults());
  }

  /**
   * A reader with the given limits.
   *
   * @param listener receives the events
   * @param limits the limits
   * @return the reader
   */
  static SseReader create(SseListener listener, StreamLimits limits) {
    return new ByteSseReader(listener, limits);
  }

  /** Reads the buffer's remaining bytes and leaves its position at its limit. */
  void feed(ByteBuffer bytes);

  /**
   * Feeds part of an array.
   *
   * @param bytes the array
   * @param offset where the bytes start
   * @param length how many
   */
  void feed(byte[] bytes, int offset, int length);

  /**
   * Feeds a whole array.
   *
   * @param bytes the next bytes of the stream
   */
  default void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  /** Signals the end of input: an unfinished event is discarded and reported. Idempotent. */
  void end();

  /** The last-event-ID string: what a reconnecting client sends as {@code Last-Event-ID}. */
  String lastEventId();

  /** True once the reader failed on a limit; it then ignores all input. */
  boolean failed();
}
