/** sluice core: the SSE reader and writer, the event model and the codecs. No I/O, no threads. */
module io.sluice.core {
  requires com.fasterxml.jackson.core;

  exports io.sluice.core;
  exports io.sluice.core.sse;
  exports io.sluice.core.event;
  exports io.sluice.core.message;
  exports io.sluice.core.codec;
}
