/** sluice gateway: the streaming reverse proxy for LLM providers, on Vert.x. */
module io.sluice.gateway {
  // GatewayConfig names core's ChatDialect; GatewayException extends SluiceException.
  requires transitive io.sluice.core;
  requires io.vertx.core;
  requires io.vertx.redis.client;
  requires com.fasterxml.jackson.core;
  requires micrometer.core;
  requires micrometer.registry.prometheus;
  requires org.snakeyaml.engine;

  exports io.sluice.gateway;
}
