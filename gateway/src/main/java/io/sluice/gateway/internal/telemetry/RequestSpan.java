package io.sluice.gateway.internal.telemetry;

import java.util.function.BiConsumer;

/**
 * One request's SERVER span, and the CLIENT spans of its upstream attempts under it. With tracing
 * off every method is empty ({@link #NONE}): the hot path pays one virtual call.
 */
public interface RequestSpan {
  RequestSpan NONE = new RequestSpan() {
    @Override
    public AttemptSpan attempt(String provider, String target, String model, String url) {
      return AttemptSpan.NONE;
    }

    @Override
    public void end(Finished f, String finishReason, String input, String output) {}
  };

  /** A CLIENT span for one attempt, a child of this span; retries are its siblings. */
  AttemptSpan attempt(String provider, String target, String model, String url);

  /**
   * Ends the span with what the request's end knows. {@code input} and {@code output} are the
   * content, recorded only when {@code telemetry.traces.capture-content} is on (empty otherwise).
   */
  void end(Finished f, String finishReason, String input, String output);

  /** One upstream attempt's CLIENT span. */
  interface AttemptSpan {
    AttemptSpan NONE = new AttemptSpan() {
      @Override
      public void inject(BiConsumer<String, String> headers) {}

      @Override
      public void firstToken() {}

      @Override
      public void end(int status, String errorType) {}
    };

    /** Sets {@code traceparent} and {@code tracestate} for the upstream: this span is its parent. */
    void inject(BiConsumer<String, String> headers);

    /** The first token came: an event on this span and on the request's. Once only. */
    void firstToken();

    /** Ends the span; {@code status} 0 when no answer came, {@code errorType} empty on success. */
    void end(int status, String errorType);
  }
}
