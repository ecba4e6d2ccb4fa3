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

  /**
   * How many blocks and citations this encoder left out so far because its format has no place
   * for them: a server tool or its result in OpenAI Chat, a Responses built-in tool item in
   * Anthropic, an OpenAI URL citation in Anthropic. A translating gateway reports it, so that
   * what a client did not receive is counted rather than silently lost.
   */
  long dropped();
}
