package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.sluice.core.event.Failed;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.internal.accounting.Accounting;
import io.sluice.gateway.internal.ledger.Admission;
import io.sluice.gateway.internal.routing.TargetPool;
import io.sluice.gateway.internal.server.FrontDoor;
import io.sluice.gateway.internal.server.GatewayState;
import io.sluice.gateway.internal.server.RequestBody;
import io.sluice.gateway.internal.upstream.KeyMasker;
import io.sluice.gateway.internal.upstream.UpstreamAttempt;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * One client request from routing to its usage entry. It runs on the event loop that accepted the
 * request and never blocks: it takes a key lease (or waits in the target's queue), hands the call
 * to an {@link UpstreamAttempt}, moves to the next key or target on a retryable failure before the
 * first byte, and relays a 2xx answer with a {@link StreamRelay} or {@link BodyRelay}.
 *
 * <p>It owns its state: the relays and the server tell it what happened through its intent
 * methods ({@link #streamStarted}, {@link #bodyStarted}, {@link #end}, {@link #fail},
 * {@link #cancelUpstream}), and the attempt reports through {@link UpstreamAttempt.Outcome}. Every
 * ending, whatever its cause (answer relayed, upstream error, timeout, client gone, a bug), goes
 * through {@link #finish}, which books it exactly once: lease released, meters, usage entry.
 *
 * <p>Everything the client receives from an upstream (body bytes, re-encoded events, error
 * messages, copied header values) leaves through {@link #write}, {@link #writeChunk},
 * {@link #end}, {@link #fail} or {@link #passHeaders}, and so through the one {@link KeyMasker}
 * of the current attempt's key: no relay writes to the client's response by itself.
 */
public final class Exchange implements UpstreamAttempt.Outcome {
  private enum Phase { QUEUED, WAITING, STREAMING, DONE }

  final GatewayState gw;
  final HttpServerResponse response;
  final FrontDoor door;
  final Context context;
  final RequestBody.Scan scan;
  final Accounting accounting;
  private final Optional<AccessKey> key;
  /** What the ledger admitted, settled once in {@link #finish}. */
  private final Books books;
  private final UpstreamAttempt.Call call;
  private final long startNanos = System.nanoTime();

  private Phase phase = Phase.WAITING;
  /** True once the response head went out: from then on, failures are in-stream events. */
  private boolean committed;
  /** True once upstream body bytes reached the client: from then on, no retry. */
  private boolean bodyStarted;

  private final List<TargetPool> pools;
  /** The key of the first pool that made the response this one continues; -1 when none. */
  private final int pinnedKey;
  private int targetIndex;
  private int attempts;
  private TargetPool.Waiter waiter;
  private TargetPool waitingOn;
  private TargetPool.Lease lease;
  /**
   * The first target's key, taken while the request was admitted (its shared slot asked for in
   * the same trip); used by the first acquire or given back. Null when none.
   */
  private TargetPool.Lease early;
  private boolean earlyHeld;
  private long heartbeatTimer = -1;
  /** {@code limits.total-timeout}: one timer per request, from its arrival to finish(). */
  private long totalTimer = -1;
  /** The attempt under way, or the last one. */
  private UpstreamAttempt attempt;
  /** The stream relay once a 2xx stream began. */
  private StreamRelay relay;
  private long coolingNanos = Long.MAX_VALUE;
  private boolean queueFull;
  /** When the request joined a target's queue, or -1. */
  private long queuedNanos = -1;
  /** Its spans, meters and usage-log entry: recorded, never read to decide. */
  private final ExchangeRecorder recorder;
  /** The answer's bytes on their way to the client. */
  private final ClientWrites writes;
  /** The key of the attempt under way, masked in all that goes to the client. */
  private KeyMasker masker = new KeyMasker("");
  /** This request's last 429 from an upstream: what the client is told when every key cools. */
  private UpstreamAttempt.Failure rateLimited;
  /** Told once, from finish(): the server's count of requests in flight, for the drain. */
  private Runnable whenFinished = () -> { };

  public Exchange(GatewayState gw, HttpServerRequest request, FrontDoor door, byte[] body,
      RequestBody.Scan scan, Route route, Optional<AccessKey> key, Admission admission,
      long estimatedInput, String madeBy) {
    this.gw = gw;
    this.response = request.response();
    this.door = door;
    this.context = gw.vertx.getOrCreateContext();
    this.scan = scan;
    this.key = key;
    this.call = new UpstreamAttempt.Call(door, request.headers(), body, scan);
    List<TargetPool> routed = gw.pools(route);
    int[] where = Affinity.find(routed, madeBy);
    this.pools = where[0] <= 0 ? routed : Affinity.first(routed, where[0]);
    this.pinnedKey = where[1];
    this.accounting = new Accounting(startNanos,
        gw.config.logContent() || gw.tracing.captureContent());
    this.recorder = new ExchangeRecorder(gw, request, door, scan,
        key.map(AccessKey::id).orElse(""), startNanos, System.currentTimeMillis());
    this.writes = new ClientWrites(request, recorder);
    this.books = new Books(gw, scan.model(), key, admission, estimatedInput, accounting);
  }

  /**
   * Hands the exchange a key of its first target taken during admission ({@link
   * TargetPool#headStart}), whose shared slot is {@code held} or not: its first acquire uses it,
   * and any other ending gives it back.
   */
  public Exchange headStart(TargetPool.Lease lease, boolean held) {
    this.early = lease;
    this.earlyHeld = held;
    return this;
  }

  /** Runs {@code action} on the exchange's event loop once it is booked, whatever ended it. */
  public Exchange whenFinished(Runnable action) {
    this.whenFinished = action;
    return this;
  }

  /**
   * The gateway is shutting down and its drain timeout passed: ends this exchange from any
   * thread, on its own event loop. A stream under way ends with a terminal error event in the
   * client's format; a request not answered yet gets a 503 in its format (or, once a heartbeat
   * committed the head, the same terminal event). Booked once, like every ending.
   */
  public void shutDown(String message) {
    context.runOnContext(v -> {
      if (phase == Phase.DONE) {
        return;
      }
      Failed failure = new Failed("api_error", "gateway_shutting_down", message, 503, true);
      if (relay != null) {
        relay.abort(failure);
        if (phase == Phase.DONE) {
          return;
        }
      }
      if (waiter != null) {
        waitingOn.cancel(waiter);
      }
      cancelUpstream();
      if (attempt != null) {
        attempt.end();
      }
      fail(failure, "shutdown");
    });
  }

  public void start() {
    response.closeHandler(v -> clientGone());
    if (!gw.limits.totalTimeout().isZero()) {
      totalTimer = gw.vertx.setTimer(gw.limits.totalTimeout().toMillis(), id -> totalTimeout());
    }
    if (scan.stream()) {
      recorder.streamOpened();
      heartbeatTimer = gw.vertx.setPeriodic(gw.limits.heartbeat().toMillis(), id -> heartbeat());
    }
    if (response.closed()) {
      // The client left while the request was being admitted: its close came before the
      // handler above, which will not run. Booked as any client that left, its key given back.
      clientGone();
      return;
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
      TargetPool.Waiter w = new TargetPool.Waiter(context, this::granted, this::decided);
      if (targetIndex == 0 && attempts == 0) {
        w.pinnedKey = pinnedKey; // a continuation waits for the key that holds its response
      }
      TargetPool.Lease first = early;
      early = null;
      if (first != null && first.pool() != pool) {
        first.pool().abandon(first, earlyHeld); // not the target it was taken for
        first = null;
      }
      switch (first != null ? pool.acquire(w, first, earlyHeld) : pool.acquire(w)) {
        case GRANTED:
          granted(w.lease);
          return;
        case QUEUED:
          phase = Phase.QUEUED;
          queuedNanos = System.nanoTime();
          waiter = w;
          waitingOn = pool;
          if (scan.stream()) {
            commitStream(null, true); // a waiting streaming client gets its headers at once
          }
          return;
        case PENDING:
          // Replicas' shared count is asked for a slot: no head yet, since a refusal with the
          // queue full still sends the request to the next target (or answers a 429).
          phase = Phase.QUEUED;
          waiter = w;
          waitingOn = pool;
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
    if (!queueFull && rateLimited != null) {
      // The provider's own words (status, type, code, message), not the gateway's summary: a
      // rate limit and an exhausted quota call for different things from the client.
      giveUp(rateLimited, "keys_cooling");
      return;
    }
    fail(new Failed("rate_limit_error", "", queueFull
        ? "all upstreams for model '" + scan.model() + "' are busy and their queues are full"
        : "all upstream keys for model '" + scan.model() + "' are cooling down after a 429",
        429, true), queueFull ? "queue_full" : "keys_cooling");
  }

  /** A PENDING waiter was queued (it waits, as if QUEUED at once) or refused (FULL). */
  private void decided(TargetPool.Waiter w, TargetPool.Outcome outcome) {
    if (phase == Phase.DONE || waiter != w) {
      return;
    }
    if (outcome == TargetPool.Outcome.QUEUED) {
      if (scan.stream()) {
        commitStream(null, true);
      }
      return;
    }
    waiter = null;
    waitingOn = null;
    phase = Phase.WAITING;
    queueFull = true;
    targetIndex++;
    try {
      nextLease();
    } catch (RuntimeException e) {
      crashed(e);
    }
  }

  private void granted(TargetPool.Lease granted) {
    if (phase == Phase.DONE) {
      granted.pool().release(granted); // the client left while the grant was on its way
      return;
    }
    if (queuedNanos >= 0) {
      gw.metrics.queueWait(granted.pool().label(), System.nanoTime() - queuedNanos);
      queuedNanos = -1;
    }
    waiter = null;
    waitingOn = null;
    lease = granted;
    phase = Phase.WAITING;
    attempts++;
    masker = new KeyMasker(granted.apiKey());
    try {
      attempt = new UpstreamAttempt(gw, call, granted, this, recorder.attemptStarted(granted));
      attempt.send();
    } catch (RuntimeException e) {
      crashed(e);
    }
  }

  /** A 2xx answer: relayed as a stream, or read whole as a body. */
  @Override
  public void answered(UpstreamAttempt from, HttpClientResponse head) {
    if (from != attempt || phase == Phase.DONE) {
      return;
    }
    recorder.attemptAnswered();
    if (scan.stream()) {
      new StreamRelay(this, from, head).start();
    } else {
      new BodyRelay(this, from, head).start();
    }
  }

  /** A failure before the first body byte: retry on another key or target when allowed. */
  @Override
  public void failed(UpstreamAttempt from, UpstreamAttempt.Failure failure) {
    recorder.attemptFailed(from, failure);
    TargetPool.Lease failed = lease;
    lease = null;
    if (failure.coolNanos() > 0) {
      rateLimited = failure;
    }
    if (failed != null) {
      if (failure.coolNanos() > 0) {
        failed.pool().coolDown(failed, failure.coolNanos());
        gw.metrics.coolDown(failed.pool().label());
      }
      failed.pool().release(failed);
    }
    if (phase == Phase.DONE) {
      return;
    }
    if (!failure.retryable() || bodyStarted || attempts >= gw.limits.maxAttempts()) {
      giveUp(failure, failure.kind());
      return;
    }
    gw.metrics.retry(failure.kind());
    if (failed != null) {
      gw.dashboard.recorder().attemptRetried(failed.pool().target(), failed.keyLabel(),
          failure.kind());
    }
    if (failure.coolNanos() <= 0) {
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

  /**
   * No retry: the client is told. A client of the upstream's format gets the upstream's own JSON
   * error as it came, with its status and Retry-After, unless its response is already committed.
   */
  private void giveUp(UpstreamAttempt.Failure failure, String errorClass) {
    if (failure.passOn().isPresent() && !committed) {
      UpstreamAttempt.ErrorBody error = failure.passOn().get();
      response.setStatusCode(error.status());
      response.headers().set("Content-Type", "application/json");
      if (!response.headers().contains("Retry-After")) { // the gateway's own cool-down wins
        error.retryAfter().ifPresent(v -> response.headers().set("Retry-After", v));
      }
      end(error.status(), errorClass, Buffer.buffer(error.json()));
      return;
    }
    fail(failure.told(), errorClass);
  }

  @Override
  public void streamTimedOut(String message) {
    if (relay != null) {
      relay.timeout(message);
    }
  }

  /**
   * The upstream's stream began: the exchange is streaming, and its SSE head is ready (a
   * pass-through copies the upstream's headers). The head leaves with the first body bytes, or
   * with an explicit {@code writeHead}, so that it goes in the same packet as the body.
   */
  void streamStarted(StreamRelay started, MultiMap upstreamHeaders) {
    relay = started;
    phase = Phase.STREAMING;
    commitStream(upstreamHeaders, false);
  }

  /**
   * Whether a stream whose first model event is {@code failure} may go to another attempt
   * instead: nothing of it reached the client, the error is worth a retry, and attempts are left.
   */
  boolean mayFailOver(Failed failure) {
    return phase == Phase.STREAMING && !bodyStarted && failure.retryable()
        && attempts < gw.limits.maxAttempts();
  }

  /**
   * The stream of {@code from} began with an error before any of its bytes reached the client
   * ({@link #mayFailOver}): it is cancelled and handled as a failed attempt. A head not yet
   * written is taken back, so that the next answer's head, or the error, replaces it.
   */
  void failOver(StreamRelay stopped, UpstreamAttempt from, Failed failure) {
    if (relay != stopped) {
      return;
    }
    relay = null;
    phase = Phase.WAITING;
    if (!response.headWritten()) {
      committed = false;
      response.headers().clear();
    }
    from.cancel();
    from.end();
    failed(from, new UpstreamAttempt.Failure("stream_error", true, 0, failure, Optional.empty()));
  }

  /** Upstream body bytes reach the client: no retry from now on, and no more heartbeats. */
  void bodyStarted() {
    bodyStarted = true;
    stopHeartbeat();
  }

  /** Bytes of the upstream's answer read, for the meters. */
  void readFromUpstream(int bytes) {
    recorder.readFromUpstream(bytes);
  }

  /** True once the exchange ended, whatever ended it. */
  boolean done() {
    return phase == Phase.DONE;
  }

  /**
   * The exchange ended with {@code status} (its answer complete, or the upstream's own error
   * passed on): it is booked, then the response ends with {@code last}, if the client is still
   * there. Nothing once the exchange already ended.
   */
  void end(int status, String errorClass, Buffer last) {
    if (phase == Phase.DONE) {
      return;
    }
    // Booked before the end goes out: a client's next request sees it, on any replica.
    afterRelease(finish(status, errorClass), () -> bodyStarted |= writes.end(last, masker));
  }

  /**
   * A streamed answer is complete: as {@link #end}, with what the stream's last read produced
   * ({@code last}, null when nothing; released here, whatever happens; {@link ClientWrites#end}).
   */
  void endStream(String errorClass, ByteBuf last) {
    if (phase == Phase.DONE) {
      ReferenceCountUtil.release(last);
      return;
    }
    afterRelease(finish(200, errorClass), () -> bodyStarted |= writes.end(last, masker));
  }

  /**
   * Runs {@code action} once the key's lease is given back: at once in one process; with slots
   * shared through Redis, once Redis took the slot back (within {@code state.timeout}), so that a
   * client that sends its next request to another replica the moment this one ends finds the key
   * free there, as it would in one process.
   */
  private void afterRelease(io.vertx.core.Future<Void> released, Runnable action) {
    released.onComplete(v -> { // complete already, on this loop or none: called back at once
      if (io.vertx.core.Vertx.currentContext() == context) {
        action.run();
      } else {
        context.runOnContext(x -> action.run());
      }
    });
  }

  /** Part of the answer for the client, through the current key's masker ({@link ClientWrites}). */
  io.vertx.core.Future<Void> write(Buffer out) {
    return writes.write(out, masker);
  }

  /** The same, as a chunk below the response; false when it must go through {@link #write}. */
  boolean writeChunk(ByteBuf out) {
    return writes.chunk(out, masker, true);
  }

  /**
   * Copies an upstream's response headers to the client's response, values masked: all but the
   * hop-by-hop ones and the content type on a pass-through, the request ids alone on a
   * translation. Straight into the response's headers, so that the gateway's own rate-limit
   * headers, set there at admission, are seen and kept (see {@link Headers#copyResponse}).
   */
  void passHeaders(MultiMap upstreamHeaders, boolean all) {
    if (all) {
      Headers.copyResponse(upstreamHeaders, response.headers(), masker::mask);
    } else {
      Headers.copyRequestIds(upstreamHeaders, response.headers(), masker::mask);
    }
  }

  /** Writes the SSE response head once; a pass-through copies the upstream's headers. */
  private void commitStream(MultiMap upstreamHeaders, boolean sendHead) {
    if (committed) {
      return;
    }
    committed = true;
    response.setStatusCode(200);
    response.setChunked(true);
    if (upstreamHeaders != null) {
      passHeaders(upstreamHeaders, true);
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
    commitStream(null, true);
    response.write(Buffer.buffer(": heartbeat\n\n"));
  }

  private void stopHeartbeat() {
    if (heartbeatTimer >= 0) {
      gw.vertx.cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
  }

  /**
   * The exchange ended with {@code failure}, told to the client in its format: a JSON body, or a
   * last event once the response is committed.
   */
  void fail(Failed failure, String errorClass) {
    if (phase == Phase.DONE) {
      return;
    }
    String message = masker.mask(failure.message());
    if (!message.equals(failure.message())) {
      failure = new Failed(failure.type(), failure.code(), message, failure.httpStatus(),
          failure.retryable());
    }
    Failed told = failure;
    if (committed) {
      accounting.failure = failure;
      afterRelease(finish(200, errorClass), () -> {
        if (!response.ended() && !response.closed()) {
          byte[] held = masker.flush(); // a partial key held back was not the key
          Buffer last = ClientErrors.terminalEvent(door.format, told, "", scan.model());
          response.end(held.length == 0 ? last : Buffer.buffer(held).appendBuffer(last));
        }
      });
    } else {
      afterRelease(finish(failure.httpStatus() > 0 ? failure.httpStatus() : 502, errorClass),
          () -> ClientErrors.respond(response, door, told));
    }
  }

  /**
   * A Responses upstream named the response it is making: a later request that continues it
   * ({@code previous_response_id}) is sent to the same target and key, from any replica.
   */
  void responseMade(String responseId) {
    if (lease != null && !responseId.isEmpty() && attempt != null
        && attempt.codec().format() == io.sluice.core.codec.WireFormat.OPENAI_RESPONSES) {
      gw.ledger.remember(responseId, lease.pool().coolId(lease.keyIndex()));
    }
  }

  /** A bug, not a failure of the upstream: the client gets a 500 and the log the class. */
  @Override
  public void crashed(RuntimeException e) {
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
    if (relay != null) {
      relay.timeout(message);
      return;
    }
    if (waiter != null) {
      waitingOn.cancel(waiter);
    }
    cancelUpstream();
    if (attempt != null) {
      attempt.end(); // its first-token timer goes, and a late answer finds it over
    }
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
    finish(499, "client_closed"); // nginx's "client closed request": no full answer came
  }

  /** Stops the upstream call under way, if any: the gateway, not the upstream, ended it. */
  void cancelUpstream() {
    if (attempt != null) {
      attempt.cancel();
    }
  }

  /**
   * The one place where an exchange ends: books it exactly once (lease released, timers gone,
   * meters, usage entry). Every ending comes here, whatever its cause. Completes when the lease
   * is given back (see {@link #afterRelease}).
   */
  private io.vertx.core.Future<Void> finish(int status, String errorClass) {
    if (phase == Phase.DONE) {
      return io.vertx.core.Future.succeededFuture();
    }
    phase = Phase.DONE;
    stopHeartbeat();
    if (attempt != null) {
      // A client that left, or a limit, ended it: no timer of the attempt or its relay may keep
      // the exchange (and its buffers) reachable until it fires, up to limits.idle-timeout later.
      attempt.end();
    }
    if (relay != null) {
      relay.stop();
    }
    if (totalTimer >= 0) {
      gw.vertx.cancelTimer(totalTimer);
      totalTimer = -1;
    }
    io.vertx.core.Future<Void> released = io.vertx.core.Future.succeededFuture();
    if (early != null) {
      early.pool().abandon(early, earlyHeld); // ended before its first acquire
      early = null;
    }
    if (lease != null) {
      released = lease.pool().release(lease);
      lease = null;
    }
    if (scan.stream()) {
      recorder.streamClosed();
    }
    Books.Booking booking = books.settle(attempt != null, bodyStarted);
    if (errorClass.isEmpty() && accounting.failure != null) {
      errorClass = accounting.failure.type();
    }
    if (errorClass.isEmpty() && accounting.skipped != null) {
      errorClass = accounting.skipped.type(); // named, though the stream itself ended well
    }
    recorder.finished(status, errorClass, System.nanoTime(), accounting, attempt, call.body(),
        booking); // after the books, whose estimate replaces a usage the upstream did not send
    if (released.isComplete()) {
      whenFinished.run();
    } else {
      released.onComplete(v -> whenFinished.run()); // the drain waits for the answer's end too
    }
    return released;
  }

  /**
   * A hard-mode key: the stream may not use more than its reservation (tokens, and USD under a
   * budget). Called by the relay after each event; true once the stream was cut.
   */
  boolean overAllowance() {
    if (phase == Phase.DONE || relay == null) {
      return false;
    }
    String what = books.overrun();
    if (what.isEmpty()) {
      return false;
    }
    gw.metrics.refused(what + "_cut");
    relay.cut(new Failed("rate_limit_error", "", "key '" + key.get().id() + "' reached its "
        + what + " limit mid-stream (hard mode): the stream was ended", 429, false));
    return true;
  }
}
