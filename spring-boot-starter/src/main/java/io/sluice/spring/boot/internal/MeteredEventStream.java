package io.sluice.spring.boot.internal;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.StreamListener;
import io.sluice.core.event.StreamEvent;
import java.util.Iterator;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/** Passes every event of a stream, whichever way it is consumed, past its {@link CallMeter}. */
final class MeteredEventStream implements EventStream {

  private final EventStream delegate;
  private final CallMeter meter;

  MeteredEventStream(EventStream delegate, CallMeter meter) {
    this.delegate = delegate;
    this.meter = meter;
  }

  @Override
  public Iterator<StreamEvent> iterator() {
    Iterator<StreamEvent> it = delegate.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return it.hasNext();
        } catch (ClientException e) {
          meter.error(e);
          throw e;
        }
      }

      @Override
      public StreamEvent next() {
        StreamEvent event = it.next();
        meter.event(event);
        return event;
      }
    };
  }

  @Override
  public Stream<StreamEvent> stream() {
    return delegate.stream().peek(meter::event);
  }

  @Override
  public void listen(StreamListener listener) {
    delegate.listen(new StreamListener() {
      @Override
      public void onEvent(StreamEvent event) {
        meter.event(event);
        listener.onEvent(event);
      }

      @Override
      public void onError(ClientException error) {
        meter.error(error);
        listener.onError(error);
      }
    });
  }

  @Override
  public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
    delegate.subscribe(new Flow.Subscriber<StreamEvent>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(StreamEvent item) {
        meter.event(item);
        subscriber.onNext(item);
      }

      @Override
      public void onError(Throwable throwable) {
        if (throwable instanceof ClientException e) {
          meter.error(e);
        }
        subscriber.onError(throwable);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }

  @Override
  public void close() {
    // A stream closed before its terminal event was cancelled; after it, this records nothing.
    meter.cancelled();
    delegate.close();
  }
}
