package io.sluice.gateway.internal.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's meters, exposed in Prometheus text format on {@code GET /metrics}. */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger activeStreams = new AtomicInteger();

  public GatewayMetrics() {
    registry.gauge("sluice_gateway_active_streams", activeStreams);
  }

  public void streamStarted() {
    activeStreams.incrementAndGet();
  }

  public void streamEnded() {
    activeStreams.decrementAndGet();
  }

  public void request(String route, int status) {
    Counter.builder("sluice_gateway_requests").tag("route", route)
        .tag("status", Integer.toString(status)).register(registry).increment();
  }

  public void timeToFirstToken(String route, long millis) {
    if (millis >= 0) {
      timer("sluice_gateway_time_to_first_token", route).record(Duration.ofMillis(millis));
    }
  }

  public void duration(String route, long millis) {
    timer("sluice_gateway_request_duration", route).record(Duration.ofMillis(millis));
  }

  public void tokens(String direction, long count) {
    if (count > 0) {
      Counter.builder("sluice_gateway_tokens").tag("direction", direction).register(registry)
          .increment(count);
    }
  }

  /**
   * Blocks a translating stream left out because the client's format has no place for them
   * (a server tool in Chat, …): what the client did not receive is counted, not lost silently.
   */
  public void translationDropped(String route, long count) {
    if (count > 0) {
      Counter.builder("sluice_gateway_translation_dropped").tag("route", route)
          .register(registry).increment(count);
    }
  }

  public void upstreamError(String errorClass) {
    Counter.builder("sluice_gateway_upstream_errors").tag("class", errorClass)
        .register(registry).increment();
  }

  /** A request refused by its key's limits; {@code limit} names which. */
  public void refused(String limit) {
    Counter.builder("sluice_gateway_limit_refusals").tag("limit", limit).register(registry)
        .increment();
  }

  /** A decision taken without the shared state: {@code open} admitted, {@code closed} refused. */
  public void sharedStateUnavailable(String decision) {
    Counter.builder("sluice_gateway_shared_state_unavailable").tag("decision", decision)
        .register(registry).increment();
  }

  /**
   * USD booked; unpriced requests count apart. No model tag: a routed pattern lets clients name
   * models without bound (the admin API reads spend per model from the ledger).
   */
  public void spend(java.math.BigDecimal usd, boolean priced) {
    if (priced) {
      Counter.builder("sluice_gateway_spend_usd").register(registry).increment(usd.doubleValue());
    } else {
      Counter.builder("sluice_gateway_unpriced_requests").register(registry).increment();
    }
  }

  /**
   * A client connection or WebSocket the gateway closed for a limit or a protocol error
   * ({@code max_connections}, {@code request_head_timeout}, {@code ws_message_too_big}, ...).
   */
  public void clientClosed(String reason) {
    Counter.builder("sluice_gateway_client_closes").tag("reason", reason).register(registry)
        .increment();
  }

  public String scrape() {
    return registry.scrape();
  }

  private Timer timer(String name, String route) {
    return Timer.builder(name).tag("route", route).publishPercentileHistogram()
        .register(registry);
  }
}
