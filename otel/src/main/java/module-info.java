/** sluice otel: OpenTelemetry spans and GenAI client metrics for the sluice client. */
module io.sluice.otel {
  requires transitive io.sluice.client;
  requires transitive io.opentelemetry.api;
  requires io.opentelemetry.context;

  exports io.sluice.otel;
}
