package io.sluice.gateway.internal.server;

import io.sluice.core.codec.CodecException;
import io.sluice.core.event.Failed;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.Price;
import io.sluice.gateway.internal.accounting.Prices;
import io.sluice.gateway.internal.accounting.TokenEstimate;
import io.sluice.gateway.internal.accounting.UsageEntry;
import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Ledger;
import io.sluice.gateway.internal.ledger.Claim;
import java.math.BigDecimal;
import io.sluice.gateway.internal.exchange.ClientErrors;
import io.sluice.gateway.internal.exchange.Exchange;
import io.sluice.gateway.internal.routing.TargetPool;
import io.sluice.gateway.internal.ws.WsSession;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.sluice.gateway.internal.config.ConfigChanges;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The front doors. Each request runs on the event loop that accepted its connection: access check,
 * a body read bounded by {@code limits.max-body-bytes}, a scan of the body for the model, the
 * route, then an {@link Exchange}. Nothing here blocks. There is one server per event loop, all
 * sharing one port; Vert.x spreads the connections over them.
 */
public final class GatewayServer implements AutoCloseable {
  /**
   * The running configuration's state. A reload swaps it at once; each request reads it once,
   * on arrival, and keeps that state to its end.
   */
  private volatile GatewayState state;
  /** The address bound at start: a reload cannot move it. */
  private final String boundHost;
  private final OpenRequests open = new OpenRequests();
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<ReadinessCheck> readinessChecks = new CopyOnWriteArrayList<>();
  private volatile boolean draining;
  /** Client connections counted and timed; its limits are the ones the listener started with. */
  private final ConnectionGuard connections;
  /** Host and Origin checks for the configuration in force: rebuilt by each reload. */
  private volatile BrowserGuard browser;
  private final AdminApi admin;
  /** The listeners' deployment, from the moment it is asked for. */
  private volatile Future<String> deployment;

  public GatewayServer(Vertx vertx, GatewayConfig config, Consumer<String> requestLog) {
    this.state = new GatewayState(vertx, config, requestLog);
    this.boundHost = bindHost(state);
    this.connections = new ConnectionGuard(vertx, state.limits, state.metrics);
    this.browser = new BrowserGuard(config, state.access.open(), boundHost);
    this.admin = new AdminApi(state);
    if (!config.ledger().redis().isEmpty() && !config.ledger().failOpen()) {
      // Failing closed, a replica without Redis refuses every keyed request: take it out of the
      // load balancer's rotation until it reaches Redis (at start, and in an outage).
      Ledger ledger = state.ledger;
      readinessChecks.add(ReadinessCheck.of("state.redis", ledger::reachable));
    }
  }

  /** The address to bind: loopback when no access keys are configured, unless told otherwise. */
  public String bindHost() {
    return boundHost;
  }

  private static String bindHost(GatewayState gw) {
    if (!gw.config.host().isEmpty()) {
      return gw.config.host();
    }
    return gw.access.open() ? "127.0.0.1" : "0.0.0.0";
  }

  public boolean open() {
    return state.access.open();
  }

  /** The configuration requests arriving now are served with. */
  public GatewayConfig config() {
    return state.config;
  }

  /**
   * Serves requests arriving from now on with {@code next}; requests under way finish with the
   * configuration they started with. The swap is one volatile write, so the next request to
   * arrive, on any event loop, sees it.
   *
   * @return the settings that changed but wait for a restart, one line each
   * @throws io.sluice.gateway.GatewayException when {@code next} cannot be run as it is (the
   *     running configuration stays)
   */
  public List<String> reload(GatewayConfig next) {
    synchronized (servers) { // one reload at a time: each builds on the one before
      GatewayState running = state;
      ConfigChanges changes = ConfigChanges.of(running.config, next, boundHost);
      GatewayState reloaded = running.next(changes.effective());
      state = reloaded;
      browser = new BrowserGuard(reloaded.config, reloaded.access.open(), boundHost);
      reloaded.latest.set(reloaded);
      return changes.restartNeeded();
    }
  }

  /** A condition {@code /readyz} checks besides the drain (shared state reachable, say). */
  public void addReadinessCheck(ReadinessCheck check) {
    readinessChecks.add(check);
  }

  /** From now on {@code /readyz} answers 503; requests are still served. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Closes the listening socket: no new connection is accepted. Idle keep-alive connections
   * close (HTTP/2 ones get a GOAWAY); one with a request under way closes when it ends, or after
   * {@code grace}. Returns once the port refuses connections, or after two seconds.
   */
  public void stopAccepting(java.time.Duration grace) throws InterruptedException {
    for (HttpServer s : servers) {
      s.shutdown(grace);
    }
    // The shutdown's future completes only when the last connection has closed; the listening
    // socket closes long before, asynchronously. Knocking tells when: "no new connections" is
    // then true when the drain says so.
    String host = state.selfHost();
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (java.net.Socket knock = new java.net.Socket()) {
        knock.connect(new java.net.InetSocketAddress(
            host.startsWith("[") ? host.substring(1, host.length() - 1) : host, state.selfPort),
            200);
      } catch (java.io.IOException refused) {
        return;
      }
      Thread.sleep(5);
    }
  }

  /** Requests and WebSocket sessions under way. */
  public int inFlight() {
    return open.size();
  }

  /** Waits up to {@code nanos} for every request under way to end; true when they all did. */
  public boolean awaitIdle(long nanos) throws InterruptedException {
    return open.awaitEmpty(nanos);
  }

  /** Ends every request and session still under way with a terminal error in its format. */
  public void shutDownOpen(String message) {
    open.shutDownAll(message);
  }

  /**
   * Listens with one server per event loop ({@code instances} of them), all on one port, which
   * Vert.x shares among them.
   */
  public Future<Integer> listen(int instances) {
    // Port 0 would give each server its own port; a negative port is Vert.x's way to ask for one
    // random port shared by every server that asks with the same value.
    return listen(instances, state.config.port() == 0 ? -1 : state.config.port());
  }

  /**
   * With {@code requestedPort} as Vert.x takes it: a {@link WarmUp}'s server asks with a negative value of
   * its own, since on the same Vert.x with the same value it would share the gateway's socket.
   */
  Future<Integer> listen(int instances, int requestedPort) {
    java.util.List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    deployment = state.vertx.deployVerticle(() -> {
      Listener l = new Listener(requestedPort);
      listeners.add(l);
      return l;
    }, new DeploymentOptions().setInstances(instances));
    return deployment.compose(id -> {
      int port = listeners.get(0).port;
      for (Listener l : listeners) {
        if (l.port != port) {
          return Future.failedFuture("event loops listen on different ports");
        }
      }
      state.selfPort = port;
      return Future.succeededFuture(port);
    });
  }

  /**
   * Closes the listeners with their verticles, and so the upstream clients of their event loops:
   * the end of a {@link WarmUp}'s throwaway server. The gateway itself closes with its Vert.x.
   */
  Future<Void> stopListening() {
    Future<String> deployed = deployment;
    // A deployment still under way (a warm-up out of time) is undeployed once it is done, so
    // that no listener outlives its server even when the caller stopped waiting.
    return deployed == null ? Future.succeededFuture()
        : deployed.transform(ar -> ar.succeeded() ? state.vertx.undeploy(ar.result())
            : Future.succeededFuture());
  }

  /** One HTTP server on the event loop of its own verticle. */
  private final class Listener extends VerticleBase {
    private final int requestedPort;
    private volatile int port;

    Listener(int requestedPort) {
      this.requestedPort = requestedPort;
    }

    @Override
    public Future<?> start() {
      GatewayState gw = state;
      gw.ownClients(context);
      gw.ledger.loopStarted(context); // its Redis connection, on this loop
      HttpServerOptions options = clientFacing(gw.limits);
      HttpServer server = vertx.createHttpServer(options)
          .connectionHandler(connections::accepted)
          .requestHandler(GatewayServer.this::handle);
      servers.add(server);
      return server.listen(requestedPort, bindHost()).onSuccess(s -> port = s.actualPort());
    }
  }

  /** The options of the servers that face clients, with {@code limits}. */
  public static HttpServerOptions clientFacing(GatewayLimits limits) {
    return new HttpServerOptions()
        .setMaxHeaderSize(limits.maxHeaderBytes())
        .setMaxInitialLineLength(8192)
        .setCompressionSupported(false)
        // Every write to a client is made on its connection's event loop. So Vert.x writes
        // straight to the channel instead of through a queue of its own that a stream's
        // chunks, written below the response (ChunkChannel), could overtake.
        .setStrictThreadMode(true)
        // Cleartext HTTP/2 detection holds a new connection until its first bytes arrive, out
        // of the connection handler's sight: a socket that sends nothing would never be timed
        // or counted. The front doors speak HTTP/1.1, as every SDK does in clear text.
        .setHttp2ClearTextEnabled(false)
        .setMaxWebSocketFrameSize(limits.maxBodyBytes())
        .setMaxWebSocketMessageSize(limits.maxBodyBytes());
  }

  private void handle(HttpServerRequest req) {
    connections.requestStarted(req);
    GatewayState gw = state; // read once: this request's configuration to its end
    String path = req.path();
    Optional<BrowserGuard.Refusal> refused = browser.check(req);
    if (refused.isPresent()) {
      refuse(gw, req, FrontDoor.ofPath(path).orElse(FrontDoor.CHAT), Optional.empty(),
          refused.get());
      return;
    }
    if (draining) {
      // Clients that still reach a draining gateway are served, but not kept waiting on it:
      // the next request opens a connection the load balancer sends elsewhere.
      req.response().putHeader("Connection", "close");
    }
    if (io.sluice.gateway.internal.dashboard.Dashboard.owns(path)) {
      gw.dashboard.handle(req);
      return;
    }
    if (isUpgrade(req)) {
      upgrade(gw, req);
      return;
    }
    if (path.equals(AdminApi.PREFIX) || path.startsWith(AdminApi.PREFIX + "/")) {
      admin.handle(req);
      return;
    }
    if (req.method() == HttpMethod.GET) {
      switch (path) {
        case "/healthz":
          req.response().putHeader("Content-Type", "application/json").end("{\"status\":\"ok\"}");
          return;
        case "/readyz":
          ready(req);
          return;
        case "/metrics":
          if (AccessControl.mayScrape(gw.config.telemetry().metricsKeySha256(), req)) {
            req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(gw.metrics.scrape());
          } else {
            req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
                .putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"message\":\"/metrics needs the metrics key"
                    + " (telemetry.metrics.key) as 'Authorization: Bearer <key>'\"}}");
          }
          return;
        case "/v1/models":
          if (authorize(gw, req, FrontDoor.CHAT).isPresent() || gw.access.open()) {
            req.response().putHeader("Content-Type", "application/json")
                .end(ModelList.json(gw.router.routes()));
          }
          return;
        default:
          break;
      }
    }
    Optional<FrontDoor> door = FrontDoor.ofPath(path);
    if (door.isEmpty() || req.method() != HttpMethod.POST) {
      ClientErrors.respond(req.response(), door.orElse(FrontDoor.CHAT),
          ClientErrors.failure(404, "no such endpoint: " + req.method() + " " + path));
      return;
    }
    Optional<AccessKey> key = Optional.empty();
    if (!gw.access.open()) {
      key = authorize(gw, req, door.get());
      if (key.isEmpty()) {
        return;
      }
    }
    readBody(gw, req, door.get(), key);
  }

  private static boolean isUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader("upgrade");
    return req.method() == HttpMethod.GET && upgrade != null
        && upgrade.equalsIgnoreCase("websocket");
  }

  /** The Responses WebSocket: the same key check as HTTP before the upgrade is accepted. */
  private void upgrade(GatewayState gw, HttpServerRequest req) {
    if (!req.path().equals(FrontDoor.RESPONSES.path)) {
      ClientErrors.respond(req.response(), FrontDoor.RESPONSES,
          ClientErrors.failure(404, "no WebSocket endpoint at " + req.path()));
      return;
    }
    Optional<AccessKey> key = Optional.empty();
    if (!gw.access.open()) {
      key = authorize(gw, req, FrontDoor.RESPONSES);
      if (key.isEmpty()) {
        return;
      }
    }
    Optional<AccessKey> accepted = key;
    io.vertx.core.http.HttpConnection connection = req.connection();
    req.toWebSocket().onSuccess(ws ->
        open.add(new WsSession(gw, ws, accepted, req.headers()))
            .start(() -> connections.released(connection)));
  }

  /** The presented key, or empty after answering 401. */
  private Optional<AccessKey> authorize(GatewayState gw, HttpServerRequest req, FrontDoor door) {
    Optional<AccessKey> key = gw.access.authenticate(req.headers());
    if (key.isEmpty() && !gw.access.open()) {
      boolean missing = AccessControl.presented(req.headers()).isEmpty();
      ClientErrors.respond(req.response(), door, ClientErrors.failure(401, missing
          ? "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key'"
          : "invalid API key"));
      logRejected(gw, door, Optional.empty(), "", 401, missing ? "missing_key" : "invalid_key");
    }
    return key;
  }

  /**
   * Reads the body: refused early (before the client sends it, when it asked with
   * {@code Expect: 100-continue}) for a wrong content type, a declared length over the limit or an
   * expectation the gateway cannot meet; cut off with 408 when the client falls silent for
   * {@code limits.body-timeout} while sending it.
   */
  private void readBody(GatewayState gw, HttpServerRequest req, FrontDoor door,
      Optional<AccessKey> key) {
    Optional<BrowserGuard.Refusal> notJson = BrowserGuard.checkContentType(req);
    if (notJson.isPresent()) {
      req.response().putHeader("Connection", "close");
      refuse(gw, req, door, key, notJson.get());
      return;
    }
    int max = gw.limits.maxBodyBytes();
    String declared = req.getHeader("content-length");
    if (declared != null && parseLong(declared) > max) {
      tooLarge(gw, req, door, max);
      return;
    }
    String expect = req.getHeader("expect");
    if (expect != null) {
      if (!expect.trim().equalsIgnoreCase("100-continue")) {
        req.response().putHeader("Connection", "close");
        refuse(gw, req, door, key, new BrowserGuard.Refusal(417, "expectation_failed",
            "only 'Expect: 100-continue' is supported"));
        return;
      }
      // Clients wait for this before sending a body (curl: a second, for bodies over 1 MB).
      req.response().writeContinue();
    }
    BodyRead read = new BodyRead();
    // Timed once this read of the connection is handled: a body that came with its head, as
    // nearly every one does, has ended by then and needs no timer.
    ((ContextInternal) gw.vertx.getOrCreateContext()).executor().execute(() -> {
      if (!read.done) {
        read.arm(gw, gw.limits.bodyTimeout().toNanos(),
            () -> bodyTimedOut(gw, req, door, key, read));
      }
    });
    req.handler(chunk -> {
      if (read.over) {
        return;
      }
      read.lastNanos = System.nanoTime();
      if (read.body.length() + chunk.length() > max) {
        read.over = true;
        read.disarm(gw);
        tooLarge(gw, req, door, max);
        return;
      }
      read.body.appendBuffer(chunk);
    });
    req.exceptionHandler(t -> read.disarm(gw));
    req.endHandler(v -> {
      read.disarm(gw);
      if (!read.over) {
        dispatch(gw, req, door, key, read.body.getBytes());
      }
    });
  }

  /**
   * A body being read, and its one silence timer: a chunk only notes when it came, and the timer,
   * when it fires early, waits out the rest. A timer cancelled and set again for every chunk cost
   * two operations on the event loop's timer queue per chunk, on every request.
   */
  private static final class BodyRead {
    final Buffer body = Buffer.buffer();
    boolean over;
    /** The body ended, failed or was refused: no timer from now on. */
    boolean done;
    long timer = -1;
    long lastNanos = System.nanoTime();

    void arm(GatewayState gw, long limitNanos, Runnable timedOut) {
      long waitNanos = Math.max(0, limitNanos - (System.nanoTime() - lastNanos));
      timer = gw.vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), id -> {
        timer = -1;
        if (over) {
          return;
        }
        if (System.nanoTime() - lastNanos < limitNanos) {
          arm(gw, limitNanos, timedOut); // a chunk came meanwhile: silence counts from it
        } else {
          timedOut.run();
        }
      });
    }

    void disarm(GatewayState gw) {
      done = true;
      if (timer >= 0) {
        gw.vertx.cancelTimer(timer);
        timer = -1;
      }
    }
  }

  private void bodyTimedOut(GatewayState gw, HttpServerRequest req, FrontDoor door,
      Optional<AccessKey> key, BodyRead read) {
    if (read.over || req.response().ended()) {
      return;
    }
    read.over = true;
    gw.metrics.clientClosed("body_timeout");
    req.response().putHeader("Connection", "close");
    refuse(gw, req, door, key, new BrowserGuard.Refusal(408, "body_timeout", "the request body did"
        + " not arrive: no byte for " + gw.limits.bodyTimeout().toMillis()
        + " ms (limits.body-timeout)"));
    // Vert.x would keep the connection until the rest of the body arrived, which it will not.
    req.connection().close();
  }

  /** A request refused before routing, in its front door's error format, logged and counted. */
  private void refuse(GatewayState gw, HttpServerRequest req, FrontDoor door,
      Optional<AccessKey> key, BrowserGuard.Refusal r) {
    Failed f = ClientErrors.failure(r.status(), r.message());
    ClientErrors.respond(req.response(), door, f);
    logRejected(gw, door, key, "", r.status(), r.errorClass());
  }

  private void tooLarge(GatewayState gw, HttpServerRequest req, FrontDoor door, int max) {
    req.response().putHeader("Connection", "close");
    ClientErrors.respond(req.response(), door, ClientErrors.failure(413,
        "request body larger than " + max + " bytes (limits.max-body-bytes)"));
    logRejected(gw, door, Optional.empty(), "", 413, "body_too_large");
  }

  private void dispatch(GatewayState gw, HttpServerRequest req, FrontDoor door,
      Optional<AccessKey> key, byte[] body) {
    RequestBody.Scan scan;
    try {
      scan = RequestBody.scan(body);
    } catch (CodecException e) {
      reject(gw, req, door, key, "", 400, e.getMessage());
      return;
    }
    Optional<Route> route = gw.router.route(scan.model());
    if (route.isEmpty()) {
      reject(gw, req, door, key, scan.model(), 404,
          "model '" + scan.model() + "' is not routed by this gateway");
      return;
    }
    if (key.isPresent() && !AccessControl.allows(key.get(), scan.model())) {
      reject(gw, req, door, key, scan.model(), 403, "key '" + key.get().id() + "' may not use model '"
          + scan.model() + "'");
      return;
    }
    if (key.isEmpty()) {
      exchange(gw, req, door, body, scan, route.get(), key, Admission.FREE, 0);
      return;
    }
    admit(gw, req, door, key.get(), body, scan, route.get());
  }

  /**
   * Asks the ledger to admit the request against its key's limits, reserving the estimated input
   * plus {@code min(max_tokens, reserve-cap)}; the answer carries the rate-limit headers, and a
   * refusal is a 429 in the client's format naming the limit (docs/limits-and-spend.md).
   */
  private void admit(GatewayState gw, HttpServerRequest req, FrontDoor door, AccessKey key, byte[] body,
      RequestBody.Scan scan, Route route) {
    long now = System.currentTimeMillis();
    long input = TokenEstimate.ofRequest(body);
    int cap = gw.config.ledger().reserveCap();
    long output = scan.maxTokens() > 0 ? Math.min(scan.maxTokens(), cap) : cap;
    Optional<Price> price = gw.prices.of(scan.model());
    BigDecimal usd = price.map(p -> Prices.reservation(input, output, p)).orElse(BigDecimal.ZERO);
    Claim claim = new Claim(key.id(), key.limits(), key.concurrency(), input + output, usd,
        price.isPresent(), now);
    // With slots shared between replicas, the first target's key is chosen now and its slot is
    // asked for in the same trip to Redis as the admission: one round trip before the upstream
    // call instead of two in a row. The key is the one the exchange's first acquire would take
    // (least loaded here, not cooling); when it is refused by the shared count the pool tries its
    // next key as it would have. A continuation is pinned to a key only known once its previous
    // response is looked up, so it takes its key after admission.
    Optional<TargetPool.Lease> early = gw.ledger.slots().shared()
        && scan.previousResponseId().isEmpty() && !route.targets().isEmpty()
        ? gw.pool(route.targets().get(0)).headStart() : Optional.empty();
    if (early.isEmpty()) {
      gw.ledger.admit(claim).onComplete(ar -> admitted(gw, req, door, key, body, scan, route,
          now, input, ar.failed() ? null : ar.result(), null, false));
      return;
    }
    TargetPool.Lease lease = early.get();
    gw.ledger.admit(claim, lease.pool().slotTake(lease)).onComplete(ar -> {
      if (ar.failed()) {
        lease.pool().abandon(lease, true); // the slot may have been taken all the same
      }
      admitted(gw, req, door, key, body, scan, route, now, input,
          ar.failed() ? null : ar.result().admission(), lease,
          ar.succeeded() && ar.result().held());
    });
  }

  /**
   * The ledger's answer ({@code a} null: it failed, fail-closed): the exchange starts, with the
   * head start {@code early} when there is one, or the client is refused and the head start
   * given back.
   */
  private void admitted(GatewayState gw, HttpServerRequest req, FrontDoor door, AccessKey key,
      byte[] body, RequestBody.Scan scan, Route route, long now, long input, Admission a,
      TargetPool.Lease early, boolean held) {
    if (a == null) {
      reject(gw, req, door, Optional.of(key), scan.model(), 503,
          "the gateway's shared state is unavailable; try again shortly");
      return;
    }
    RateLimitHeaders.set(req.response().headers(), door.format, a, now);
    if (a.admitted()) {
      if (early == null) {
        exchange(gw, req, door, body, scan, route, Optional.of(key), a, input);
      } else {
        open.add(new Exchange(gw, req, door, body, scan, route, Optional.of(key), a, input, "")
            .headStart(early, held)).start();
      }
      return;
    }
    if (early != null) {
      early.pool().abandon(early, held);
    }
    if (a.refusedBy().equals("unpriced")) {
      reject(gw, req, door, Optional.of(key), scan.model(), 403, a.message());
      return;
    }
    req.response().putHeader("retry-after", RateLimitHeaders.retryAfter(a.retryAfterMillis()));
    gw.metrics.refused(a.refusedBy());
    reject(gw, req, door, Optional.of(key), scan.model(), 429, a.message());
  }

  /**
   * Starts the exchange; a Responses continuation first asks the ledger which target and key made
   * its previous response (a lookup the ledger bounds by {@code state.timeout}; no answer routes it
   * like any request).
   */
  private void exchange(GatewayState gw, HttpServerRequest req, FrontDoor door, byte[] body,
      RequestBody.Scan scan, Route route, Optional<AccessKey> key, Admission a, long input) {
    if (scan.previousResponseId().isEmpty()) {
      open.add(new Exchange(gw, req, door, body, scan, route, key, a, input, "")).start();
      return;
    }
    gw.ledger.madeBy(scan.previousResponseId()).onComplete(ar -> open.add(new Exchange(gw, req,
        door, body, scan, route, key, a, input, ar.succeeded() ? ar.result().orElse("") : ""))
        .start());
  }

  private void reject(GatewayState gw, HttpServerRequest req, FrontDoor door,
      Optional<AccessKey> key, String model, int status, String message) {
    Failed f = ClientErrors.failure(status, message);
    if (status == 404) {
      f = new Failed(f.type(), "model_not_found", message, status, false);
    }
    ClientErrors.respond(req.response(), door, f);
    logRejected(gw, door, key, model, status, f.type());
  }

  /** A request refused before routing still gets its log line, usage entry and count. */
  private void logRejected(GatewayState gw, FrontDoor door, Optional<AccessKey> key, String model,
      int status, String errorClass) {
    gw.metrics.request(door.path, status);
    gw.usageLog.write(new UsageEntry(System.currentTimeMillis(),
        key.map(AccessKey::id).orElse(""), door.path, "", model, status, -1, 0, 0, 0, 0, 0, 0,
        "", errorClass, "", ""));
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code GET /readyz}: 503 while draining or while a readiness check fails (each asked with a
   * one-second bound), else 200. {@code /healthz} stays the liveness probe.
   */
  private void ready(HttpServerRequest req) {
    if (draining) {
      notReady(req, "draining");
      return;
    }
    List<Future<Void>> checks = new ArrayList<>();
    for (ReadinessCheck c : readinessChecks) {
      checks.add(c.check().timeout(1, java.util.concurrent.TimeUnit.SECONDS)
          .recover(t -> Future.failedFuture(c.name() + ": " + t.getMessage())));
    }
    Future.all(checks).onComplete(ar -> {
      if (draining) {
        notReady(req, "draining");
      } else if (ar.failed()) {
        notReady(req, ar.cause().getMessage());
      } else {
        req.response().putHeader("Content-Type", "application/json")
            .end("{\"status\":\"ready\"}");
      }
    });
  }

  private static void notReady(HttpServerRequest req, String reason) {
    req.response().setStatusCode(503).putHeader("Content-Type", "application/json")
        .end(new io.vertx.core.json.JsonObject().put("status", "not_ready").put("reason", reason)
            .encode());
  }

  @Override
  public void close() {
    state.close(); // the usage log, meters and tracing, which every configuration shares
  }
}
