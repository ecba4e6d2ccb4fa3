package io.sluice.core.codec;

import io.sluice.core.sse.SseListener;

/**
 * Turns one response's SSE events into model events. It is an {@link SseListener}, so an
 * {@link io.sluice.core.sse.SseReader} feeds it directly. It emits exactly one terminal event: on
 * the format's terminal marker, on a provider error, on malformed input (with a bounded excerpt),
 * or at the end of input (a missing terminal marker is a truncation, never a silent success).
 * After the terminal event it ignores all input and never throws at its caller.
 */
public interface StreamDecoder extends SseListener {

  /** Characters of a bad payload that a failure message quotes. */
  int EXCERPT_CHARS = 200;

  /** True once the terminal event was emitted. */
  boolean finished();

  /**
   * {@code text} cut to {@value #EXCERPT_CHARS} characters (with its full length named), as a
   * failure message quotes what it could not read: bounded, whatever a peer sent.
   */
  static String excerpt(String text) {
    if (text.length() <= EXCERPT_CHARS) {
      return text;
    }
    return text.substring(0, EXCERPT_CHARS) + "… (" + text.length() + " chars)";
  }
}
