/** sluice mock: the simulated LLM provider on a real HTTP server (docs/mock.md). */
module io.sluice.mock {
  requires io.sluice.core;
  // MockProvider.start(Vertx, MockOptions) takes the caller's Vert.x.
  requires transitive io.vertx.core;

  exports io.sluice.mock;
}
