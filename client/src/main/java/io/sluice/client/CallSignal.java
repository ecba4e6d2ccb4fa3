package io.sluice.client;

import io.sluice.core.event.Usage;
import java.net.URI;
import java.time.Duration;

/**
 * What a {@link CallListener} is told, in this order for one call: {@link Started}, then for each
 * attempt {@link AttemptStarted} and {@link AttemptEnded} (with a {@link RetryScheduled} between
 * attempts), {@link FirstByte}, {@link FirstEvent}, {@link UsageReported} when the provider
 * counted, and exactly one {@link Ended} last. Times are since {@link Started}.
 */
public sealed interface CallSignal {
  /** The call's number, unique within its client. */
  long call();

  /** How a call ended. */
  enum Outcome {
    /** The stream ended with {@code Done}. */
    DONE,
    /** It failed: before its stream started, or with a {@code Failed} event. */
    FAILED,
    /** The caller closed it first. */
    CANCELLED
  }

  /**
   * A call begins.
   *
   * @param provider the provider kind's id ({@code openai-chat}, {@code anthropic}, ...)
   * @param model the requested model
   * @param server the endpoint called; never carries the key
   */
  record Started(long call, String provider, String model, URI server) implements CallSignal {}

  /** Attempt {@code attempt} (from 1) is sent. */
  record AttemptStarted(long call, int attempt) implements CallSignal {}

  /**
   * Attempt {@code attempt} has its answer: {@code status} (0 when no answer came, a transport
   * failure) and, when it failed, its {@code errorType}; empty when a stream began.
   */
  record AttemptEnded(long call, int attempt, int status, String errorType)
      implements CallSignal {}

  /** Another attempt follows after {@code delay}, because of {@code reason} (an error type). */
  record RetryScheduled(long call, int attempt, Duration delay, String reason)
      implements CallSignal {}

  /** The stream's first body bytes came. */
  record FirstByte(long call, Duration after) implements CallSignal {}

  /** The first model event (text, reasoning, a tool call) came. */
  record FirstEvent(long call, Duration after) implements CallSignal {}

  /** The provider's token counts. */
  record UsageReported(long call, Usage usage) implements CallSignal {}

  /**
   * The call is over.
   *
   * @param errorType empty when {@code DONE}; a {@code Failed} type, an exception's class or
   *     {@code cancelled} otherwise
   * @param responseModel the model the provider said it used, or empty
   */
  record Ended(long call, Outcome outcome, String errorType, Duration after, String responseModel)
      implements CallSignal {}
}
