package io.sluice.gateway.internal.exchange;

import io.sluice.core.LimitExceededException;
import io.sluice.core.SluiceException;
import io.sluice.core.sse.SseEnd;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.gateway.GatewayLimits;
import java.util.function.Consumer;

/**
 * Reads an upstream event stream within {@code limits.max-event-bytes}. The library's reader names
 * its own setting when an event is larger; an operator of the gateway can only change
 * {@code sluice.yaml}, so the failure is told again naming that setting. Everything else passes
 * through unchanged, the bytes fast path included.
 */
public final class EventLimit implements SseListener {
  /** The gateway's setting for the size of one upstream event. */
  public static final String SETTING = "limits.max-event-bytes";
  private final SseListener listener;
  private final Consumer<SluiceException> failed;

  private EventLimit(SseListener listener, Consumer<SluiceException> failed) {
    this.listener = listener;
    this.failed = failed;
  }

  /**
   * A reader feeding {@code listener}, bounded by the gateway's {@code limits.max-event-bytes}.
   * A failure of the reader goes to {@code listener} (a decoder turns it into its terminal
   * event), then to {@code failed}, which must end the stream: a failed reader reads nothing more,
   * and is never to be taken for a finished one.
   */
  public static SseReader reader(SseListener listener, GatewayLimits limits,
      Consumer<SluiceException> failed) {
    return SseReader.create(new EventLimit(listener, failed), limits.streamLimits());
  }

  @Override
  public void onEvent(SseEvent event) {
    listener.onEvent(event);
  }

  @Override
  public boolean onEventBytes(String name, byte[] data, int offset, int length,
      String lastEventId) {
    return listener.onEventBytes(name, data, offset, length, lastEventId);
  }

  @Override
  public void onComment(String text) {
    listener.onComment(text);
  }

  @Override
  public void onRetry(long millis) {
    listener.onRetry(millis);
  }

  @Override
  public void onUnterminatedEvent(SseEvent event) {
    listener.onUnterminatedEvent(event);
  }

  @Override
  public void onEnd(SseEnd end) {
    listener.onEnd(end);
  }

  @Override
  public void onFailure(SluiceException failure) {
    if (failure instanceof LimitExceededException
        && !((LimitExceededException) failure).setting().equals(SETTING)) {
      LimitExceededException e = (LimitExceededException) failure;
      failure = new LimitExceededException("SSE event", e.size(), e.limit(), SETTING);
    }
    listener.onFailure(failure);
    failed.accept(failure);
  }
}
