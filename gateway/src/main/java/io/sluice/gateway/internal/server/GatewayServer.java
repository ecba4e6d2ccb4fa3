package io.sluice.gateway.internal.server;

import io.sluice.core.codec.CodecException;
import io.sluice.core.event.Failed;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.Price;
import io.sluice.gateway.internal.accounting.Prices;
import io.sluice.gateway.internal.accounting.TokenEstimate;
import io.sluice.gateway.internal.accounting.UsageEntry;
import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.ledger.Claim;
import java.math.BigDecimal;
import io.sluice.gateway.internal.exchange.ClientErrors;
import io.sluice.gateway.internal.exchange.Exchange;
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
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The front doors. Each request runs on the event loop that accepted its connection: access check,
 * a body read bounded by {@code limits.max-body-bytes}, a scan of the body for the model, the
 * route, then an {@link Exchange}. Nothing here blocks. There is one server per event loop, all
 * sharing one port; Vert.x spreads the connections over them.
 */
public final class GatewayServer implements AutoCloseable {
  private final GatewayState gw;
  private final AdminApi admin;

  public GatewayServer(Vertx vertx, GatewayConfig config, Consumer<String> requestLog) {
    this.gw = new GatewayState(vertx, config, requestLog);
    this.admin = new AdminApi(gw);
  }

  /** The address to bind: loopback when no access keys are configured, unless told otherwise. */
  public String bindHost() {
    if (!gw.config.host().isEmpty()) {
      return gw.config.host();
    }
    return gw.access.open() ? "127.0.0.1" : "0.0.0.0";
  }

  public boolean open() {
    return gw.access.open();
  }

  /**
   * Listens with one server per event loop ({@code instances} of them), all on one port, which
   * Vert.x shares among them.
   */
  public Future<Integer> listen(int instances) {
    java.util.List<Listener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    return gw.vertx.deployVerticle(() -> {
      // Port 0 would give each server its own port; a negative port is Vert.x's way to ask for one
      // random port shared by every server that asks with the same value.
      Listener l = new Listener(gw.config.port() == 0 ? -1 : gw.config.port());
      listeners.add(l);
      return l;
    }, new DeploymentOptions().setInstances(instances)).compose(id -> {
      int port = listeners.get(0).port;
      for (Listener l : listeners) {
        if (l.port != port) {
          return Future.failedFuture("event loops listen on different ports");
        }
      }
      gw.selfPort = port;
      return Future.succeededFuture(port);
    });
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
      gw.ownClients(context);
      HttpServerOptions options = new HttpServerOptions()
          .setMaxHeaderSize(gw.limits.maxHeaderBytes())
          .setMaxInitialLineLength(8192)
          .setCompressionSupported(false)
          .setMaxWebSocketFrameSize(gw.limits.maxBodyBytes())
          .setMaxWebSocketMessageSize(gw.limits.maxBodyBytes());
      HttpServer server = vertx.createHttpServer(options).requestHandler(GatewayServer.this::handle);
      return server.listen(requestedPort, bindHost()).onSuccess(s -> port = s.actualPort());
    }
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (io.sluice.gateway.internal.dashboard.Dashboard.owns(path)) {
      gw.dashboard.handle(req);
      return;
    }
    if (isUpgrade(req)) {
      upgrade(req);
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
        case "/metrics":
          req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
              .end(gw.metrics.scrape());
          return;
        case "/v1/models":
          if (authorize(req, FrontDoor.CHAT).isPresent() || gw.access.open()) {
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
      key = authorize(req, door.get());
      if (key.isEmpty()) {
        return;
      }
    }
    readBody(req, door.get(), key);
  }

  private static boolean isUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader("upgrade");
    return req.method() == HttpMethod.GET && upgrade != null
        && upgrade.equalsIgnoreCase("websocket");
  }

  /** The Responses WebSocket: the same key check as HTTP before the upgrade is accepted. */
  private void upgrade(HttpServerRequest req) {
    if (!req.path().equals(FrontDoor.RESPONSES.path)) {
      ClientErrors.respond(req.response(), FrontDoor.RESPONSES,
          ClientErrors.failure(404, "no WebSocket endpoint at " + req.path()));
      return;
    }
    Optional<AccessKey> key = Optional.empty();
    if (!gw.access.open()) {
      key = authorize(req, FrontDoor.RESPONSES);
      if (key.isEmpty()) {
        return;
      }
    }
    Optional<AccessKey> accepted = key;
    req.toWebSocket().onSuccess(ws -> new WsSession(gw, ws, accepted, req.headers()).start());
  }

  /** The presented key, or empty after answering 401. */
  private Optional<AccessKey> authorize(HttpServerRequest req, FrontDoor door) {
    Optional<AccessKey> key = gw.access.authenticate(req.headers());
    if (key.isEmpty() && !gw.access.open()) {
      boolean missing = AccessControl.presented(req.headers()).isEmpty();
      ClientErrors.respond(req.response(), door, ClientErrors.failure(401, missing
          ? "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key'"
          : "invalid API key"));
      logRejected(door, Optional.empty(), "", 401, missing ? "missing_key" : "invalid_key");
    }
    return key;
  }

  private void readBody(HttpServerRequest req, FrontDoor door, Optional<AccessKey> key) {
    int max = gw.limits.maxBodyBytes();
    String declared = req.getHeader("content-length");
    if (declared != null && parseLong(declared) > max) {
      tooLarge(req, door, max);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] over = {false};
    req.handler(chunk -> {
      if (over[0]) {
        return;
      }
      if (body.length() + chunk.length() > max) {
        over[0] = true;
        tooLarge(req, door, max);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> {
      if (!over[0]) {
        dispatch(req, door, key, body.getBytes());
      }
    });
  }

  private void tooLarge(HttpServerRequest req, FrontDoor door, int max) {
    req.response().putHeader("Connection", "close");
    ClientErrors.respond(req.response(), door, ClientErrors.failure(413,
        "request body larger than " + max + " bytes (limits.max-body-bytes)"));
    logRejected(door, Optional.empty(), "", 413, "body_too_large");
  }

  private void dispatch(HttpServerRequest req, FrontDoor door, Optional<AccessKey> key,
      byte[] body) {
    RequestBody.Scan scan;
    try {
      scan = RequestBody.scan(body);
    } catch (CodecException e) {
      reject(req, door, key, "", 400, e.getMessage());
      return;
    }
    Optional<Route> route = gw.router.route(scan.model());
    if (route.isEmpty()) {
      reject(req, door, key, scan.model(), 404,
          "model '" + scan.model() + "' is not routed by this gateway");
      return;
    }
    if (key.isPresent() && !AccessControl.allows(key.get(), scan.model())) {
      reject(req, door, key, scan.model(), 403, "key '" + key.get().id() + "' may not use model '"
          + scan.model() + "'");
      return;
    }
    if (key.isEmpty()) {
      new Exchange(gw, req, door, body, scan, route.get(), key, Admission.FREE, 0).start();
      return;
    }
    admit(req, door, key.get(), body, scan, route.get());
  }

  /**
   * Asks the ledger to admit the request against its key's limits, reserving the estimated input
   * plus {@code min(max_tokens, reserve-cap)}; the answer carries the rate-limit headers, and a
   * refusal is a 429 in the client's format naming the limit (docs/limits-and-spend.md).
   */
  private void admit(HttpServerRequest req, FrontDoor door, AccessKey key, byte[] body,
      RequestBody.Scan scan, Route route) {
    long now = System.currentTimeMillis();
    long input = TokenEstimate.ofRequest(body);
    int cap = gw.config.ledger().reserveCap();
    long output = scan.maxTokens() > 0 ? Math.min(scan.maxTokens(), cap) : cap;
    Optional<Price> price = gw.prices.of(scan.model());
    BigDecimal usd = price.map(p -> Prices.reservation(input, output, p)).orElse(BigDecimal.ZERO);
    Claim claim = new Claim(key.id(), key.limits(), key.concurrency(), input + output, usd,
        price.isPresent(), now);
    gw.ledger.admit(claim).onComplete(ar -> {
      if (ar.failed()) {
        reject(req, door, Optional.of(key), scan.model(), 503,
            "the gateway's shared state is unavailable; try again shortly");
        return;
      }
      Admission a = ar.result();
      RateLimitHeaders.set(req.response().headers(), door.format, a, now);
      if (a.admitted()) {
        new Exchange(gw, req, door, body, scan, route, Optional.of(key), a, input).start();
        return;
      }
      if (a.refusedBy().equals("unpriced")) {
        reject(req, door, Optional.of(key), scan.model(), 403, a.message());
        return;
      }
      req.response().putHeader("retry-after", RateLimitHeaders.retryAfter(a.retryAfterMillis()));
      gw.metrics.refused(a.refusedBy());
      reject(req, door, Optional.of(key), scan.model(), 429, a.message());
    });
  }

  private void reject(HttpServerRequest req, FrontDoor door, Optional<AccessKey> key, String model,
      int status, String message) {
    Failed f = ClientErrors.failure(status, message);
    if (status == 404) {
      f = new Failed(f.type(), "model_not_found", message, status, false);
    }
    ClientErrors.respond(req.response(), door, f);
    logRejected(door, key, model, status, f.type());
  }

  /** A request refused before routing still gets its log line, usage entry and count. */
  private void logRejected(FrontDoor door, Optional<AccessKey> key, String model, int status,
      String errorClass) {
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

  @Override
  public void close() {
    gw.close();
  }
}
