package io.sluice.client;

import io.sluice.core.event.StreamEvent;

/**
 * Receives a stream pushed as fast as it arrives, on the client's threads, one call at a time.
 * Either the events end with exactly one terminal event ({@code Done} or {@code Failed}), or
 * {@link #onError} is called once, before any event. After the stream is closed nothing more is
 * called. A listener must not block for long: it holds up the read.
 */
@FunctionalInterface
public interface StreamListener {

  /**
   * Receives the next event.
   *
   * @param event the event
   */
  void onEvent(StreamEvent event);

  /** The call failed before its stream started. */
  default void onError(ClientException error) {}
}
