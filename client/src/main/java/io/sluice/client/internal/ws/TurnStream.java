package io.sluice.client.internal.ws;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.StreamListener;
import io.sluice.core.event.StreamEvent;
import java.util.ArrayDeque;
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

/**
 * The events of one turn, consumed in any of {@link EventStream}'s ways, whichever transport
 * produces them. The producer ({@link Source}) is asked for more only when the consumer has demand
 * and every event produced so far was delivered; one unit of production (a WebSocket message, an
 * SSE event) may yield a few events, which wait here. Delivery is serial.
 */
final class TurnStream implements EventStream {
  /** Events the iterator may hold ahead of its consumer. */
  static final int WINDOW = 32;

  /** Produces the turn's events. */
  interface Source {
    /** Produce the next unit; answer with {@link #produced()} (after any events). */
    void more();

    /** The consumer closed the stream. */
    void cancel();
  }

  private interface Sink {
    void onEvent(StreamEvent event);

    void onComplete();

    void onError(ClientException error);

    default void onCancel() {}
  }

  private static final Object END = new Object();

  private final Object lock = new Object();
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private Source source;
  private Sink sink;
  private long demand;
  private boolean asked;
  private boolean ended;
  private boolean cancelled;
  private boolean draining;
  private boolean again;

  /** Who produces from now on (the WebSocket turn, then perhaps its SSE fallback). */
  void source(Source next) {
    synchronized (lock) {
      source = next;
      asked = false;
    }
    drain();
  }

  void emit(StreamEvent event) {
    synchronized (lock) {
      if (!ended && !cancelled) {
        pending.add(event);
      }
    }
  }

  /** The unit asked for was produced: deliver, and ask again if there is room. */
  void produced() {
    synchronized (lock) {
      asked = false;
    }
    drain();
  }

  /** After the terminal event: nothing follows. */
  void complete() {
    finish(END);
  }

  /** The turn failed before its stream started. */
  void error(ClientException failure) {
    finish(failure);
  }

  private void finish(Object item) {
    synchronized (lock) {
      if (ended || cancelled) {
        return;
      }
      ended = true;
      pending.add(item);
    }
    drain();
  }

  /** Whether the producer waits for the server (not for the consumer). */
  boolean awaitingProducer() {
    synchronized (lock) {
      return asked && !ended && !cancelled;
    }
  }

  boolean cancelled() {
    synchronized (lock) {
      return cancelled;
    }
  }

  private void request(long n) {
    synchronized (lock) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  private void attach(Sink to, Runnable subscribed) {
    synchronized (lock) {
      if (sink != null) {
        throw new IllegalStateException("a stream can be consumed once");
      }
      sink = to;
    }
    subscribed.run();
    drain();
  }

  private void drain() {
    synchronized (lock) {
      if (draining) {
        again = true;
        return;
      }
      draining = true;
    }
    while (true) {
      Object item = null;
      Source ask = null;
      Sink to;
      synchronized (lock) {
        to = sink;
        if (cancelled || to == null) {
          draining = false;
          return;
        }
        Object head = pending.peek();
        if (head != null && (demand > 0 || !(head instanceof StreamEvent))) {
          item = pending.poll();
          if (item instanceof StreamEvent && demand != Long.MAX_VALUE) {
            demand--;
          }
        } else if (head == null && demand > 0 && !ended && !asked && source != null) {
          asked = true;
          ask = source;
        } else if (again) {
          again = false;
          continue;
        } else {
          draining = false;
          return;
        }
      }
      if (ask != null) {
        ask.more();
      } else if (item == END) {
        to.onComplete();
      } else if (item instanceof ClientException) {
        to.onError((ClientException) item);
      } else {
        to.onEvent((StreamEvent) item);
      }
    }
  }

  @Override
  public Iterator<StreamEvent> iterator() {
    BlockingIterator iterator = new BlockingIterator();
    attach(iterator, () -> {});
    request(WINDOW);
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
    attach(new Sink() {
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
    }, () -> {});
    request(Long.MAX_VALUE);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Flow.Subscription subscription = new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          close(); // Reactive Streams §3.9
          subscriber.onError(new IllegalArgumentException(
              "§3.9: request must be positive, was " + n));
          return;
        }
        TurnStream.this.request(n);
      }

      @Override
      public void cancel() {
        close();
      }
    };
    try {
      attach(new Sink() {
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
      }, () -> subscriber.onSubscribe(subscription));
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
    Source src;
    Sink to;
    boolean wasEnded;
    synchronized (lock) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      wasEnded = ended;
      pending.clear();
      src = source;
      to = sink;
    }
    if (src != null && !wasEnded) {
      src.cancel();
    }
    if (to != null) {
      to.onCancel();
    }
  }

  /** A bounded hand-off: it never asks for more events than it has room for. */
  private final class BlockingIterator implements Iterator<StreamEvent>, Sink {
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
      queue.add(END);
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
        close();
        Thread.currentThread().interrupt();
        throw new ClientException("interrupted while waiting for the next event", false, e);
      }
      if (item == END || item == closed) {
        done = true;
        return false;
      }
      if (item instanceof ClientException) {
        done = true;
        throw (ClientException) item;
      }
      next = (StreamEvent) item;
      if (++taken >= WINDOW / 2) {
        request(taken);
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
