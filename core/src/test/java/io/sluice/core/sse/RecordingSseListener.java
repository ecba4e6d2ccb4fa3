package io.sluice.core.sse;

import io.sluice.core.SluiceException;
import java.util.ArrayList;
import java.util.List;

/** Records what a reader reports, in order, as plain values that tests compare. */
final class RecordingSseListener implements SseListener {
  final List<SseEvent> events = new ArrayList<>();
  final List<String> comments = new ArrayList<>();
  final List<Long> retries = new ArrayList<>();
  final List<Object> terminals = new ArrayList<>();

  @Override
  public void onEvent(SseEvent event) {
    events.add(event);
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
    for (Object t : terminals) {
      all.add(t instanceof SluiceException ? "failure: " + ((SluiceException) t).getMessage() : t);
    }
    return all;
  }
}
