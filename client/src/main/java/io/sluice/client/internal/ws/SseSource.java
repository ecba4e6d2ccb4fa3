package io.sluice.client.internal.ws;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.internal.Outlet;
import io.sluice.core.event.StreamEvent;
import java.util.concurrent.Flow;

/**
 * A turn's events from the HTTP SSE stream it fell back to: the client's own stream, subscribed
 * to, one event asked for at a time as the consumer has room. Its failures before the stream
 * started reach the consumer as they would from the client.
 */
final class SseSource implements Outlet.Source, Flow.Subscriber<StreamEvent> {
  private final EventStream sse;
  private final Outlet out;
  private final Object lock = new Object();
  private Flow.Subscription subscription;
  private long wanted;

  SseSource(EventStream sse, Outlet out) {
    this.sse = sse;
    this.out = out;
    sse.subscribe(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    long n;
    synchronized (lock) {
      subscription = s;
      n = wanted;
      wanted = 0;
    }
    if (n > 0) {
      s.request(n);
    }
  }

  @Override
  public void more() {
    Flow.Subscription s;
    synchronized (lock) {
      s = subscription;
      if (s == null) {
        wanted++;
        return;
      }
    }
    s.request(1);
  }

  @Override
  public void onNext(StreamEvent event) {
    out.emit(event);
    out.produced();
  }

  @Override
  public void onError(Throwable error) {
    out.fail(error instanceof ClientException ce ? ce
        : new ClientException(error.getMessage() == null ? error.toString() : error.getMessage(),
            false, error));
  }

  @Override
  public void onComplete() {
    out.produced();
  }

  @Override
  public void cancel() {
    sse.close();
  }
}
