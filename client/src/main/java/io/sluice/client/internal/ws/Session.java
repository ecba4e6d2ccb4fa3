package io.sluice.client.internal.ws;

/**
 * One conversation's connection and what the server holds of it. At most one turn at a time;
 * every field is guarded by the session's monitor.
 */
final class Session {
  final String id;
  private WsConnection connection;
  private Continuation continuation = Continuation.NONE;
  private WsTurn turn;
  private boolean warmedUp;
  private boolean released;

  Session(String id) {
    this.id = id;
  }

  /** Claims the session for {@code next}; false when a turn is in flight or it was released. */
  synchronized boolean claim(WsTurn next) {
    if (turn != null || released) {
      return false;
    }
    turn = next;
    return true;
  }

  synchronized boolean released() {
    return released;
  }

  /** The turn is over (whichever way); the next may start. */
  synchronized void endTurn(WsTurn ended) {
    if (turn == ended) {
      turn = null;
    }
  }

  synchronized WsConnection connection() {
    return connection;
  }

  /** Adopts a newly opened connection; false (and the connection is closed) once released. */
  boolean adopt(WsConnection fresh) {
    WsConnection old;
    synchronized (this) {
      if (released) {
        old = fresh;
      } else {
        old = connection;
        connection = fresh;
      }
    }
    if (old != null && old != fresh) {
      old.abort();
    }
    if (old == fresh) {
      fresh.close();
      return false;
    }
    return true;
  }

  /** Forgets {@code broken} (if still current), which is closed. */
  void drop(WsConnection broken) {
    synchronized (this) {
      if (connection == broken) {
        connection = null;
      }
    }
    if (broken != null) {
      broken.abort();
    }
  }

  synchronized Continuation continuation() {
    return continuation;
  }

  synchronized void continuation(Continuation next) {
    continuation = next;
  }

  /** True the first time only: a session warms up once. */
  synchronized boolean firstWarmUp() {
    if (warmedUp) {
      return false;
    }
    warmedUp = true;
    return true;
  }

  synchronized boolean live() {
    return !released && connection != null && connection.open();
  }

  /** Closes the connection and cancels a turn in flight; the session is unusable after. */
  void release() {
    WsConnection c;
    WsTurn t;
    synchronized (this) {
      released = true;
      c = connection;
      connection = null;
      t = turn;
      turn = null;
      continuation = Continuation.NONE;
    }
    if (t != null) {
      t.abandon("the session was released");
    }
    if (c != null) {
      c.close();
    }
  }
}
