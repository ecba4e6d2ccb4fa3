package io.sluice.bench;

import io.sluice.core.sse.SseWriter;

/**
 * One way of translating a streamed HTTP response body from one wire format to another's SSE
 * bytes, as a gateway does on a translated stream. Implementations keep no state between bodies.
 */
interface ResponseTranslator {

  /** Translates one whole response body, writing the other format's SSE bytes to {@code sink}. */
  void translate(byte[] body, SseWriter.Sink sink) throws Throwable;
}
