package io.sluice.gateway.internal.config;

import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.GatewayException;
import io.sluice.gateway.GatewayLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a reload of {@code sluice.yaml} may change while the gateway runs. Routes, targets,
 * access keys, limits read per request, prices, the browser allow-lists, the drain settings and
 * {@code telemetry.metrics.models} take effect; what the listeners, the upstream clients, the
 * usage log, the shared state or the telemetry exporters were built with stays until a restart,
 * and {@link #restartNeeded()} names each such setting that changed, for the log.
 *
 * @param effective the configuration to run: the new one with the running listener's settings
 * @param restartNeeded one line per changed setting that waits for a restart
 */
public record ConfigChanges(GatewayConfig effective, List<String> restartNeeded) {

  public ConfigChanges {
    Objects.requireNonNull(effective, "effective");
    restartNeeded = List.copyOf(restartNeeded);
  }

  /**
   * The changes from {@code running} to {@code next}, for a gateway bound to {@code boundHost}.
   *
   * @throws GatewayException when the new file would be unsafe on the running listener: no
   *     access keys left on a gateway that listens beyond loopback (it binds to loopback only
   *     when started without keys, and that choice is made at start)
   */
  public static ConfigChanges of(GatewayConfig running, GatewayConfig next, String boundHost) {
    List<String> restart = new ArrayList<>();
    if (!next.host().equals(running.host())) {
      restart.add("server.host changed from '" + running.host() + "' to '" + next.host()
          + "': the gateway still listens on " + boundHost + " until it is restarted");
    }
    if (next.port() != running.port()) {
      restart.add("server.port changed from " + running.port() + " to " + next.port()
          + ": the gateway still listens on " + running.port() + " until it is restarted");
    }
    if (next.accessKeys().isEmpty() && !isLoopback(boundHost)) {
      throw new GatewayException("access-keys: the new file has none, which would let every "
          + "caller in on " + boundHost + "; a gateway without keys listens on loopback only, "
          + "so restart it to run without keys");
    }
    GatewayLimits was = running.limits();
    GatewayLimits now = next.limits();
    restartIf(restart, was.maxHeaderBytes() != now.maxHeaderBytes(), "limits.max-header-bytes");
    restartIf(restart, !was.connectTimeout().equals(now.connectTimeout()),
        "limits.connect-timeout");
    restartIf(restart, was.maxUpstreamMessageBytes() != now.maxUpstreamMessageBytes(),
        "limits.max-upstream-message-bytes");
    restartIf(restart, !was.warmUp().equals(now.warmUp()), "server.warm-up"); // runs at start
    restartIf(restart, !next.adminKeySha256().equals(running.adminKeySha256()),
        "server.admin-key");
    restartIf(restart, !next.usageLog().equals(running.usageLog())
        || next.logContent() != running.logContent(), "usage-log");
    restartIf(restart, next.publicWithoutKeys() != running.publicWithoutKeys(),
        "server.public-without-keys");
    // The ledger and its connection to Redis outlive a reload: prices and the reservation cap
    // are read per request and take effect; where the shared state is does not.
    LedgerSettings wasState = running.ledger();
    LedgerSettings nowState = next.ledger();
    restartIf(restart, !nowState.redis().equals(wasState.redis()), "state.redis");
    restartIf(restart, nowState.failOpen() != wasState.failOpen(), "state.on-failure");
    restartIf(restart, !nowState.redisTimeout().equals(wasState.redisTimeout()), "state.timeout");
    restartIf(restart, !nowState.leaseTtl().equals(wasState.leaseTtl()), "state.lease-ttl");
    telemetry(restart, running.telemetry(), next.telemetry());
    LedgerSettings state = new LedgerSettings(nowState.prices(), nowState.reserveCap(),
        wasState.redis(), wasState.failOpen(), wasState.redisTimeout(), wasState.leaseTtl());
    // What waits for a restart keeps its running value, so the state matches what runs. The
    // meters' model names follow the routes, so telemetry.metrics.models is read again; the
    // metrics key is checked per scrape.
    GatewayConfig effective = new GatewayConfig(running.host(), running.port(), next.routes(),
        next.accessKeys(), next.limits(), running.usageLog(), running.logContent(),
        running.adminKeySha256(), next.allowedHosts(), next.allowedOrigins(),
        running.publicWithoutKeys(), state,
        running.telemetry().withMetricModels(next.telemetry().metricModels())
            .withMetricsKeySha256(next.telemetry().metricsKeySha256()));
    return new ConfigChanges(effective, restart);
  }

  /** The exporters and the sampler are built at start: all of telemetry but the model names. */
  private static void telemetry(List<String> restart, GatewayConfig.Telemetry was,
      GatewayConfig.Telemetry now) {
    restartIf(restart, !now.serviceName().equals(was.serviceName()), "telemetry.service-name");
    restartIf(restart, !now.metricsOtlpEndpoint().equals(was.metricsOtlpEndpoint())
        || !now.metricsOtlpStep().equals(was.metricsOtlpStep()), "telemetry.metrics.otlp");
    restartIf(restart, now.traces() != was.traces()
        || !now.tracesEndpoint().equals(was.tracesEndpoint())
        || now.traceSampleRatio() != was.traceSampleRatio()
        || now.captureContent() != was.captureContent(), "telemetry.traces");
  }

  private static void restartIf(List<String> restart, boolean changed, String setting) {
    if (changed) {
      restart.add(setting + " changed: it takes effect when the gateway is restarted");
    }
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1")
        || host.equals("[::1]");
  }
}
