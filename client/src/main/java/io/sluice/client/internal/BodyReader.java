package io.sluice.client.internal;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * The body of an event-stream answer, read one chunk at a time and only when asked: the read
 * follows the consumer's demand, so a slow consumer slows the server down (TCP flow control).
 * After the terminal event the rest can be discarded, up to a limit, so that the connection can
 * be reused. It knows how long it has been waiting for the network, which is what the idle timeout
 * measures: a body nobody asked to read is never idle.
 *
 * <p>Thread-safe. The owner is called outside this object's monitor, one call at a time (the
 * HttpClient signals a subscriber serially).
 */
final class BodyReader implements HttpResponse.BodySubscriber<Void> {
  /** Bytes after the terminal event read (and dropped) so the connection can be reused. */
  static final int DISCARD_LIMIT = 64 * 1024;

  /** Who the body goes to. */
  interface Owner {
    void onChunk(List<ByteBuffer> chunk);

    /** The body ended: {@code failure} is null when it completed. Not called after cancel. */
    void onBodyEnd(Throwable failure);
  }

  private final Owner owner;
  private Flow.Subscription subscription;
  private boolean requested;
  private boolean ended;
  private boolean discarding;
  private long discarded;
  private long waitingSince;

  BodyReader(Owner owner) {
    this.owner = owner;
  }

  @Override
  public CompletionStage<Void> getBody() {
    // The answer is complete once the headers are in; the body flows on through this subscriber.
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    boolean cancel;
    boolean ask;
    synchronized (this) {
      cancel = ended || subscription != null;
      ask = !cancel && requested;
      if (!cancel) {
        subscription = s;
      }
    }
    if (cancel) {
      s.cancel();
    } else if (ask) {
      s.request(1);
    }
  }

  /** Asks for the next chunk unless one is asked for already. */
  void request() {
    Flow.Subscription s;
    synchronized (this) {
      if (ended || requested) {
        return;
      }
      requested = true;
      waitingSince = System.nanoTime();
      s = subscription; // before onSubscribe, it asks then
    }
    if (s != null) {
      s.request(1);
    }
  }

  /** From now on chunks are counted and dropped, until the body ends or passes the limit. */
  void discardRest() {
    synchronized (this) {
      discarding = true;
    }
    request();
  }

  /** Stops reading and closes the connection (the server sees it). */
  void cancel() {
    Flow.Subscription s;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      requested = false;
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
  }

  /** Nanoseconds since a chunk was asked for and has not come, or -1 when none is asked for. */
  synchronized long waitingNanos() {
    return requested && !ended ? System.nanoTime() - waitingSince : -1;
  }

  @Override
  public void onNext(List<ByteBuffer> chunk) {
    boolean discard;
    boolean tooMuch = false;
    synchronized (this) {
      requested = false;
      if (ended) {
        return;
      }
      discard = discarding;
      if (discard) {
        for (ByteBuffer b : chunk) {
          discarded += b.remaining();
        }
        tooMuch = discarded > DISCARD_LIMIT;
      }
    }
    if (!discard) {
      owner.onChunk(chunk);
    } else if (tooMuch) {
      cancel(); // a server that keeps sending after the end: give up reusing the connection
    } else {
      request();
    }
  }

  @Override
  public void onError(Throwable failure) {
    if (end()) {
      owner.onBodyEnd(failure);
    }
  }

  @Override
  public void onComplete() {
    if (end()) {
      owner.onBodyEnd(null);
    }
  }

  private synchronized boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    requested = false;
    return true;
  }
}
