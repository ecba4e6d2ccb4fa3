package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.client.ClientTimeouts;
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
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One streaming call: its attempts, its body read and its delivery, as one state machine.
 *
 * <p>Concurrency: the HttpClient's threads deliver the answer and the body, the timer thread fires
 * timeouts and retries, and the consumer's threads ask for events or cancel. Every state change and
 * every delivery happens under this object's monitor, so delivery is serial and nothing is
 * delivered after {@link #cancel()} returns. A body chunk is requested only when the decoded events
 * of the last one are all delivered and the consumer wants more: the read follows demand, and
 * {@code pending} holds at most one chunk's events.
 */
final class Exchange implements Flow.Subscription {
  /** Bytes after the terminal event read (and dropped) so the connection can be reused. */
  private static final int DISCARD_LIMIT = 64 * 1024;

  private final HttpClient http;
  private final Endpoint endpoint;
  private final ClientConfig config;
  private final ScheduledExecutorService timer;
  private final Delayer delayer;
  private final byte[] body;
  private final Runnable onEnd;

  private Sink sink;
  private boolean claimed;
  private long demand;
  private final ArrayDeque<StreamEvent> pending = new ArrayDeque<>();
  private ClientException startFailure;
  private boolean started;
  private boolean anyEvent;
  private boolean terminalQueued;
  private boolean finished;
  private boolean cancelled;
  private CompletableFuture<?> inFlight;
  private Flow.Subscription bodySubscription;
  private boolean bodyEnded;
  private boolean chunkRequested;
  private long waitingSince;
  private long discarded;
  private String requestId = "";
  private SseReader reader;
  private ScheduledFuture<?> firstEventTimer;
  private ScheduledFuture<?> totalTimer;
  private ScheduledFuture<?> idleCheck;
  private boolean draining;
  private boolean missed;

  Exchange(HttpClient http, Endpoint endpoint, ClientConfig config,
      ScheduledExecutorService timer, Delayer delayer, byte[] body, Runnable onEnd) {
    this.http = http;
    this.endpoint = endpoint;
    this.config = config;
    this.timer = timer;
    this.delayer = delayer;
    this.body = body;
    this.onEnd = onEnd;
  }

  void start() {
    synchronized (this) {
      Optional<Duration> total = config.timeouts().totalLimit();
      total.ifPresent(limit -> totalTimer = schedule(() -> timeout(Timeout.TOTAL, limit), limit));
    }
    send(0);
  }

  /** Attaches the one consumer; a second throws. */
  void attach(Sink consumer) {
    attach(consumer, () -> {});
  }

  /**
   * Attaches the one consumer, runs {@code ready} (a subscriber's {@code onSubscribe}) before
   * anything is delivered to it, then delivers what is due.
   */
  void attach(Sink consumer, Runnable ready) {
    synchronized (this) {
      if (claimed) {
        throw new IllegalStateException("an EventStream can be consumed once");
      }
      claimed = true;
    }
    ready.run();
    boolean alreadyCancelled;
    synchronized (this) {
      sink = consumer;
      alreadyCancelled = cancelled;
    }
    if (alreadyCancelled) {
      consumer.onCancel();
      return;
    }
    drain();
  }

  @Override
  public void request(long n) {
    synchronized (this) {
      if (n <= 0 || cancelled) {
        return;
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  @Override
  public void cancel() {
    Sink notify;
    Flow.Subscription bodyToCancel = null;
    CompletableFuture<?> answerToCancel;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      finished = true;
      pending.clear();
      if (!bodyEnded) {
        bodyEnded = true;
        chunkRequested = false;
        bodyToCancel = bodySubscription;
      }
      answerToCancel = inFlight;
      cancelTimers();
      cancelTimer(idleCheck);
      notify = sink;
    }
    // The flags above stop every delivery; the HttpClient is told outside the monitor so that its
    // own locks are never taken while this one is held.
    if (bodyToCancel != null) {
      bodyToCancel.cancel(); // closes the connection: the server sees it
    }
    if (answerToCancel != null) {
      answerToCancel.cancel(true); // aborts an exchange still waiting for its headers
    }
    if (notify != null) {
      notify.onCancel();
    }
    onEnd.run();
  }

  /** Closing after the terminal event lets the rest of the body drain for connection reuse. */
  void close() {
    synchronized (this) {
      if (finished && !cancelled && startFailure == null) {
        return;
      }
    }
    cancel();
  }

  // ---- attempts ----

  private void send(int attempt) {
    synchronized (this) {
      if (cancelled || startFailure != null) {
        return;
      }
      cancelTimer(firstEventTimer);
      Duration first = config.timeouts().firstEvent();
      firstEventTimer = schedule(() -> timeout(Timeout.FIRST_EVENT, first), first);
    }
    CompletableFuture<HttpResponse<Answer>> future;
    try {
      HttpRequest request = endpoint.request(body, true, config.timeouts().responseHeaders());
      future = http.sendAsync(request, this::answer);
    } catch (RuntimeException e) {
      fail(new ClientException("cannot send the request: " + Failures.describe(e), false, e));
      return;
    }
    synchronized (this) {
      inFlight = future;
      if (cancelled) {
        future.cancel(true);
        return;
      }
    }
    future.whenComplete((response, failure) -> answered(attempt, response, failure));
  }

  /** What the body of an answer became: a stream being read, or an error body. */
  private static final class Answer {
    final BoundedBody.Bytes error;

    Answer(BoundedBody.Bytes error) {
      this.error = error;
    }
  }

  private HttpResponse.BodySubscriber<Answer> answer(HttpResponse.ResponseInfo info) {
    if (info.statusCode() / 100 == 2 && Endpoint.isEventStream(info.headers())) {
      synchronized (this) {
        if (!cancelled && startFailure == null) {
          started = true;
          requestId = Endpoint.requestId(info.headers());
          StreamDecoder decoder = endpoint.codec.decoder(this::decoded);
          reader = SseReader.create(decoder, config.limits());
          return new StreamBody();
        }
      }
      return HttpResponse.BodySubscribers.replacing(new Answer(null));
    }
    return HttpResponse.BodySubscribers.mapping(new BoundedBody(Failures.ERROR_BODY_LIMIT),
        Answer::new);
  }

  private void answered(int attempt, HttpResponse<Answer> response, Throwable failure) {
    synchronized (this) {
      if (cancelled || startFailure != null) {
        drain();
        return;
      }
    }
    if (failure != null) {
      retryOrFail(attempt, Failures.io(endpoint, failure, config.timeouts()), name -> Optional.empty());
      return;
    }
    Answer answer = response.body();
    if (answer.error == null) {
      return; // the stream's body subscriber drives the rest
    }
    HttpHeaders headers = response.headers();
    retryOrFail(attempt, Failures.answer(endpoint, config.retryPolicy(), config.clock(),
        response.statusCode(), headers, answer.error.bytes(), true), Endpoint.lookup(headers));
  }

  private void retryOrFail(int attempt, ClientException failure,
      Function<String, Optional<String>> headers) {
    boolean stop;
    synchronized (this) {
      stop = cancelled || startFailure != null;
    }
    if (stop) {
      return;
    }
    if (failure.retryable() && attempt < config.retryPolicy().maxRetries()) {
      Duration delay = config.retryPolicy().delay(attempt, headers, config.clock(), config.random());
      delayer.after(delay, () -> send(attempt + 1));
      return;
    }
    fail(failure);
  }

  private void fail(ClientException failure) {
    synchronized (this) {
      if (cancelled || startFailure != null || started) {
        return;
      }
      startFailure = failure;
      cancelTimers();
    }
    drain();
  }

  // ---- the body ----

  /** Feeds the body to the SSE reader, one requested chunk at a time. */
  private final class StreamBody implements HttpResponse.BodySubscriber<Answer> {
    @Override
    public CompletionStage<Answer> getBody() {
      // The answer is complete once the headers are in; the body flows on through this subscriber.
      return CompletableFuture.completedFuture(new Answer(null));
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      synchronized (Exchange.this) {
        if (bodySubscription != null || bodyEnded || cancelled) {
          subscription.cancel();
          return;
        }
        bodySubscription = subscription;
      }
      drain();
    }

    @Override
    public void onNext(List<ByteBuffer> chunk) {
      synchronized (Exchange.this) {
        chunkRequested = false;
        if (bodyEnded) {
          return;
        }
        for (ByteBuffer buffer : chunk) {
          if (terminalQueued) {
            discarded += buffer.remaining();
          } else {
            reader.feed(buffer);
          }
        }
      }
      drain();
    }

    @Override
    public void onError(Throwable failure) {
      synchronized (Exchange.this) {
        if (bodyEnded) {
          return;
        }
        bodyEnded = true;
        chunkRequested = false;
        cancelTimer(idleCheck);
        if (!terminalQueued) {
          queueTerminal(new Failed(Failed.TRANSPORT, "",
              "the connection failed mid-stream: " + Failures.describe(failure), 0, true));
        }
      }
      drain();
    }

    @Override
    public void onComplete() {
      synchronized (Exchange.this) {
        if (bodyEnded) {
          return;
        }
        bodyEnded = true;
        chunkRequested = false;
        cancelTimer(idleCheck);
        if (!terminalQueued) {
          reader.end(); // the decoder emits its terminal event: Done, or a truncation
        }
        if (!terminalQueued) {
          queueTerminal(new Failed(Failed.TRUNCATED, "", "the stream ended early", 0, true));
        }
      }
      drain();
    }
  }

  /** The decoder's sink; called under the monitor, from the reader. */
  private void decoded(StreamEvent event) {
    if (terminalQueued || cancelled) {
      return;
    }
    if (event instanceof ResponseStarted && !requestId.isEmpty()) {
      ResponseStarted s = (ResponseStarted) event;
      if (s.requestId().isEmpty()) {
        event = new ResponseStarted(s.id(), s.model(), s.created(), requestId);
      }
    }
    if (event instanceof Failed) {
      Failed f = (Failed) event;
      String message = endpoint.redact(f.message()); // a provider's error may repeat the key
      if (!message.equals(f.message())) {
        event = new Failed(f.type(), f.code(), message, f.httpStatus(), f.retryable());
      }
    }
    if (!anyEvent) {
      anyEvent = true;
      cancelTimer(firstEventTimer);
    }
    if (event instanceof StreamEvent.Terminal) {
      queueTerminal((StreamEvent.Terminal) event);
      if (event instanceof Failed && unreadable((Failed) event)) {
        // What follows a broken event is no stream we can read: draining it for reuse could wait
        // for the idle timeout on a server that keeps sending. Close the connection now.
        cancelBody();
      }
    } else {
      pending.add(event);
    }
  }

  private static boolean unreadable(Failed failed) {
    return failed.type().equals(Failed.MALFORMED) || failed.type().equals(Failed.LIMIT);
  }

  private void queueTerminal(StreamEvent.Terminal terminal) {
    terminalQueued = true;
    pending.add(terminal);
    cancelTimers();
  }

  // ---- timeouts ----

  private void timeout(Timeout which, Duration limit) {
    synchronized (this) {
      if (cancelled) {
        return;
      }
      if (terminalQueued) {
        if (which == Timeout.IDLE) {
          cancelBody(); // the rest after the terminal event stalled: give up reusing the connection
        }
        return;
      }
      if (which == Timeout.FIRST_EVENT && anyEvent) {
        return;
      }
      if (!started) {
        if (startFailure == null) {
          startFailure = new StreamTimeoutException(which, limit);
          cancelTimers();
          if (inFlight != null) {
            inFlight.cancel(true);
          }
        }
      } else {
        cancelBody();
        queueTerminal(new Failed(Failed.TIMEOUT, "", which.describe(limit), 0, true));
      }
    }
    drain();
  }

  private synchronized void checkIdle() {
    idleCheck = null;
    if (cancelled || bodyEnded || !chunkRequested) {
      return;
    }
    Duration idle = config.timeouts().idle();
    long waited = System.nanoTime() - waitingSince;
    long rest = idle.toNanos() - waited;
    if (rest <= 0) {
      timeout(Timeout.IDLE, idle);
    } else {
      idleCheck = timer.schedule(this::checkIdle, rest, TimeUnit.NANOSECONDS);
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    return timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelTimers() {
    cancelTimer(firstEventTimer);
    cancelTimer(totalTimer);
  }

  private static void cancelTimer(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }

  private void cancelBody() {
    if (!bodyEnded) {
      bodyEnded = true;
      chunkRequested = false;
      cancelTimer(idleCheck);
      if (bodySubscription != null) {
        bodySubscription.cancel(); // closes the connection
      }
    }
  }

  // ---- delivery ----

  private void drain() {
    boolean ended = false;
    synchronized (this) {
      if (draining) {
        missed = true;
        return;
      }
      draining = true;
      try {
        do {
          missed = false;
          ended |= deliver();
          pump();
        } while (missed);
      } finally {
        draining = false;
      }
    }
    if (ended) {
      onEnd.run();
    }
  }

  /** Delivers what the consumer asked for; true when the call just ended. */
  private boolean deliver() {
    if (sink == null || finished) {
      return false;
    }
    if (startFailure != null) {
      finished = true;
      cancelTimers();
      sink.onError(startFailure);
      return true;
    }
    while (demand > 0 && !pending.isEmpty()) {
      StreamEvent event = pending.poll();
      demand--;
      sink.onEvent(event);
      if (cancelled) {
        return false;
      }
      if (event instanceof StreamEvent.Terminal) {
        finished = true;
        pending.clear();
        sink.onComplete();
        return true;
      }
    }
    return false;
  }

  /** Asks the body for one more chunk when the consumer wants events and none are pending. */
  private void pump() {
    if (bodySubscription == null || bodyEnded || chunkRequested || cancelled) {
      return;
    }
    if (terminalQueued) {
      if (discarded > DISCARD_LIMIT) {
        cancelBody();
        return;
      }
    } else if (demand == 0 || !pending.isEmpty()) {
      return;
    }
    chunkRequested = true;
    waitingSince = System.nanoTime();
    if (idleCheck == null) {
      idleCheck = schedule(this::checkIdle, config.timeouts().idle());
    }
    bodySubscription.request(1);
  }
}
