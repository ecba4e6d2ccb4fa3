package io.sluice.gateway.internal.telemetry;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.sluice.gateway.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The OTLP push of the same meters that {@code /metrics} shows, when
 * {@code telemetry.metrics.otlp.endpoint} is set. Micrometer's OTLP registry sends OTLP/HTTP
 * protobuf from its own publishing thread, never from an event loop.
 */
final class OtlpMetrics {
  private OtlpMetrics() {}

  static Optional<MeterRegistry> registry(GatewayConfig.Telemetry t) {
    if (t.metricsOtlpEndpoint().isEmpty()) {
      return Optional.empty();
    }
    OtlpConfig config = new OtlpConfig() {
      @Override
      public String get(String key) {
        return null; // everything not overridden below: Micrometer's defaults
      }

      @Override
      public String url() {
        return t.metricsOtlpEndpoint();
      }

      @Override
      public Duration step() {
        return t.metricsOtlpStep();
      }

      @Override
      public Map<String, String> resourceAttributes() {
        return Map.of("service.name", t.serviceName());
      }
    };
    return Optional.of(new OtlpMeterRegistry(config, Clock.SYSTEM));
  }
}
