package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.StreamListener;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Flow;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The consumer side of one call, whatever produces it (an HTTP exchange, a WebSocket turn, its SSE
 * fallback): the blocking iterator, the listener and the {@link Flow.Publisher}, written once.
 *
 * <p>The producer ({@link Source}) is asked for more only when the consumer has room: for a
 * subscriber or listener, demand and nothing pending; for the iterator, fewer than {@link #WINDOW}
 * events waiting. One unit of production (a body chunk, a WebSocket message) may yield several
 * events, which wait here, so at most a window plus one unit is held.
 *
 * <p>Exactly one terminal event ends what the consumer sees, or one {@link ClientException} before
 * any event. {@link #close()} before the terminal event was handed over replaces whatever is still
 * pending with {@code Failed(cancelled)}: it is what a loop iterating after {@code close()} gets,
 * what a listener receives before {@code close()} returns, and what a subscriber gets at its next
 * demand. A subscriber that cancels its own subscription gets nothing more (Reactive Streams §3.7).
 *
 * <p>Threads: producers call {@link #emit}, {@link #fail} and {@link #produced} from theirs;
 * consumers call from theirs. The lock is never held while calling out (to the source or to user
 * code), so a producer may hold its own lock while it emits. Deliveries are serial, and
 * {@code close()} waits for one in progress on another thread: nothing is delivered after it
 * returns but the cancelled terminal event.
 */
public final class Outlet implements EventStream {
  /** Events the iterator may hold ahead of its consumer. */
  public static final int WINDOW = 32;

  /** Produces the events. */
  public interface Source {
    /** Produce the next unit; answer with {@link #produced()} after emitting its events. */
    void more();

    /** The consumer closed the stream before its end: stop and release the connection. */
    void cancel();

    /** The consumer closed the stream after the producer ended it. */
    default void closedAfterEnd() {}
  }

  private enum Mode { NONE, ITERATOR, PUSH }

  /** What a pushed consumer (listener or subscriber) is told. */
  private interface Sink {
    void onEvent(StreamEvent event);

    void onComplete();

    void onError(ClientException error);
  }

  private final Object lock = new Object();
  /** Events, then perhaps a start failure; the terminal event or the failure is the last. */
  private final ArrayDeque<Object> pending = new ArrayDeque<>();
  private Source source;
  private Mode mode = Mode.NONE;
  private Sink sink;
  private long demand;
  private boolean asked;
  /** The producer queued its last item (terminal event or start failure). */
  private boolean ended;
  /** The last item was handed to the consumer. */
  private boolean handedOver;
  private boolean closed;
  /** A subscriber cancelled: nothing more is signalled. */
  private boolean silent;
  private boolean draining;
  private boolean again;
  private Thread drainer;

  public Outlet() {}

  public Outlet(Source source) {
    this.source = source;
  }

  /** Who produces from now on (a WebSocket turn, then perhaps its SSE fallback). */
  public void source(Source next) {
    synchronized (lock) {
      source = next;
      asked = false;
    }
    produced();
  }

  // ---- the producer's side ----

  /** Queues an event; a terminal event is the last. */
  public void emit(StreamEvent event) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      pending.add(event);
      ended = event instanceof StreamEvent.Terminal;
    }
  }

  /** The call failed before any event: the consumer gets {@code failure} instead. */
  public void fail(ClientException failure) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      pending.add(failure);
      ended = true;
    }
    produced();
  }

  /** The unit asked for was produced (or something was queued): deliver what is due. */
  public void produced() {
    synchronized (lock) {
      asked = false;
      lock.notifyAll();
    }
    drain();
  }

  /** Whether the producer was asked for more and has not answered: it waits for the network. */
  public boolean awaitingProducer() {
    synchronized (lock) {
      return asked && !ended;
    }
  }

  /** Whether the consumer closed the stream. */
  public boolean closed() {
    synchronized (lock) {
      return closed;
    }
  }

  // ---- the consumer's side ----

  @Override
  public Iterator<StreamEvent> iterator() {
    claim(Mode.ITERATOR, null);
    return new BlockingIterator();
  }

  @Override
  public Stream<StreamEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
  }

  @Override
  public void listen(StreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    claim(Mode.PUSH, new Sink() {
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
    request(Long.MAX_VALUE);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super StreamEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Sink to = new Sink() {
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
      claim(Mode.PUSH, null);
    } catch (IllegalStateException e) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(e);
      return;
    }
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          // Reactive Streams §3.9: a non-positive request is an error signalled to the subscriber.
          if (silence()) {
            subscriber.onError(new IllegalArgumentException(
                "§3.9: request must be positive, was " + n));
          }
          return;
        }
        Outlet.this.request(n);
      }

      @Override
      public void cancel() {
        silence();
      }
    });
    synchronized (lock) {
      sink = to; // only now: nothing is signalled before onSubscribe returned
    }
    drain();
  }

  /** Closes the call; see the class comment for what the consumer then sees. Idempotent. */
  @Override
  public void close() {
    Source cancel = null;
    Source release = null;
    synchronized (lock) {
      if (!closed) {
        closed = true;
        if (!handedOver) {
          if (!ended) {
            cancel = source;
          } else {
            release = source;
          }
          pending.clear();
          pending.add(new Failed(Failed.CANCELLED, "", "the stream was closed", 0, false));
          ended = true;
        } else {
          release = source;
        }
        lock.notifyAll();
      }
    }
    if (cancel != null) {
      cancel.cancel();
    } else if (release != null) {
      release.closedAfterEnd();
    }
    drain();
    awaitDelivery();
  }

  /** A subscriber's cancel: the call is closed and nothing more is signalled. True the first time. */
  private boolean silence() {
    synchronized (lock) {
      if (silent) {
        return false;
      }
      silent = true;
    }
    close();
    return true;
  }

  private void claim(Mode wanted, Sink to) {
    synchronized (lock) {
      if (mode != Mode.NONE) {
        throw new IllegalStateException("an EventStream can be consumed once");
      }
      mode = wanted;
      sink = to;
    }
  }

  private void request(long n) {
    synchronized (lock) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  /** Waits until a delivery in progress on another thread is over. */
  private void awaitDelivery() {
    synchronized (lock) {
      boolean interrupted = false;
      while (draining && drainer != Thread.currentThread()) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Pushes what is due to a listener or subscriber, serially, outside the lock. */
  private void drain() {
    synchronized (lock) {
      if (mode != Mode.PUSH) {
        return;
      }
      if (draining) {
        again = true;
        return;
      }
      draining = true;
      drainer = Thread.currentThread();
    }
    while (true) {
      Object item = null;
      Source ask = null;
      Sink to;
      synchronized (lock) {
        to = sink;
        Object head = pending.peek();
        boolean stop = to == null || silent || handedOver;
        if (!stop && head != null && (demand > 0 || head instanceof ClientException)) {
          item = pending.poll();
          if (item instanceof StreamEvent && demand != Long.MAX_VALUE) {
            demand--;
          }
          if (item instanceof StreamEvent.Terminal || item instanceof ClientException) {
            handedOver = true;
          }
        } else if (!stop && head == null && demand > 0 && !ended && !asked && source != null) {
          asked = true;
          ask = source;
        } else if (again) {
          again = false;
          continue;
        } else {
          draining = false;
          drainer = null;
          lock.notifyAll();
          return;
        }
      }
      if (ask != null) {
        ask.more();
      } else if (item instanceof ClientException) {
        to.onError((ClientException) item);
      } else {
        to.onEvent((StreamEvent) item);
        if (item instanceof StreamEvent.Terminal) {
          to.onComplete();
        }
      }
    }
  }

  /** Takes events as the consumer asks, keeping up to a window read ahead. */
  private final class BlockingIterator implements Iterator<StreamEvent> {
    private StreamEvent next;
    private boolean done;

    @Override
    public boolean hasNext() {
      if (next != null) {
        return true;
      }
      if (done) {
        return false;
      }
      while (true) {
        Source ask = null;
        Object item;
        synchronized (lock) {
          item = pending.poll();
          if (item == null) {
            if (!ended && !asked && source != null) {
              asked = true;
              ask = source;
            } else {
              try {
                lock.wait();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                item = e;
              }
            }
          } else {
            if (item instanceof StreamEvent.Terminal || item instanceof ClientException) {
              handedOver = true;
            } else if (pending.size() < WINDOW && !ended && !asked && source != null) {
              asked = true; // read ahead while the consumer works on this one
              ask = source;
            }
          }
        }
        if (ask != null) {
          ask.more();
        }
        if (item == null) {
          continue;
        }
        if (item instanceof InterruptedException) {
          done = true;
          close();
          throw new ClientException("interrupted while waiting for the next event", false,
              (InterruptedException) item);
        }
        if (item instanceof ClientException) {
          done = true;
          throw (ClientException) item;
        }
        next = (StreamEvent) item;
        done = next instanceof StreamEvent.Terminal;
        return true;
      }
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
