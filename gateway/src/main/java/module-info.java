/** sluice gateway: the streaming reverse proxy for LLM providers, on Vert.x. */
module io.sluice.gateway {
  // GatewayConfig names core's ChatDialect; GatewayException extends SluiceException.
  requires transitive io.sluice.core;
  requires io.vertx.core;
  requires com.fasterxml.jackson.core;
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
