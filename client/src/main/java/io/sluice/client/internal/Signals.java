package io.sluice.client.internal;

import io.sluice.client.CallListener;
import io.sluice.client.CallSignal;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's side of the client's {@link CallListener}, and its log: retries at {@code INFO},
 * failures at {@code WARNING}, through {@link System.Logger} so that SLF4J (through its JDK
 * bridge) and java.util.logging users both see them. Messages name the host, never a key.
 */
final class Signals {
  static final System.Logger LOG = System.getLogger("io.sluice.client");
  private static final AtomicLong CALLS = new AtomicLong();

  private final CallListener listener;
  private final long call = CALLS.incrementAndGet();
  private final long startNanos = System.nanoTime();
  private final String where;
  private boolean firstByte;
  private boolean firstEvent;
  private boolean ended;

  Signals(CallListener listener, Endpoint endpoint, String model) {
    this.listener = listener;
    this.where = endpoint.uri.getHost() + endpoint.uri.getPath();
    emit(new CallSignal.Started(call, endpoint.settings.kind().id(), model, endpoint.uri));
  }

  void attemptStarted(int attempt) {
    emit(new CallSignal.AttemptStarted(call, attempt));
  }

  void attemptEnded(int attempt, int status, String errorType) {
    emit(new CallSignal.AttemptEnded(call, attempt, status, errorType));
  }

  void retry(int attempt, Duration delay, String reason, String message) {
    LOG.log(Level.INFO, () -> "sluice: retrying " + where + " in " + delay.toMillis()
        + " ms after attempt " + attempt + ": " + message);
    emit(new CallSignal.RetryScheduled(call, attempt, delay, reason));
  }

  void firstByte() {
    if (!firstByte) {
      firstByte = true;
      emit(new CallSignal.FirstByte(call, since()));
    }
  }

  void firstEvent() {
    if (!firstEvent) {
      firstEvent = true;
      emit(new CallSignal.FirstEvent(call, since()));
    }
  }

  void usage(io.sluice.core.event.Usage usage) {
    emit(new CallSignal.UsageReported(call, usage));
  }

  /** The terminal outcome, once; a failure is logged with its (already redacted) message. */
  void ended(CallSignal.Outcome outcome, String errorType, String message, String model) {
    if (ended) {
      return;
    }
    ended = true;
    if (outcome == CallSignal.Outcome.FAILED) {
      LOG.log(Level.WARNING, () -> "sluice: " + where + " failed (" + errorType + "): " + message);
    }
    emit(new CallSignal.Ended(call, outcome, errorType, since(), model));
  }

  private Duration since() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private void emit(CallSignal signal) {
    if (listener == CallListener.NONE) {
      return;
    }
    try {
      listener.on(signal);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "sluice: a CallListener threw on " + signal.getClass().getSimpleName()
          + "; the stream goes on", e);
    }
  }
}
