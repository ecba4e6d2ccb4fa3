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

  /** True once the terminal event was emitted. */
  boolean finished();
}
