package io.sluice.core.sse;

import io.sluice.core.SluiceException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records what a reader reports, in order, as plain values that tests compare. One made with
 * {@code bytes} takes events through {@link #onEventBytes} where the reader offers them, copying
 * the data during the call as the contract requires.
 */
final class RecordingSseListener implements SseListener {
  final List<SseEvent> events = new ArrayList<>();
  final List<String> comments = new ArrayList<>();
  final List<Long> retries = new ArrayList<>();
  final List<Object> terminals = new ArrayList<>();
  final List<SseEvent> unterminated = new ArrayList<>();
  private final boolean bytes;
  /** Events that came through {@link #onEventBytes}. */
  int byteEvents;

  RecordingSseListener() {
    this(false);
  }

  RecordingSseListener(boolean bytes) {
    this.bytes = bytes;
  }

  @Override
  public void onEvent(SseEvent event) {
    events.add(event);
  }

  @Override
  public boolean onEventBytes(
      String name, byte[] data, int offset, int length, String lastEventId) {
    if (!bytes) {
      return false;
    }
    byteEvents++;
    events.add(new SseEvent(name, new String(data, offset, length, StandardCharsets.UTF_8),
        lastEventId));
    return true;
  }

  @Override
  public void onComment(String text) {
    comments.add(text);
  }

  @Override
  public void onRetry(long millis) {
    retries.add(millis);
  }

  @Override
  public void onUnterminatedEvent(SseEvent event) {
    unterminated.add(event);
  }

  @Override
  public void onEnd(SseEnd end) {
    terminals.add(end);
  }

  @Override
  public void onFailure(SluiceException failure) {
    terminals.add(failure);
  }

  /** Everything seen, as one comparable list. */
  List<Object> transcript() {
    List<Object> all = new ArrayList<>();
    all.addAll(events);
    all.add("comments=" + comments);
    all.add("retries=" + retries);
    all.add("unterminated=" + unterminated);
    for (Object t : terminals) {
      all.add(t instanceof SluiceException ? "failure: " + ((SluiceException) t).getMessage() : t);
    }
    return all;
  }
}
