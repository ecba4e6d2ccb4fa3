package io.sluice.gateway.internal;

import io.sluice.client.RetryPolicy;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.GatewayLimits;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** What every request shares: config, router, key pools, upstream client, meters and logs. */
final class GatewayState implements AutoCloseable {
  /** An upstream WebSocket message (a whole {@code response.completed}) is at most this long. */
  private static final int MAX_UPSTREAM_MESSAGE = 64 * 1024 * 1024;
  final Vertx vertx;
  final GatewayConfig config;
  final GatewayLimits limits;
  final Router router;
  final AccessControl access;
  final GatewayMetrics metrics = new GatewayMetrics();
  final UsageLog usageLog;
  /** The upstream client for calls made off the front doors' event loops (none in practice). */
  private final HttpClientAgent sharedClient;
  private final HttpClientOptions clientOptions;
  final RetryPolicy retry = RetryPolicy.defaults();
  /** Opens upstream Responses WebSockets for relayed WebSocket clients. */
  final WebSocketClient webSockets;
  /** The port the front doors listen on, once they do: WebSocket turns bridged to SSE call it. */
  volatile int selfPort;
  private final Map<Target, TargetPool> pools = new IdentityHashMap<>();

  /** Connections per upstream host: more than one host's ephemeral ports allow. */
  private static final int UPSTREAM_POOL = 65_536;
  private static final String CLIENT_KEY = "sluice.upstream-client";

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
    this.clientOptions = new HttpClientOptions()
        .setConnectTimeout((int) limits.connectTimeout().toMillis())
        .setKeepAlive(true)
        .setVerifyHost(true)
        .setForceSni(true) // providers behind CDNs route TLS by server name
        .setMaxInitialLineLength(64 * 1024)
        .setMaxHeaderSize(64 * 1024);
    this.sharedClient = newUpstreamClient();
    this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) limits.connectTimeout().toMillis())
        .setVerifyHost(true)
        .setMaxFrameSize(MAX_UPSTREAM_MESSAGE)
        .setMaxMessageSize(MAX_UPSTREAM_MESSAGE));
  }

  /**
   * A client for upstream calls. One connection per stream in flight: the key pools
   * (concurrency-per-key, queue-size) are the limit. A smaller pool would queue streams unseen,
   * before the first byte; at 512 it held 1,000 concurrent streams' time to first token at a whole
   * stream's length (BENCHMARKS.md).
   */
  private HttpClientAgent newUpstreamClient() {
    return vertx.createHttpClient(clientOptions, new PoolOptions().setHttp1MaxSize(UPSTREAM_POOL));
  }

  /**
   * The upstream client of the calling event loop. Each front-door event loop has its own, so an
   * upstream connection lives on the event loop of the client request that uses it: a shared
   * client hands a pooled connection to whichever loop asks, and every upstream chunk then
   * crosses threads before it can be relayed (BENCHMARKS.md, profile notes).
   */
  HttpClientAgent client() {
    Context context = Vertx.currentContext();
    HttpClientAgent own = context == null ? null : context.get(CLIENT_KEY);
    return own != null ? own : sharedClient;
  }

  /** Gives the calling verticle's event loop its own upstream client. */
  void ownClient(Context context) {
    context.put(CLIENT_KEY, newUpstreamClient());
  }

  /** The host to call this gateway on from inside: loopback when it listens on all interfaces. */
  String selfHost() {
    String host = config.host();
    return host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1"
        : host.equals("::") ? "[::1]" : host.contains(":") ? "[" + host + "]" : host;
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
