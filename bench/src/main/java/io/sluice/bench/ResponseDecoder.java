package io.sluice.bench;

/**
 * One way of turning a streamed HTTP response body into the final message: SSE bytes, then
 * events, then an accumulator's result. Implementations keep no state between bodies.
 */
interface ResponseDecoder {

  /** Decodes one whole response body and returns the final message. */
  Object decode(byte[] body) throws Throwable;

  /** The final message's text: the first choice's text parts (or text blocks), joined. */
  String text(Object message);

  /** How many events the implementation's SSE layer handed on while decoding {@code body}. */
  int events(byte[] body) throws Exception;
}
