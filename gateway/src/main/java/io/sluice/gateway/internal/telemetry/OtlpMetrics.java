package io.sluice.gateway.internal.telemetry;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.config.MeterFilter;
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
      public java.util.concurrent.TimeUnit baseTimeUnit() {
        return java.util.concurrent.TimeUnit.SECONDS; // the GenAI conventions' unit, as /metrics
      }

      @Override
      public Map<String, String> resourceAttributes() {
        return Map.of("service.name", t.serviceName());
      }
    };
    // The conventions' UCUM units: Micrometer would write "seconds" for a timer, and nothing for
    // the tokens. A timer's unit is set after the meter filters run, hence the subclass.
    OtlpMeterRegistry registry = new OtlpMeterRegistry(config, Clock.SYSTEM) {
      @Override
      protected Timer newTimer(Meter.Id id, DistributionStatisticConfig histogram,
          PauseDetector pauses) {
        return super.newTimer(id.withBaseUnit("s"), histogram, pauses);
      }
    };
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getName().equals("gen_ai.client.token.usage") ? id.withBaseUnit("{token}") : id;
      }
    });
    return Optional.of(registry);
  }
}
