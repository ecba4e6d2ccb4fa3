/** sluice gateway: the streaming reverse proxy for LLM providers, on Vert.x. */
module io.sluice.gateway {
  // GatewayConfig names core's ChatDialect; GatewayException extends SluiceException.
  requires transitive io.sluice.core;
  requires io.vertx.core;
  requires io.vertx.redis.client;
  // The WebSocket frame decoder's errors carry the close status RFC 6455 gives them (1002, 1007,
  // 1009); Vert.x hands them over as they are. Already on the path as Vert.x's own dependency.
  requires io.netty.codec.http;
  // A streamed upstream body is read below Vert.x (UpstreamTap), which checks each piece's
  // decoding result, a type of Netty's base codec module.
  requires io.netty.codec;
  // The stream relay gathers each upstream read's output in a pooled buffer (no new copy
  // per event); already on the path as Vert.x's own dependency.
  requires io.netty.buffer;
  // A stream's chunks are written to the client's channel below Vert.x's response (ChunkChannel).
  requires io.netty.transport;
  requires io.netty.common;
  requires com.fasterxml.jackson.core;
  // The start-up warm-up ends when the JIT compilers have settled (JitSettle reads their time).
  requires java.management;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires micrometer.registry.otlp;
  // Traces. The OTLP exporter and its JDK HttpClient sender are found through ServiceLoader by
  // the autoconfiguration: automatic modules, resolved with it.
  requires io.opentelemetry.api;
  requires io.opentelemetry.context;
  requires io.opentelemetry.sdk;
  requires io.opentelemetry.sdk.common;
  requires io.opentelemetry.sdk.autoconfigure;
  requires org.snakeyaml.engine;

  exports io.sluice.gateway;
}
