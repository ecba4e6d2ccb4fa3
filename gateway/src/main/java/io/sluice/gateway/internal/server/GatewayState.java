package io.sluice.gateway.internal.server;

import io.sluice.core.RetryPolicy;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.internal.accounting.Prices;
import io.sluice.gateway.internal.accounting.UsageLog;
import io.sluice.gateway.internal.exchange.UpstreamTap;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.Ledgers;
import io.sluice.gateway.internal.routing.Router;
import io.sluice.gateway.internal.routing.TargetPool;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.sluice.gateway.internal.telemetry.Tracing;
import io.sluice.gateway.internal.upstream.UpstreamAddress;
import io.sluice.core.codec.WireFormat;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * What every request shares: config, router, key pools, upstream client, meters and logs.
 *
 * <p>One instance per configuration: a reload builds the next from the running one
 * ({@link #next}) and the server swaps it in atomically. A request keeps the instance it was
 * admitted with to its end, so a stream finishes on the configuration it started with. What
 * outlives a configuration is handed from one to the next: the event loops, upstream clients,
 * meters, tracing, the usage log, each key's requests in flight, and the key pool of every target
 * whose settings did not change (its leases, queue and cool-downs).
 */
public final class GatewayState implements AutoCloseable {
  public final Vertx vertx;
  public final GatewayConfig config;
  public final GatewayLimits limits;
  public final Router router;
  public final AccessControl access;
  public final GatewayMetrics metrics;
  /** Spans of requests and attempts; {@link Tracing#OFF} unless telemetry.traces.enabled. */
  public final Tracing tracing;
  public final UsageLog usageLog;
  /** Limits, reservations, spend, runtime keys, cool-downs: in this process or in Redis. */
  public final Ledger ledger;
  public final Prices prices;
  /** The upstream clients for calls made off the front doors' event loops (none in practice). */
  private final UpstreamClients sharedClients;
  private final HttpClientOptions clientOptions;
  public final RetryPolicy retry = RetryPolicy.defaults();
  /** Opens upstream Responses WebSockets for relayed WebSocket clients. */
  public final WebSocketClient webSockets;
  /** The port the front doors listen on, once they do: WebSocket turns bridged to SSE call it. */
  public volatile int selfPort;
  private final Map<Target, TargetPool> pools = new IdentityHashMap<>();
  /** Each route's pools in order, built once: a request asks for them on arrival. */
  private final Map<Route, List<TargetPool>> routePools = new IdentityHashMap<>();
  /** Each pool's upstream addresses, parsed once per configuration rather than per request. */
  private final Map<TargetPool, UpstreamAddress.PerFormat> addresses = new IdentityHashMap<>();
  /** Which configuration this is: 1 for the one started with, one more for each reload. */
  public final long generation;
  /** GET /dashboard, and the recorder that the requests' ends feed. */
  public final io.sluice.gateway.internal.dashboard.Dashboard dashboard;
  /**
   * The state in force, shared by every configuration: what outlives a configuration and shows
   * the current one (the dashboard) reads it. The server sets it on each reload.
   */
  final java.util.concurrent.atomic.AtomicReference<GatewayState> latest;

  /** Connections per upstream host: more than one host's ephemeral ports allow. */
  private static final int UPSTREAM_POOL = 65_536;
  /**
   * HTTP/2 connections per upstream host and event loop. Each carries as many streams as the
   * server's SETTINGS_MAX_CONCURRENT_STREAMS allows (100 on many servers); the pool opens another
   * only when every one is full.
   */
  private static final int UPSTREAM_HTTP2_POOL = 1024;
  private static final String CLIENT_KEY = "sluice.upstream-client";

  GatewayState(Vertx vertx, GatewayConfig config, Consumer<String> requestLog) {
    this.vertx = vertx;
    this.config = config;
    this.limits = config.limits();
    this.generation = 1;
    this.latest = new java.util.concurrent.atomic.AtomicReference<>(this);
    this.metrics = new GatewayMetrics(config);
    this.router = new Router(config.routes());
    this.prices = new Prices(config.ledger().prices());
    this.ledger = Ledgers.create(vertx, config.ledger(), metrics);
    this.access = new AccessControl(config.accessKeys(), ledger.keys());
    this.usageLog = new UsageLog(config.usageLog(), config.logContent(), requestLog);
    metrics.functionCounter("sluice_gateway_usage_log_dropped", "Usage-log entries dropped "
        + "because the writer fell behind (its queue was full)", usageLog,
        log -> ((UsageLog) log).dropped());
    for (Route r : config.routes()) {
      for (Target t : r.targets()) {
        pools.put(t, new TargetPool(vertx, t, limits.concurrencyPerKey(), limits.queueSize(),
            ledger.coolDowns(), ledger.slots()));
      }
    }
    indexPools(config);
    metrics.upstreamKeys(keysInFlight());
    this.tracing = Tracing.of(config.telemetry());
    this.dashboard = DashboardBridge.create(this);
    this.clientOptions = new HttpClientOptions()
        .setConnectTimeout((int) limits.connectTimeout().toMillis())
        .setKeepAlive(true)
        .setVerifyHost(true)
        .setForceSni(true) // providers behind CDNs route TLS by server name
        .setMaxInitialLineLength(64 * 1024)
        .setMaxHeaderSize(64 * 1024);
    this.sharedClients = newUpstreamClients();
    this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setConnectTimeout((int) limits.connectTimeout().toMillis())
        .setVerifyHost(true)
        .setMaxFrameSize(limits.maxUpstreamMessageBytes())
        .setMaxMessageSize(limits.maxUpstreamMessageBytes()));
  }

  /**
   * The state for {@code next}, a reloaded configuration, sharing with this one what outlives a
   * configuration (see the class comment). A target equal to a running one, with the same
   * per-key concurrency and queue size, keeps its pool: its requests in flight still count
   * against its keys. A changed target gets a new pool; the old one serves its requests in flight
   * to their end. The listener's settings (host, port, header and WebSocket sizes), the upstream
   * clients' connect timeout and the usage log stay as they were started: the reload reports
   * them as needing a restart ({@link io.sluice.gateway.internal.config.ConfigChanges}).
   */
  GatewayState next(GatewayConfig next) {
    return new GatewayState(this, next);
  }

  private GatewayState(GatewayState previous, GatewayConfig config) {
    this.vertx = previous.vertx;
    this.config = config;
    this.limits = config.limits();
    this.generation = previous.generation + 1;
    this.latest = previous.latest;
    this.dashboard = previous.dashboard; // its recorder and feed outlive a configuration
    this.metrics = previous.metrics;
    metrics.models(config); // the routes' models are label values from now on
    this.tracing = previous.tracing; // built at start: telemetry.traces waits for a restart
    this.router = new Router(config.routes());
    // The ledger (and the shared state behind it) outlives a configuration: windows, spend and
    // runtime keys go on; prices are read anew. A change of state.* needs a restart.
    this.ledger = previous.ledger;
    this.prices = new Prices(config.ledger().prices());
    this.access = new AccessControl(config.accessKeys(), previous.access);
    this.usageLog = previous.usageLog;
    this.clientOptions = previous.clientOptions;
    this.sharedClients = previous.sharedClients;
    this.webSockets = previous.webSockets;
    this.selfPort = previous.selfPort;
    boolean sameQueues = limits.concurrencyPerKey() == previous.limits.concurrencyPerKey()
        && limits.queueSize() == previous.limits.queueSize();
    Map<Target, TargetPool> running = new HashMap<>();
    if (sameQueues) {
      previous.pools.forEach((t, p) -> running.putIfAbsent(t, p));
    }
    for (Route r : config.routes()) {
      for (Target t : r.targets()) {
        TargetPool kept = running.get(t); // by value: the same settings, the same pool
        pools.put(t, kept != null ? kept
            : new TargetPool(vertx, t, limits.concurrencyPerKey(), limits.queueSize(),
                ledger.coolDowns(), ledger.slots()));
      }
    }
    indexPools(config);
    metrics.upstreamKeys(keysInFlight());
  }

  /** Fills {@link #routePools} and {@link #addresses} once {@link #pools} is complete. */
  private void indexPools(GatewayConfig config) {
    for (Route r : config.routes()) {
      routePools.put(r, r.targets().stream().map(pools::get).toList());
    }
    for (TargetPool p : pools.values()) {
      addresses.putIfAbsent(p, new UpstreamAddress.PerFormat(p.target()));
    }
  }

  /**
   * One reading per target and key of this configuration, for
   * {@code sluice_gateway_upstream_in_flight}. Targets that name the same upstream (the same kind
   * and URL in two routes) have pools of their own and one series: the sum of their keys'.
   */
  private Map<Tags, IntSupplier> keysInFlight() {
    Map<Tags, IntSupplier> out = new LinkedHashMap<>();
    java.util.Set<TargetPool> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (TargetPool pool : pools.values()) {
      if (!seen.add(pool)) {
        continue;
      }
      for (int k = 0; k < pool.keyCount(); k++) {
        int key = k;
        IntSupplier reading = () -> pool.inFlight(key);
        out.merge(Tags.of("sluice.target", pool.label(), "key", "key" + k), reading,
            (a, b) -> () -> a.getAsInt() + b.getAsInt());
      }
    }
    return out;
  }

  /**
   * The clients for upstream calls. HTTP/1.1: one connection per stream in flight; HTTP/2: the
   * streams share connections, a cancelled one reset alone (RST_STREAM). The key pools
   * (concurrency-per-key, queue-size) are the limit. A smaller pool would queue streams unseen,
   * before the first byte; at 512 it held 1,000 concurrent streams' time to first token at a whole
   * stream's length (BENCHMARKS.md).
   */
  private UpstreamClients newUpstreamClients() {
    HttpClientOptions http2 = new HttpClientOptions(clientOptions)
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setUseAlpn(true) // https: negotiated, HTTP/1.1 when the server does not offer h2
        .setHttp2ClearTextUpgrade(false) // http: prior knowledge, no upgrade round trip
        // All of a connection's streams share its flow-control window: at the default 64 KiB
        // the upstream may send 64 KiB per round trip for all of them together (1.3 MB/s at
        // 50 ms), far below what thousands of streams carry. Memory stays bounded by each
        // stream's own window, which a stream paused for a slow client does not renew.
        .setHttp2ConnectionWindowSize(Integer.MAX_VALUE);
    return new UpstreamClients(
        new Http1Shards(() -> vertx.httpClientBuilder().with(clientOptions)
            .with(new PoolOptions().setHttp1MaxSize(UPSTREAM_POOL))
            .withConnectHandler(this::upstreamConnection).build(),
            UPSTREAM_POOL / Http1Shards.STREAMS),
        vertx.httpClientBuilder().with(http2).with(new PoolOptions()
            // Vert.x 5.2 weighs a pool's connections by the product of these two sizes: at
            // 2^31 it overflows and the pool never connects (65,536 each hangs every request).
            // HTTP/1.1 here is an https server that did not offer h2.
            .setHttp1MaxSize(UPSTREAM_POOL)
            .setHttp2MaxSize(UPSTREAM_HTTP2_POOL))
            .withConnectHandler(this::upstreamConnection).build(),
        new HashMap<>());
  }

  /**
   * A connection-level failure of an upstream connection (a reset, a TLS alert) reaches the
   * request it carried, if any, through that request's own handlers, which log it once with the
   * request's line. Without a handler here Vert.x would also print it through JUL as a SEVERE
   * line with no request context; it is counted instead
   * ({@code sluice_gateway_upstream_errors{class="connection"}}).
   */
  private void upstreamConnection(io.vertx.core.http.HttpConnection connection) {
    connection.exceptionHandler(t -> metrics.upstreamError("connection"));
    UpstreamTap.install(connection); // a stream's body read without Vert.x's copy of each piece
  }

  /**
   * An event loop's upstream clients, HTTP/1.1 (several, filled in turn: {@link Http1Shards})
   * and HTTP/2 for targets that ask for it, and per HTTP/2 origin whether its first connection
   * is up (completed) or still being opened.
   */
  record UpstreamClients(Http1Shards http1, HttpClientAgent http2,
      Map<String, Future<Void>> http2Ready) {}

  /**
   * A request to an upstream, on the calling event loop's client (see {@link #client}).
   *
   * <p>Over HTTP/2 the first request to an origin goes alone and the others wait for its
   * connection. The pool learns how many streams a connection takes only from the server's
   * SETTINGS, so until then it opens a new connection for every request it is asked for: a burst
   * of 1,000 streams at start would open up to {@link #UPSTREAM_HTTP2_POOL} connections instead
   * of one. Once one is up, the pool adds another only when every connection is full.
   */
  public Future<HttpClientRequest> request(boolean http2, RequestOptions options) {
    return request(http2, (Boolean.TRUE.equals(options.isSsl()) ? "https://" : "http://")
        + options.getHost() + ":" + options.getPort(), options);
  }

  /**
   * {@link #request(boolean, RequestOptions)} with the origin the client pools connections by
   * ({@code scheme://host:port}) already known, as {@link UpstreamAddress#origin} has it.
   */
  public Future<HttpClientRequest> request(boolean http2, String origin, RequestOptions options) {
    Context context = Vertx.currentContext();
    UpstreamClients own = context == null ? null : context.get(CLIENT_KEY);
    if (own == null) { // the shared client is not used in practice: no gate, no shards
      return client(http2).request(options);
    }
    if (!http2) {
      return own.http1().request(options);
    }
    Future<Void> ready = own.http2Ready().get(origin);
    if (ready == null) {
      Promise<Void> first = Promise.promise();
      Future<Void> gate = first.future();
      own.http2Ready().put(origin, gate);
      // A first connection that neither opens nor fails in time must not hold the others back
      // for good: they go, and the next request after them tries alone again.
      long timer = vertx.setTimer(Math.max(1, limits.connectTimeout().toMillis()), id -> {
        own.http2Ready().remove(origin, gate);
        first.tryComplete();
      });
      return own.http2().request(options).andThen(ar -> {
        vertx.cancelTimer(timer);
        if (ar.failed()) {
          own.http2Ready().remove(origin, gate); // no connection: the next one tries alone
        } else {
          // Closed (idle for http2-keep-alive-timeout, a GOAWAY): the next request goes alone.
          ar.result().connection().closeHandler(v -> own.http2Ready().remove(origin, gate));
        }
        first.tryComplete();
      });
    }
    return ready.isComplete() ? own.http2().request(options)
        : ready.compose(v -> own.http2().request(options));
  }

  /**
   * The upstream client of the calling event loop. Each front-door event loop has its own, so an
   * upstream connection lives on the event loop of the client request that uses it: a shared
   * client hands a pooled connection to whichever loop asks, and every upstream chunk then
   * crosses threads before it can be relayed (BENCHMARKS.md, profile notes).
   */
  public HttpClientAgent client(boolean http2) {
    Context context = Vertx.currentContext();
    UpstreamClients own = context == null ? null : context.get(CLIENT_KEY);
    UpstreamClients clients = own != null ? own : sharedClients;
    return http2 ? clients.http2() : clients.http1().first();
  }

  /** Gives the calling verticle's event loop its own upstream clients. */
  void ownClients(Context context) {
    context.put(CLIENT_KEY, newUpstreamClients());
  }

  /** The host to call this gateway on from inside: loopback when it listens on all interfaces. */
  public String selfHost() {
    String host = config.host();
    return host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1"
        : host.equals("::") ? "[::1]" : host.contains(":") ? "[" + host + "]" : host;
  }

  public TargetPool pool(Target target) {
    return pools.get(target);
  }

  public List<TargetPool> pools(Route route) {
    List<TargetPool> built = routePools.get(route);
    return built != null ? built : route.targets().stream().map(pools::get).toList();
  }

  /** Where {@code pool}'s requests in {@code format} go, parsed once. */
  public UpstreamAddress address(TargetPool pool, WireFormat format) {
    UpstreamAddress.PerFormat known = addresses.get(pool);
    return known != null ? known.of(format) : UpstreamAddress.of(pool.target(), format);
  }

  @Override
  public void close() {
    usageLog.close();
    ledger.close();
    tracing.close();
    metrics.close();
  }
}
