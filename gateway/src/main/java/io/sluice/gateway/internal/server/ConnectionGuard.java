package io.sluice.gateway.internal.server;

import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every client connection, from accept to close: counted overall and per client address (beyond
 * {@code limits.max-connections} or {@code limits.max-connections-per-client} it is closed at
 * once, before it costs more than its socket), and closed when it sits with no request in flight:
 * no whole request head within {@code limits.request-head-timeout} of opening, or none within
 * {@code limits.keep-alive-timeout} of its last response. A connection with a request in flight is
 * never idle here: the request's own timeouts bound it (body, first token, upstream idle), and a
 * quiet stream is kept open by the heartbeat. One guard for all the event loops' servers; the
 * counts are shared, each connection's state is touched only on its own event loop.
 */
final class ConnectionGuard {
  private final Vertx vertx;
  private final GatewayLimits limits;
  private final GatewayMetrics metrics;
  private final AtomicInteger open = new AtomicInteger();
  private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Conn> conns = new ConcurrentHashMap<>();

  /**
   * One connection's requests in flight and its idle timer (-1 when none is set). The timer is
   * lazy: a request that starts or ends moves {@link #idleUntil} and leaves the timer alone, and
   * the timer, when it fires, closes the connection only if it is idle and past that time, else
   * sets itself for what is left. A kept-alive connection then costs a timer every
   * {@code keep-alive-timeout} or so instead of a timer set and cancelled for each request.
   */
  private static final class Conn {
    final String address;
    int inFlight;
    long timer = -1;
    /** When the timer set fires ({@link System#nanoTime}). */
    long timerDue;
    /** When the connection is closed if it is still idle ({@link System#nanoTime}). */
    long idleUntil;
    /** Why it would be closed then: the metrics' reason. */
    String reason;
    boolean served;
    boolean open = true;

    Conn(String address) {
      this.address = address;
    }
  }

  ConnectionGuard(Vertx vertx, GatewayLimits limits, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.limits = limits;
    this.metrics = metrics;
  }

  /** A new connection: admitted and timed, or closed. */
  void accepted(HttpConnection c) {
    String address = c.remoteAddress() == null || c.remoteAddress().hostAddress() == null
        ? "" : c.remoteAddress().hostAddress();
    int total = open.incrementAndGet();
    AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
    int fromAddress = mine.incrementAndGet();
    Conn conn = new Conn(address);
    conns.put(c, conn);
    c.closeHandler(v -> released(c));
    if (total > limits.maxConnections()) {
      metrics.clientClosed("max_connections");
      c.close();
    } else if (fromAddress > limits.maxConnectionsPerClient()) {
      metrics.clientClosed("max_connections_per_client");
      c.close();
    } else {
      idleFor(c, conn, limits.requestHeadTimeout().toNanos(), "request_head_timeout");
    }
  }

  /** A request head arrived: the connection is busy until its response ends. */
  void requestStarted(HttpServerRequest req) {
    HttpConnection c = req.connection();
    Conn conn = conns.get(c);
    if (conn == null) {
      return; // closed meanwhile
    }
    conn.inFlight++; // the timer, if it fires meanwhile, finds the connection busy
    // HTTP/1.1 only (no h2c): a response closed without ending closes its connection, which
    // released() handles.
    req.response().endHandler(v -> requestEnded(c, conn));
  }

  private void requestEnded(HttpConnection c, Conn conn) {
    conn.served = true;
    if (--conn.inFlight == 0 && conn.open) {
      idleFor(c, conn, limits.keepAliveTimeout().toNanos(), "keep_alive_timeout");
    }
  }

  /** The connection is idle from now: closed after {@code nanos} unless a request comes. */
  private void idleFor(HttpConnection c, Conn conn, long nanos, String reason) {
    conn.idleUntil = System.nanoTime() + nanos;
    conn.reason = reason;
    if (conn.timer < 0 || conn.timerDue - conn.idleUntil > 0) {
      arm(c, conn); // none set, or set for later than the connection may stay idle
    }
  }

  private void arm(HttpConnection c, Conn conn) {
    cancel(conn);
    long left = conn.idleUntil - System.nanoTime();
    conn.timerDue = conn.idleUntil;
    long millis = Math.max(1, (left + 999_999) / 1_000_000); // never early: rounded up
    conn.timer = vertx.setTimer(millis, id -> {
      conn.timer = -1;
      if (conn.inFlight > 0 || !conn.open) {
        return; // busy: the end of its last request sets the timer again
      }
      if (conn.idleUntil - System.nanoTime() > 0) {
        arm(c, conn); // a request came and went since: idle for less long than that
        return;
      }
      // A request head never completed is worth counting; a kept-alive connection the client
      // left open is ordinary.
      metrics.clientClosed(conn.served ? conn.reason : "request_head_timeout");
      c.close();
    });
  }

  private void cancel(Conn conn) {
    if (conn.timer >= 0) {
      vertx.cancelTimer(conn.timer);
      conn.timer = -1;
    }
  }

  /**
   * The connection closed; also called by the WebSocket upgrade, after which Vert.x no longer
   * tells the HTTP connection's close handler. Once per connection, whichever comes first.
   */
  void released(HttpConnection c) {
    Conn conn = conns.remove(c);
    if (conn == null) {
      return;
    }
    conn.open = false;
    cancel(conn);
    open.decrementAndGet();
    AtomicInteger mine = perAddress.get(conn.address);
    if (mine != null && mine.decrementAndGet() == 0) {
      perAddress.remove(conn.address, mine);
    }
  }

  /** Open client connections, for tests and the metrics. */
  int open() {
    return open.get();
  }
}
