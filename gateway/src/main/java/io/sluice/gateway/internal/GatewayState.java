package io.sluice.gateway.internal;

import io.sluice.client.RetryPolicy;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.GatewayLimits;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** What every request shares: config, router, key pools, upstream client, meters and logs. */
final class GatewayState implements AutoCloseable {
  final Vertx vertx;
  final GatewayConfig config;
  final GatewayLimits limits;
  final Router router;
  final AccessControl access;
  final GatewayMetrics metrics = new GatewayMetrics();
  final UsageLog usageLog;
  final HttpClientAgent client;
  final RetryPolicy retry = RetryPolicy.defaults();
  private final Map<Target, TargetPool> pools = new IdentityHashMap<>();

  /** Connections per upstream host: more than one host's ephemeral ports allow. */
  private static final int UPSTREAM_POOL = 65_536;

  GatewayState(Vertx vertx, GatewayConfig config, Consumer<String> requestLog) {
    this.vertx = vertx;
    this.config = config;
    this.limits = config.limits();
    this.router = new Router(config.routes());
    this.access = new AccessControl(config.accessKeys());
    this.usageLog = new UsageLog(config.usageLog(), config.logContent(), requestLog);
    for (Route r : config.routes()) {
      for (Target t : r.targets()) {
        pools.put(t, new TargetPool(vertx, t, limits.concurrencyPerKey(), limits.queueSize()));
      }
    }
    HttpClientOptions options = new HttpClientOptions()
        .setConnectTimeout((int) limits.connectTimeout().toMillis())
        .setKeepAlive(true)
        .setVerifyHost(true)
        .setForceSni(true) // providers behind CDNs route TLS by server name
        .setMaxInitialLineLength(64 * 1024)
        .setMaxHeaderSize(64 * 1024);
    // One connection per stream in flight: the key pools (concurrency-per-key, queue-size) are the
    // limit. A smaller pool would queue streams unseen, before the first byte; at 512 it held
    // 1,000 concurrent streams' time to first token at a whole stream's length (BENCHMARKS.md).
    this.client = vertx.createHttpClient(options,
        new PoolOptions().setHttp1MaxSize(UPSTREAM_POOL));
  }

  TargetPool pool(Target target) {
    return pools.get(target);
  }

  List<TargetPool> pools(Route route) {
    return route.targets().stream().map(pools::get).toList();
  }

  @Override
  public void close() {
    usageLog.close();
  }
}
