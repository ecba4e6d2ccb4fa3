/** sluice core: the SSE reader and writer, the event model and the codecs. No I/O, no threads. */
module io.sluice.core {
  requires com.fasterxml.jackson.core;

  exports io.sluice.core;
  exports io.sluice.core.sse;
  exports io.sluice.core.event;
  exports io.sluice.core.message;
  exports io.sluice.core.codec;

  // The WebSocket transport writes response.create with the HTTP body's own field writer.
  exports io.sluice.core.internal.codec.responses to io.sluice.client;

  // The gateway's relay reaches into two codec internals that have no public form yet: the Chat
  // encoder with include_usage forced (ChatCodec.encoder(writer, boolean)), and the base decoder's
  // skipMalformed and excerpt. Named here so that no other module can, and so that giving them an
  // API shows up as removing these two lines.
  exports io.sluice.core.internal.codec to io.sluice.gateway;
  exports io.sluice.core.internal.codec.chat to io.sluice.gateway;
}
