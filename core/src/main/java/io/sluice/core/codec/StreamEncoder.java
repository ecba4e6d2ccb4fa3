package io.sluice.core.codec;

import io.sluice.core.event.StreamEvent;

/**
 * Writes model events as one wire format's SSE stream, framing included (the format's start and
 * terminal events, {@code [DONE]} where the format has it). A {@code Failed} event becomes the
 * format's in-stream error. Feed it one well-formed event sequence; it is not thread-safe.
 */
public interface StreamEncoder {

  /**
   * Writes the next event.
   *
   * @param event the event
   */
  void encode(StreamEvent event);
}
