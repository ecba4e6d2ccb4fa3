package io.sluice.client;

/**
 * Observes what happens under a client's streams: attempts and their status, retries with their
 * delay and reason, the first byte, the first event, usage, and the one terminal outcome. Set with
 * {@link SluiceClient.Builder#listener}; the {@code sluice-otel} module turns it into
 * OpenTelemetry spans and metrics.
 *
 * <p>Called on the client's threads, sometimes while the stream holds its lock: it must return
 * quickly and must not call back into the stream. A listener that throws is logged and the
 * stream goes on. Signals of one call come in order and carry the call's {@link CallSignal#call}
 * number; calls run concurrently.
 */
@FunctionalInterface
public interface CallListener {
  CallListener NONE = signal -> {};

  void on(CallSignal signal);
}
