package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.StreamListener;
import io.sluice.core.event.StreamEvent;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The three ways of consuming an {@link Exchange}: iterator, listener, publisher. */
final class EventStreamImpl implements EventStream {
  /** Events the iterator may hold ahead of its consumer. */
  static final int WINDOW = 32;

  private final Exchange exchange;

  EventStreamImpl(Exchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public Iterator<StreamEvent> iterator() {
    BlockingIterator iterator = new BlockingIterator();
    exchange.attach(iterator);
    exchange.request(WINDOW);
    return iterator;
  }

  @Override
  public Stream<StreamEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
  }

  @Override
  public void listen(StreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    exchange.attach(new Sink() {
      @Override
      public void onEvent(StreamEvent event) {
        listener.onEvent(event);
      }

      @Override
      public void onComplete() {}

      @Override
      public void onError(ClientException error) {
        listener.onError(error);
      }
    });
    exchange.request(Long.MAX_VALUE);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Flow.Subscription subscription = new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          // Reactive Streams §3.9: a non-positive request is an error signalled to the subscriber.
          exchange.cancel();
          subscriber.onError(new IllegalArgumentException(
              "§3.9: request must be positive, was " + n));
          return;
        }
        exchange.request(n);
      }

      @Override
      public void cancel() {
        exchange.cancel();
      }
    };
    Sink sink = new Sink() {
      @Override
      public void onEvent(StreamEvent event) {
        subscriber.onNext(event);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }

      @Override
      public void onError(ClientException error) {
        subscriber.onError(error);
      }
    };
    try {
      exchange.attach(sink, () -> subscriber.onSubscribe(subscription));
    } catch (IllegalStateException e) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(e);
    }
  }

  @Override
  public void close() {
    exchange.close();
  }

  /** A bounded hand-off: it never asks for more events than it has room for. */
  private final class BlockingIterator implements Iterator<StreamEvent>, Sink {
    private final Object end = new Object();
    private final Object closed = new Object();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(WINDOW + 2);
    private StreamEvent next;
    private boolean done;
    private int taken;

    @Override
    public void onEvent(StreamEvent event) {
      queue.add(event);
    }

    @Override
    public void onComplete() {
      queue.add(end);
    }

    @Override
    public void onError(ClientException error) {
      queue.add(error);
    }

    @Override
    public void onCancel() {
      queue.clear();
      queue.add(closed);
    }

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (done) {
        return false;
      }
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        exchange.cancel();
        Thread.currentThread().interrupt();
        throw new ClientException("interrupted while waiting for the next event", false, e);
      }
      if (item == end || item == closed) {
        done = true;
        return false;
      }
      if (item instanceof ClientException) {
        done = true;
        throw (ClientException) item;
      }
      next = (StreamEvent) item;
      if (++taken >= WINDOW / 2) {
        exchange.request(taken);
        taken = 0;
      }
      return true;
    }

    @Override
    public StreamEvent next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      StreamEvent event = next;
      next = null;
      return event;
    }
  }
}
