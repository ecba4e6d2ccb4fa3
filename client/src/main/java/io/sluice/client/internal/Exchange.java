package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.client.StreamTimeoutException;
import io.sluice.client.StreamTimeoutException.Timeout;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.sse.SseReader;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One streaming call over HTTP: its attempts and retries, its timeouts, and the decoding of its
 * body into the {@link Outlet} the consumer reads. The body itself is read by a
 * {@link BodyReader}, only as the outlet asks.
 *
 * <p>Its state is one {@link State}, changed only by {@link #move}, which also starts and stops
 * the timers that belong to each state. Threads: the HttpClient's (answers, body), the timer's
 * (timeouts, retries) and the consumer's (asking for more, cancelling). State is guarded by this
 * object's monitor; the HttpClient and the consumer's code are called outside it.
 */
final class Exchange implements Outlet.Source, BodyReader.Owner {

  /** Where the call is. Every change goes through {@link #move}. */
  enum State {
    /** An attempt is in flight, or waits to be retried: no stream yet. */
    SENDING,
    /** An event stream answered; no model event yet: the first-event timeout governs. */
    STARTED,
    /** Model events flow: the idle timeout governs. */
    STREAMING,
    /** The terminal event is queued; the rest of the body is read (bounded) for reuse. */
    DRAINING,
    /** Nothing more: the body ended or was closed, the call failed to start or was cancelled. */
    ENDED;

    boolean canMoveTo(State next) {
      switch (this) {
        case SENDING:
          return next == STARTED || next == ENDED;
        case STARTED:
          return next == STREAMING || next == DRAINING || next == ENDED;
        case STREAMING:
          return next == DRAINING || next == ENDED;
        case DRAINING:
          return next == ENDED;
        default:
          return false;
      }
    }

    /** Whether the body is being decoded into events. */
    boolean decoding() {
      return this == STARTED || this == STREAMING;
    }
  }

  private final HttpClient http;
  private final Endpoint endpoint;
  private final ClientConfig config;
  private final CallConfig call;
  private final ScheduledExecutorService timer;
  private final Delayer delayer;
  private final byte[] body;
  private final Runnable onEnd;
  private final Outlet out = new Outlet(this);
  /** The client's CallListener and log, for this call. */
  private final Signals signals;
  private int attempt;
  private String responseModel = "";

  private State state = State.SENDING;
  private CompletableFuture<?> inFlight;
  private BodyReader reader;
  private SseReader sse;
  private String requestId = "";
  private ScheduledFuture<?> firstEventTimer;
  private ScheduledFuture<?> totalTimer;
  private ScheduledFuture<?> idleCheck;
  /** The consumer asked for events before the stream answered. */
  private boolean wanted;
  /** The body is to be closed once the monitor is released. */
  private boolean cut;

  Exchange(HttpClient http, Endpoint endpoint, ClientConfig config, CallConfig call,
      ScheduledExecutorService timer, Delayer delayer, byte[] body, Runnable onEnd,
      Signals signals) {
    this.signals = signals;
    this.http = http;
    this.endpoint = endpoint;
    this.config = config;
    this.call = call;
    this.timer = timer;
    this.delayer = delayer;
    this.body = body;
    this.onEnd = onEnd;
  }

  Outlet events() {
    return out;
  }

  void start() {
    synchronized (this) {
      call.timeouts().totalLimit()
          .ifPresent(limit -> totalTimer = schedule(() -> timeout(Timeout.TOTAL, limit), limit));
    }
    send(0);
  }

  // ---- the state machine ----

  /** The one place the state changes, with the timers each state owns. Under the monitor. */
  private void move(State next) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException("an exchange cannot go from " + state + " to " + next);
    }
    state = next;
    switch (next) {
      case STREAMING:
        cancel(firstEventTimer);
        scheduleIdleCheck();
        break;
      case DRAINING:
        cancel(firstEventTimer);
        cancel(totalTimer);
        scheduleIdleCheck(); // a tail that stalls is given up
        break;
      case ENDED:
        cancel(firstEventTimer);
        cancel(totalTimer);
        cancel(idleCheck);
        onEnd.run();
        break;
      default:
        break;
    }
  }

  // ---- the consumer's side (Outlet.Source) ----

  @Override
  public void more() {
    BodyReader r;
    synchronized (this) {
      if (state == State.SENDING) {
        wanted = true; // asked before the stream answered: the first chunk is read at once
        return;
      }
      r = state.decoding() ? reader : null;
    }
    if (r != null) {
      r.request();
    }
  }

  @Override
  public void cancel() {
    BodyReader r;
    CompletableFuture<?> answer;
    synchronized (this) {
      if (state == State.ENDED) {
        return;
      }
      move(State.ENDED);
      r = reader;
      answer = inFlight;
      signals.ended(io.sluice.client.CallSignal.Outcome.CANCELLED, "cancelled", "", responseModel);
    }
    // The HttpClient is told outside the monitor so that its own locks are never taken under it.
    if (r != null) {
      r.cancel(); // closes the connection: the server sees it
    }
    if (answer != null) {
      answer.cancel(true); // aborts an exchange still waiting for its headers
    }
  }

  // ---- attempts ----

  private void send(int attempt) {
    synchronized (this) {
      if (state != State.SENDING) {
        return;
      }
      cancel(firstEventTimer);
      Duration first = call.timeouts().firstEvent();
      firstEventTimer = schedule(() -> timeout(Timeout.FIRST_EVENT, first), first);
      this.attempt = attempt + 1;
      signals.attemptStarted(attempt + 1);
    }
    CompletableFuture<HttpResponse<Answer>> future;
    try {
      HttpRequest request = endpoint.request(body, true, call.timeouts().responseHeaders(),
          call.headers());
      future = http.sendAsync(request, this::answer);
    } catch (RuntimeException e) {
      failStart(new ClientException("cannot send the request: " + Failures.describe(e), false, e));
      return;
    }
    boolean abort;
    synchronized (this) {
      inFlight = future;
      abort = state == State.ENDED;
    }
    if (abort) {
      future.cancel(true);
      return;
    }
    future.whenComplete((response, failure) -> answered(attempt, response, failure));
  }

  /** What an answer's body became: a stream being read (no error), or an error body. */
  private record Answer(BoundedBody.Bytes error) {}

  private static final Answer STREAM = new Answer(null);

  private HttpResponse.BodySubscriber<Answer> answer(HttpResponse.ResponseInfo info) {
    if (info.statusCode() / 100 == 2 && Endpoint.isEventStream(info.headers())) {
      synchronized (this) {
        if (state == State.SENDING) {
          signals.attemptEnded(attempt, info.statusCode(), "");
          move(State.STARTED);
          requestId = Endpoint.requestId(info.headers());
          StreamDecoder decoder = endpoint.codec.decoder(this::decoded);
          sse = SseReader.create(decoder, config.limits());
          reader = new BodyReader(this);
          if (wanted) {
            reader.request(); // not subscribed yet: it asks once the HttpClient subscribes it
          }
          return HttpResponse.BodySubscribers.mapping(reader, nothing -> STREAM);
        }
      }
      // Cancelled meanwhile: close the connection rather than read a stream nobody wants.
      BodyReader unwanted = new BodyReader(this);
      unwanted.cancel();
      return HttpResponse.BodySubscribers.mapping(unwanted, nothing -> STREAM);
    }
    return HttpResponse.BodySubscribers.mapping(
        new BoundedBody(config.limits().maxErrorBodyBytes()), Answer::new);
  }

  private void answered(int attempt, HttpResponse<Answer> response, Throwable failure) {
    if (failure != null) {
      retryOrFail(attempt, Failures.io(endpoint, failure, call.timeouts()),
          name -> Optional.empty());
      return;
    }
    Answer answer = response.body();
    if (answer.error() == null) {
      return; // the stream's body reader drives the rest
    }
    HttpHeaders headers = response.headers();
    retryOrFail(attempt, Failures.answer(endpoint, call.retryPolicy(), config.clock(),
        response.statusCode(), headers, answer.error().bytes(), true), Endpoint.lookup(headers));
  }

  private void retryOrFail(int attempt, ClientException failure,
      Function<String, Optional<String>> headers) {
    String type = errorType(failure);
    synchronized (this) {
      if (state != State.SENDING) {
        return;
      }
      signals.attemptEnded(attempt + 1,
          failure instanceof io.sluice.client.ApiException a ? a.status() : 0, type);
    }
    if (failure.retryable() && attempt < call.retryPolicy().maxRetries()) {
      Duration delay = call.retryPolicy().delay(attempt, headers, config.clock(), config.random());
      synchronized (this) {
        signals.retry(attempt + 1, delay, type, failure.getMessage());
      }
      delayer.after(delay, () -> send(attempt + 1));
      return;
    }
    failStart(failure);
  }

  private void failStart(ClientException failure) {
    synchronized (this) {
      if (state != State.SENDING) {
        return;
      }
      signals.ended(io.sluice.client.CallSignal.Outcome.FAILED, errorType(failure),
          failure.getMessage(), "");
      move(State.ENDED);
    }
    out.fail(failure);
  }

  /** A failure's error.type: {@code http_429} for an answer, else the exception's class. */
  private static String errorType(ClientException failure) {
    return failure instanceof io.sluice.client.ApiException a ? "http_" + a.status()
        : failure.getClass().getSimpleName();
  }

  // ---- the body (BodyReader.Owner) ----

  @Override
  public void onChunk(List<ByteBuffer> chunk) {
    boolean discard;
    boolean close;
    synchronized (this) {
      signals.firstByte();
      for (ByteBuffer buffer : chunk) {
        if (!state.decoding()) {
          break; // the terminal event came: the rest is dropped
        }
        sse.feed(buffer);
      }
      discard = state == State.DRAINING;
      close = cut;
    }
    if (close) {
      reader.cancel();
    } else if (discard) {
      reader.discardRest();
    }
    out.produced();
  }

  @Override
  public void onBodyEnd(Throwable failure) {
    synchronized (this) {
      if (state.decoding()) {
        if (failure == null) {
          sse.end(); // the decoder emits its terminal event: Done, or a truncation
        }
        if (state.decoding()) {
          signals.ended(io.sluice.client.CallSignal.Outcome.FAILED,
              failure == null ? Failed.TRUNCATED : Failed.TRANSPORT,
              failure == null ? "the stream ended early" : Failures.describe(failure),
              responseModel);
          out.emit(failure == null
              ? new Failed(Failed.TRUNCATED, "", "the stream ended early", 0, true)
              : new Failed(Failed.TRANSPORT, "",
                  "the connection failed mid-stream: " + Failures.describe(failure), 0, true));
        }
      }
      if (state != State.ENDED) {
        move(State.ENDED);
      }
    }
    out.produced();
  }

  /** The decoder's sink; called under the monitor, from the SSE reader. */
  private void decoded(StreamEvent event) {
    if (!state.decoding()) {
      return;
    }
    if (event instanceof ResponseStarted s && !requestId.isEmpty() && s.requestId().isEmpty()) {
      event = new ResponseStarted(s.id(), s.model(), s.created(), requestId);
    }
    if (event instanceof Failed f) {
      String message = endpoint.redact(f.message()); // a provider's error may repeat the key
      if (!message.equals(f.message())) {
        event = new Failed(f.type(), f.code(), message, f.httpStatus(), f.retryable());
      }
    }
    observe(event);
    out.emit(event);
    if (event instanceof Failed f && unreadable(f)) {
      // What follows a broken event is no stream we can read: draining it for reuse could wait
      // for the idle timeout on a server that keeps sending. Close the connection now.
      move(State.ENDED);
      cut = true; // outside the monitor, by whoever fed the reader
    } else if (event instanceof StreamEvent.Terminal) {
      move(State.DRAINING);
    } else if (state == State.STARTED) {
      move(State.STREAMING);
    }
  }

  /** What the listener hears of an event: the first, usage, the end. Under the monitor. */
  private void observe(StreamEvent event) {
    if (event instanceof io.sluice.core.event.BlockEvent) {
      signals.firstEvent();
    } else if (event instanceof ResponseStarted s) {
      responseModel = s.model();
    } else if (event instanceof io.sluice.core.event.Usage u) {
      signals.usage(u);
    } else if (event instanceof io.sluice.core.event.Done) {
      signals.ended(io.sluice.client.CallSignal.Outcome.DONE, "", "", responseModel);
    } else if (event instanceof Failed f) {
      signals.ended(io.sluice.client.CallSignal.Outcome.FAILED, f.type(), f.message(),
          responseModel);
    }
  }

  private static boolean unreadable(Failed failed) {
    return failed.type().equals(Failed.MALFORMED) || failed.type().equals(Failed.LIMIT);
  }

  // ---- timeouts ----

  private void timeout(Timeout which, Duration limit) {
    ClientException startFailure = null;
    CompletableFuture<?> answer = null;
    BodyReader r = null;
    synchronized (this) {
      switch (state) {
        case SENDING:
          if (which == Timeout.IDLE) {
            return;
          }
          startFailure = new StreamTimeoutException(which, limit);
          signals.ended(io.sluice.client.CallSignal.Outcome.FAILED, Failed.TIMEOUT,
              which.describe(limit), "");
          answer = inFlight;
          move(State.ENDED);
          break;
        case STARTED:
        case STREAMING:
          if (which == Timeout.FIRST_EVENT && state == State.STREAMING) {
            return;
          }
          signals.ended(io.sluice.client.CallSignal.Outcome.FAILED, Failed.TIMEOUT,
              which.describe(limit), responseModel);
          out.emit(new Failed(Failed.TIMEOUT, "", which.describe(limit), 0, true));
          r = reader;
          move(State.ENDED);
          break;
        case DRAINING:
          if (which != Timeout.IDLE) {
            return;
          }
          r = reader; // the rest after the terminal event stalled: give up reusing the connection
          move(State.ENDED);
          break;
        default:
          return;
      }
    }
    if (answer != null) {
      answer.cancel(true);
    }
    if (r != null) {
      r.cancel();
    }
    if (startFailure != null) {
      out.fail(startFailure);
    } else {
      out.produced();
    }
  }

  /** While the stream flows, checks now and then whether the body waited too long for bytes. */
  private void scheduleIdleCheck() {
    if (idleCheck == null || idleCheck.isDone()) {
      idleCheck = schedule(this::checkIdle, call.timeouts().idle());
    }
  }

  private void checkIdle() {
    Duration idle = call.timeouts().idle();
    synchronized (this) {
      if (state != State.STREAMING && state != State.DRAINING) {
        return;
      }
      long waited = reader.waitingNanos();
      if (waited < idle.toNanos()) {
        // Not waiting (a slow reader is never idle), or not long enough yet.
        long rest = waited < 0 ? idle.toNanos() : idle.toNanos() - waited;
        idleCheck = timer.schedule(this::checkIdle, rest, TimeUnit.NANOSECONDS);
        return;
      }
    }
    timeout(Timeout.IDLE, idle);
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
