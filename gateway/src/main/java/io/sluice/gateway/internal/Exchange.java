package io.sluice.gateway.internal;

import io.sluice.core.event.Failed;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * One client request from routing to its usage entry. It runs on the event loop that accepted the
 * request and never blocks: it takes a key lease (or waits in the target's queue), hands the call
 * to an {@link UpstreamAttempt}, moves to the next key or target on a retryable failure before the
 * first byte, and books the outcome exactly once in {@link #finish}.
 */
final class Exchange {
  enum Phase { QUEUED, WAITING, STREAMING, DONE }

  final GatewayState gw;
  final HttpServerRequest request;
  final HttpServerResponse response;
  final FrontDoor door;
  final Context context;
  final byte[] body;
  final RequestBody.Scan scan;
  final Route route;
  final Optional<AccessKey> key;
  final long startNanos = System.nanoTime();
  final long startMillis = System.currentTimeMillis();
  final Accounting accounting;

  Phase phase = Phase.WAITING;
  /** True once the response head went out: from then on, failures are in-stream events. */
  boolean committed;
  /** True once upstream body bytes reached the client: from then on, no retry. */
  boolean bodyStarted;
  HttpClientRequest upstreamRequest;
  boolean upstreamCancelled;
  String upstreamLabel = "";
  String upstreamKey = "";
  String errorClass = "";
  int status;

  private final List<TargetPool> pools;
  private int targetIndex;
  private int attempts;
  private TargetPool.Waiter waiter;
  private TargetPool waitingOn;
  private TargetPool.Lease lease;
  private long heartbeatTimer = -1;
  /** {@code limits.total-timeout}: one timer per request, from its arrival to finish(). */
  private long totalTimer = -1;
  /** The attempt under way, or the last one; its relay is the stream once one began. */
  private UpstreamAttempt attempt;
  private long coolingNanos = Long.MAX_VALUE;
  private boolean queueFull;

  Exchange(GatewayState gw, HttpServerRequest request, FrontDoor door, byte[] body,
      RequestBody.Scan scan, Route route, Optional<AccessKey> key) {
    this.gw = gw;
    this.request = request;
    this.response = request.response();
    this.door = door;
    this.context = gw.vertx.getOrCreateContext();
    this.body = body;
    this.scan = scan;
    this.route = route;
    this.key = key;
    this.pools = gw.pools(route);
    this.accounting = new Accounting(startNanos, gw.config.logContent());
  }

  void start() {
    response.closeHandler(v -> clientGone());
    if (!gw.limits.totalTimeout().isZero()) {
      totalTimer = gw.vertx.setTimer(gw.limits.totalTimeout().toMillis(), id -> totalTimeout());
    }
    if (scan.stream()) {
      gw.metrics.streamStarted();
      gw.dashboard.recorder().streamOpened(door.path, scan.model());
      heartbeatTimer = gw.vertx.setPeriodic(gw.limits.heartbeat().toMillis(), id -> heartbeat());
    }
    try {
      nextLease();
    } catch (RuntimeException e) {
      crashed(e);
    }
  }

  /** Takes a lease from the first target that has one, or queues on the first that has room. */
  private void nextLease() {
    for (; targetIndex < pools.size(); targetIndex++) {
      TargetPool pool = pools.get(targetIndex);
      TargetPool.Waiter w = new TargetPool.Waiter(context, this::granted);
      switch (pool.acquire(w)) {
        case GRANTED:
          granted(w.lease);
          return;
        case QUEUED:
          phase = Phase.QUEUED;
          waiter = w;
          waitingOn = pool;
          if (scan.stream()) {
            commitStream(null); // a waiting streaming client gets its headers at once
          }
          return;
        case COOLING:
          coolingNanos = Math.min(coolingNanos, pool.coolingNanos());
          break;
        case FULL:
        default:
          queueFull = true;
          break;
      }
    }
    long retryAfter = queueFull ? 1 : Math.max(1, (coolingNanos + 999_999_999L) / 1_000_000_000L);
    response.headers().set("Retry-After", Long.toString(retryAfter));
    fail(new Failed("rate_limit_error", "", queueFull
        ? "all upstreams for model '" + scan.model() + "' are busy and their queues are full"
        : "all upstream keys for model '" + scan.model() + "' are cooling down after a 429",
        429, true), queueFull ? "queue_full" : "keys_cooling");
  }

  private void granted(TargetPool.Lease granted) {
    if (phase == Phase.DONE) {
      granted.pool().release(granted); // the client left while the grant was on its way
      return;
    }
    waiter = null;
    waitingOn = null;
    lease = granted;
    phase = Phase.WAITING;
    attempts++;
    String url = granted.pool().target().baseUrl();
    int query = url.indexOf('?');
    // A query string may carry a credential (some proxies take ?key=); the label never shows it.
    upstreamLabel = granted.pool().target().kind().configName() + " "
        + (query < 0 ? url : url.substring(0, query));
    upstreamKey = granted.keyLabel();
    try {
      attempt = new UpstreamAttempt(this, granted);
      attempt.send();
    } catch (RuntimeException e) {
      crashed(e);
    }
  }

  /** A failure before the first body byte: retry on another key or target when allowed. */
  void attemptFailed(String errorKind, boolean retryable, long coolNanos,
      Runnable giveUp) {
    gw.metrics.upstreamError(errorKind);
    TargetPool.Lease failed = lease;
    lease = null;
    upstreamRequest = null;
    if (failed != null) {
      if (coolNanos > 0) {
        failed.pool().coolDown(failed, coolNanos);
      }
      failed.pool().release(failed);
    }
    if (phase == Phase.DONE) {
      return;
    }
    if (!retryable || bodyStarted || attempts >= gw.limits.maxAttempts()) {
      errorClass = errorKind;
      giveUp.run();
      return;
    }
    if (failed != null) {
      gw.dashboard.recorder().attemptRetried(failed.pool().target(), failed.keyLabel(), errorKind);
    }
    if (coolNanos <= 0) {
      targetIndex++; // an upstream that failed moves on; a rate-limited key lets its pool choose
    }
    if (targetIndex >= pools.size()) {
      targetIndex = 0;
      long delay = gw.retry.delay(attempts - 1, n -> Optional.empty(),
          java.time.Clock.systemUTC(), Math::random).toMillis();
      gw.vertx.setTimer(Math.max(1, delay), id -> {
        if (phase != Phase.DONE) {
          nextLease();
        }
      });
      return;
    }
    nextLease();
  }

  /** Writes the SSE response head once; a pass-through copies the upstream's headers. */
  void commitStream(MultiMap upstreamHeaders) {
    commitStream(upstreamHeaders, true);
  }

  /**
   * As {@link #commitStream(MultiMap)}; with {@code sendHead} false the head waits for the first
   * write (or an explicit {@code writeHead}), so that it leaves in the same packet as the body.
   */
  void commitStream(MultiMap upstreamHeaders, boolean sendHead) {
    if (committed) {
      return;
    }
    committed = true;
    response.setStatusCode(200);
    response.setChunked(true);
    if (upstreamHeaders != null) {
      Headers.copyResponse(upstreamHeaders, response.headers());
    }
    Headers.sseHeaders(response.headers());
    response.setWriteQueueMaxSize(gw.limits.streamBufferBytes());
    if (sendHead) {
      response.writeHead();
    }
  }

  private void heartbeat() {
    if (phase == Phase.DONE || bodyStarted) {
      stopHeartbeat();
      return;
    }
    commitStream(null);
    response.write(Buffer.buffer(": heartbeat\n\n"));
  }

  void stopHeartbeat() {
    if (heartbeatTimer >= 0) {
      gw.vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
  }

  /** Tells the client {@code failure} in its format: a JSON body, or a last event once committed. */
  void fail(Failed failure, String kind) {
    if (phase == Phase.DONE) {
      return;
    }
    errorClass = kind;
    if (committed) {
      status = 200;
      accounting.failure = failure;
      finish();
      if (!response.ended() && !response.closed()) {
        response.end(ClientErrors.terminalEvent(door.format, failure, "", scan.model()));
      }
    } else {
      status = failure.httpStatus() > 0 ? failure.httpStatus() : 502;
      finish();
      ClientErrors.respond(response, door, failure);
    }
  }

  /** A bug, not a failure of the upstream: the client gets a 500 and the log the class. */
  void crashed(RuntimeException e) {
    cancelUpstream();
    fail(new Failed("api_error", "", "internal gateway error", 500, false),
        "internal:" + e.getClass().getSimpleName());
  }

  /**
   * {@code limits.total-timeout} passed: cancel whatever is under way. A stream that began ends
   * with a terminal error in the client's format, as for the idle timeout; before that the client
   * gets a 504 (or, once a heartbeat committed the head, the same terminal event). Not retried:
   * the time is the request's, not one attempt's.
   */
  private void totalTimeout() {
    totalTimer = -1;
    if (phase == Phase.DONE) {
      return;
    }
    String message = "the request took longer than " + gw.limits.totalTimeout().toMillis()
        + " ms (limits.total-timeout)";
    if (attempt != null && attempt.relay != null) {
      attempt.relay.timeout(message);
      return;
    }
    if (waiter != null) {
      waitingOn.cancel(waiter);
    }
    if (attempt != null) {
      attempt.end(); // its first-token timer goes, and a late answer finds it over
    }
    cancelUpstream();
    fail(new Failed(Failed.TIMEOUT, "", message, 504, true), "timeout");
  }

  /** The client closed its connection: cancel whatever is under way, in every phase. */
  private void clientGone() {
    if (phase == Phase.DONE || response.ended()) {
      return;
    }
    if (waiter != null) {
      waitingOn.cancel(waiter);
    }
    cancelUpstream();
    errorClass = "client_closed";
    status = 499; // nginx's "client closed request": the client never got a full answer
    finish();
  }

  /** RST_STREAM's code for "no longer needed" (RFC 9113 §7). */
  static final long CANCEL = 0x8;

  void cancelUpstream() {
    upstreamCancelled = true;
    if (upstreamRequest != null) {
      // HTTP/1.1: closes the connection, so the upstream stops at once. HTTP/2: resets this
      // stream alone; the connection carries other streams and must stay open.
      upstreamRequest.reset(CANCEL);
    }
  }

  /** Books the request exactly once: releases the lease, records meters, writes the usage entry. */
  void finish() {
    if (phase == Phase.DONE) {
      return;
    }
    phase = Phase.DONE;
    stopHeartbeat();
    if (attempt != null) {
      // A client that left, or a limit, ended it: no timer of the attempt or its relay may keep
      // the exchange (and its buffers) reachable until it fires, up to limits.idle-timeout later.
      attempt.end();
      if (attempt.relay != null) {
        attempt.relay.stop();
      }
    }
    if (totalTimer >= 0) {
      gw.vertx.cancelTimer(totalTimer);
      totalTimer = -1;
    }
    if (lease != null) {
      lease.pool().release(lease);
      lease = null;
    }
    if (scan.stream()) {
      gw.metrics.streamEnded();
      gw.dashboard.recorder().streamClosed(door.path, scan.model());
    }
    key.ifPresent(gw.access::leave);
    long duration = (System.nanoTime() - startNanos) / 1_000_000;
    String routeName = door.path;
    gw.metrics.request(routeName, status);
    gw.metrics.duration(routeName, duration);
    gw.metrics.timeToFirstToken(routeName, accounting.firstTokenMillis());
    gw.metrics.tokens("in", accounting.usage.inputTokens());
    gw.metrics.tokens("out", accounting.usage.outputTokens());
    if (errorClass.isEmpty() && accounting.failure != null) {
      errorClass = accounting.failure.type();
    }
    if (errorClass.isEmpty() && accounting.skipped != null) {
      errorClass = accounting.skipped.type(); // named, though the stream itself ended well
    }
    var u = accounting.usage;
    gw.usageLog.write(new UsageEntry(startMillis, key.map(AccessKey::id).orElse(""), routeName,
        upstreamLabel, scan.model(), status, accounting.firstTokenMillis(), duration,
        u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(),
        u.reasoningTokens(), accounting.finishReason, errorClass, upstreamKey, accounting.text()));
  }
}
