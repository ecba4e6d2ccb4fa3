package io.sluice.client.internal.ws;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.StreamTimeoutException;
import io.sluice.client.internal.Failures;
import io.sluice.client.internal.Outlet;
import io.sluice.client.ws.Transport;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.sse.SseEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One turn over a session's WebSocket: connect (or reuse), warm up once, send
 * {@code response.create}, decode the answer with the Responses decoder, and hand the events to a
 * {@link Outlet}. In {@link Transport#AUTO} a failure before the first event moves the turn to
 * HTTP SSE ({@link SseSource}) and resets the session.
 *
 * <p>Threads: the caller's (start, cancel), the socket's (messages, close) and the timer's. Turn
 * state is guarded by this object's monitor; decoding runs on the socket's thread, one message at
 * a time, outside the monitor.
 */
final class WsTurn implements Outlet.Source, WsConnection.Reader {
  private static final System.Logger LOG = System.getLogger("io.sluice.client.ws");

  private final SessionRegistry registry;
  private final Session session;
  private final ChatRequest request;
  private final Transport transport;
  private final Outlet out = new Outlet();

  private WsConnection connection;
  private StreamDecoder decoder;
  private boolean sent;
  private boolean delivered;
  private ResponseStarted heldStart;
  private boolean incremental;
  private boolean resentFull;
  private boolean renewed;
  private boolean sawCreated;
  private String responseId = "";
  private StreamEvent.Terminal terminal;
  private boolean finished;
  private long lastActivity;
  private ScheduledFuture<?> timer;
  /** The warm-up in flight, and its connection: a turn closed during it drops that connection. */
  private WarmUp warming;
  private WsConnection warmingOn;

  WsTurn(SessionRegistry registry, Session session, ChatRequest request, Transport transport) {
    this.registry = registry;
    this.session = session;
    this.request = request;
    this.transport = transport;
  }

  EventStream events() {
    return out;
  }

  void start() {
    out.source(this);
    registry.connection(session, request)
        .thenCompose(this::warmUp)
        .thenCompose(this::afterQuiet)
        .whenComplete((conn, error) -> {
          if (error != null) {
            startFailed(error);
          } else {
            send(conn, false);
          }
        });
  }

  // --- Warm-up ---

  private CompletableFuture<WsConnection> warmUp(WsConnection conn) {
    if (registry.config().warmUpTimeout().isEmpty() || !session.firstWarmUp() || finished()) {
      return CompletableFuture.completedFuture(conn);
    }
    Duration limit = registry.config().warmUpTimeout().get();
    WarmUp warm = new WarmUp(conn);
    synchronized (this) {
      warming = warm;
      warmingOn = conn;
    }
    conn.readBy(warm);
    try {
      conn.send(CreateMessage.write(WarmUp.request(request), false));
    } catch (RuntimeException e) {
      warm.result.completeExceptionally(e);
    }
    conn.pull();
    return warm.result.orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS).handle((id, error) -> {
      synchronized (this) {
        warming = null;
        warmingOn = null;
        if (finished) {
          // Closed during the warm-up: cancel() dropped its connection. Opening another here
          // would replace the one the session's next turn may already be using.
          return CompletableFuture.completedFuture(conn);
        }
      }
      if (error == null) {
        session.continuation(Continuation.warmedUp(id, request));
        return CompletableFuture.completedFuture(conn);
      }
      Throwable cause = Failures.unwrap(error);
      LOG.log(System.Logger.Level.WARNING, "session {0}: warm-up failed, the turn goes on "
          + "without it: {1}", session.id, cause instanceof java.util.concurrent.TimeoutException
              ? "no answer within " + limit : Failures.describe(cause));
      if (cause instanceof java.util.concurrent.TimeoutException || !conn.open()) {
        // The warm-up may still be in flight: a fresh connection keeps turns from overlapping.
        conn.readBy(null);
        session.drop(conn);
        return registry.connection(session, request);
      }
      return CompletableFuture.completedFuture(conn);
    }).thenCompose(f -> f);
  }

  /** Waits (up to the first-event timeout) for the tail of a response that ended on an error. */
  private CompletableFuture<WsConnection> afterQuiet(WsConnection conn) {
    CompletableFuture<Void> quiet = conn.quiet();
    if (quiet.isDone() || finished()) {
      return CompletableFuture.completedFuture(conn);
    }
    conn.pull();
    Duration limit = registry.config().timeouts().firstEvent();
    return quiet.orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS).handle((v, e) -> {
      if (e == null && conn.open()) {
        return CompletableFuture.completedFuture(conn);
      }
      session.drop(conn);
      return registry.connection(session, request);
    }).thenCompose(f -> f);
  }

  // --- Sending ---

  /** Sends the turn on {@code conn}: incremental when the session can, else (or if told) full. */
  private void send(WsConnection conn, boolean full) {
    ChatRequest wire = request;
    boolean inc = false;
    if (!full) {
      var next = session.continuation().incremental(request);
      if (next.isPresent()) {
        wire = next.get();
        inc = true;
      }
    }
    String json;
    try {
      json = CreateMessage.write(wire, true);
    } catch (ClientException e) {
      synchronized (this) {
        finished = true;
      }
      conn.idle();
      session.endTurn(this);
      out.fail(e);
      return;
    }
    synchronized (this) {
      if (finished) {
        conn.idle(); // cancelled while connecting: the connection stays for the next turn
        return;
      }
      connection = conn;
      incremental = inc;
      decoder = WireCodec.openAiResponses().decoder(this::decoded);
      heldStart = null;
      sawCreated = false;
      responseId = "";
      lastActivity = System.nanoTime();
    }
    conn.readBy(this);
    conn.send(json).whenComplete((ws, error) -> {
      if (error != null) {
        startFailed(error);
        return;
      }
      boolean first;
      synchronized (this) {
        first = !sent;
        sent = true;
      }
      if (first) {
        scheduleTimer(registry.config().timeouts().firstEvent());
      }
      conn.pull();
    });
  }

  @Override
  public void more() {
    WsConnection conn;
    synchronized (this) {
      conn = connection;
      lastActivity = System.nanoTime();
    }
    if (conn != null) {
      conn.pull();
    }
  }

  // --- Receiving ---

  @Override
  public void onMessage(String json) {
    WsConnection conn;
    boolean nothingShown;
    synchronized (this) {
      if (finished) {
        return;
      }
      lastActivity = System.nanoTime();
      conn = connection;
      nothingShown = !delivered;
    }
    FrameInfo info = FrameInfo.read(json);
    if (nothingShown && retried(conn, info)) {
      return;
    }
    String type = info.type();
    if (type.equals("response.created")) {
      sawCreated = true;
    }
    if (type.equals("response.done")) {
      // The Codex backend's terminal: the same response object as response.completed.
      type = "response.completed";
      json = FrameInfo.retyped(json, type);
    }
    decoder.onEvent(SseEvent.of(type, json));
    if (decoder.finished()) {
      ended(conn, info.type().equals("error") && sawCreated);
    }
    out.produced();
  }

  /** Handles the errors that call for sending the turn again; true when it did. */
  private boolean retried(WsConnection conn, FrameInfo info) {
    boolean error = info.type().equals("error") || info.type().equals("response.failed");
    if (!error) {
      return false;
    }
    if (info.errorCode().equals("previous_response_not_found")) {
      synchronized (this) {
        if (!incremental || resentFull) {
          return false;
        }
        resentFull = true;
      }
      // The server lost the state (store:false on a new connection, …): once, the full context.
      session.continuation(Continuation.NONE);
      if (info.type().equals("error") && sawCreated) {
        conn.readBy(null);
        conn.expectLateTerminal();
        afterQuiet(conn).whenComplete((c, e) -> {
          if (e != null) {
            startFailed(e);
          } else {
            send(c, true);
          }
        });
      } else {
        send(conn, true);
      }
      return true;
    }
    if (info.errorCode().equals("websocket_connection_limit_reached")) {
      synchronized (this) {
        if (renewed) {
          return false;
        }
        renewed = true;
      }
      // The connection reached the server's 60-minute limit: a new one, with the full context.
      conn.readBy(null);
      session.drop(conn);
      session.continuation(Continuation.NONE);
      registry.connection(session, request).whenComplete((c, e) -> {
        if (e != null) {
          startFailed(e);
        } else {
          send(c, true);
        }
      });
      return true;
    }
    return false;
  }

  /** The decoder's events: the first response id is noted, and an incremental turn's start held. */
  private void decoded(StreamEvent event) {
    ResponseStarted release = null;
    synchronized (this) {
      if (event instanceof ResponseStarted started) {
        responseId = started.id();
        if (incremental && !resentFull) {
          // Held until the next event: a previous_response_not_found may still replace the attempt.
          heldStart = started;
          return;
        }
      } else if (heldStart != null) {
        release = heldStart;
        heldStart = null;
      }
      if (event instanceof StreamEvent.Terminal t) {
        terminal = t;
      }
      delivered = true;
    }
    if (release != null) {
      out.emit(release);
    }
    out.emit(event);
  }

  private void ended(WsConnection conn, boolean tailExpected) {
    StreamEvent.Terminal outcome;
    String id;
    synchronized (this) {
      finished = true;
      outcome = terminal;
      id = responseId;
      cancelTimer();
    }
    session.continuation(outcome instanceof Done ? Continuation.answered(id, request)
        : Continuation.NONE);
    if (tailExpected) {
      conn.expectLateTerminal(); // an error event; response.failed may follow it
    }
    conn.idle();
    session.endTurn(this);
    out.produced();
  }

  @Override
  public void onClosed(int code, String reason) {
    Ending ending;
    ResponseStarted start = null;
    synchronized (this) {
      ending = failing();
      if (ending != Ending.ALREADY) {
        start = heldStart;
        heldStart = null;
      }
    }
    if (ending == Ending.ALREADY) {
      return;
    }
    String why = "the WebSocket closed with code " + code
        + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")");
    if (ending == Ending.FALL_BACK) {
      fallBack(why + " before the first event");
      return;
    }
    registry.broken(session, connection());
    if (start != null) {
      out.emit(start);
    }
    out.emit(new Failed(Failed.TRANSPORT, "", why + " in the middle of the turn", 0,
        CloseCodes.reconnectable(code)));
    out.produced();
  }

  private synchronized WsConnection connection() {
    return connection;
  }

  // --- Failures, fallback, cancel ---

  private void startFailed(Throwable error) {
    ClientException failure = registry.failure(error);
    Ending ending = failing();
    if (ending == Ending.ALREADY) {
      return;
    }
    if (ending == Ending.FALL_BACK) {
      fallBack(failure.getMessage());
      return;
    }
    registry.broken(session, connection());
    out.fail(failure);
  }

  /** How a turn that fails before its end goes on. */
  private enum Ending {
    /** It had already ended: the failure comes too late to matter. */
    ALREADY,
    /** Auto and nothing delivered yet: the turn is sent again over HTTP SSE. */
    FALL_BACK,
    /** It ends here, failed. */
    FAIL
  }

  /** Decides how a failing turn goes on, and ends it when it cannot fall back. */
  private synchronized Ending failing() {
    if (finished) {
      return Ending.ALREADY;
    }
    if (transport == Transport.AUTO && !delivered) {
      return Ending.FALL_BACK;
    }
    finished = true;
    cancelTimer();
    return Ending.FAIL;
  }

  /** Auto: the turn goes over HTTP SSE with the full request; the session starts over. */
  private void fallBack(String why) {
    WsConnection conn;
    synchronized (this) {
      finished = true;
      cancelTimer();
      conn = connection;
    }
    LOG.log(System.Logger.Level.INFO, "session {0}: WebSocket unavailable, this turn goes over "
        + "HTTP SSE: {1}", session.id, why);
    registry.broken(session, conn);
    EventStream sse;
    try {
      sse = registry.http().stream(request);
    } catch (RuntimeException e) {
      out.fail(registry.failure(e));
      return;
    }
    out.source(new SseSource(sse, out));
  }

  /** The consumer closed the stream: the turn ends as cancelled, the session stays usable. */
  @Override
  public void cancel() {
    WsConnection conn;
    boolean wasSent;
    WarmUp warm;
    WsConnection warmOn;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      terminal = new Failed(Failed.CANCELLED, "", "the turn was cancelled", 0, false);
      cancelTimer();
      conn = connection;
      wasSent = sent;
      warm = warming;
      warmOn = warmingOn;
    }
    if (warm != null) {
      // The warm-up is still being answered on its connection: the next turn must not send
      // there (one response at a time), so the connection goes, as after a turn that was sent.
      warmOn.readBy(null);
      session.drop(warmOn);
      warm.result.completeExceptionally(new java.util.concurrent.CancellationException(
          "the turn was cancelled during its warm-up"));
    } else if (conn != null && wasSent) {
      // The server would go on answering: a new connection keeps turns from interleaving.
      conn.readBy(null);
      session.drop(conn);
    } else if (conn != null) {
      conn.idle();
    }
    session.endTurn(this);
  }

  /** The session was released under the turn: it ends as cancelled. */
  void abandon(String why) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      cancelTimer();
    }
    out.emit(new Failed(Failed.CANCELLED, "", why, 0, false));
    out.produced();
  }

  private synchronized boolean finished() {
    return finished;
  }

  // --- Timeouts ---

  private void scheduleTimer(Duration after) {
    synchronized (this) {
      if (finished) {
        return;
      }
      timer = registry.timer().schedule(this::checkTimeout, after.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Fires the first-event or idle timeout only while the turn waits for the server. */
  private void checkTimeout() {
    Duration limit;
    long silent;
    synchronized (this) {
      if (finished) {
        return;
      }
      limit = delivered ? registry.config().timeouts().idle()
          : registry.config().timeouts().firstEvent();
      silent = System.nanoTime() - lastActivity;
      if (!out.awaitingProducer() || silent < limit.toNanos()) {
        long next = out.awaitingProducer() ? limit.toNanos() - silent : limit.toNanos();
        timer = registry.timer().schedule(this::checkTimeout, Math.max(next, 1_000_000),
            TimeUnit.NANOSECONDS);
        return;
      }
    }
    StreamTimeoutException.Timeout which = delivered ? StreamTimeoutException.Timeout.IDLE
        : StreamTimeoutException.Timeout.FIRST_EVENT;
    onTimeout(which.describe(limit));
  }

  /** A timeout is not a broken socket: over SSE the model would be as slow, so no fallback. */
  private void onTimeout(String message) {
    ResponseStarted start;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      start = heldStart;
      heldStart = null;
    }
    registry.broken(session, connection());
    if (start != null) {
      out.emit(start);
    }
    out.emit(new Failed(Failed.TIMEOUT, "", message, 0, true));
    out.produced();
  }
}
