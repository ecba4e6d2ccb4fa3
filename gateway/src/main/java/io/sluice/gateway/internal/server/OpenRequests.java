package io.sluice.gateway.internal.server;

import io.sluice.gateway.internal.exchange.Exchange;
import io.sluice.gateway.internal.ws.WsSession;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exchanges and WebSocket sessions under way, across every event loop and configuration: what
 * a drain waits for, and what it ends when its timeout passes. Each one leaves the set when it is
 * booked (an exchange) or its socket closes (a session).
 */
final class OpenRequests {
  private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();
  private final Set<WsSession> sessions = ConcurrentHashMap.newKeySet();
  private final Object changed = new Object();

  Exchange add(Exchange ex) {
    exchanges.add(ex);
    return ex.whenFinished(() -> left(exchanges.remove(ex)));
  }

  WsSession add(WsSession session) {
    sessions.add(session);
    return session.whenClosed(() -> left(sessions.remove(session)));
  }

  private void left(boolean removed) {
    if (removed) {
      synchronized (changed) {
        changed.notifyAll();
      }
    }
  }

  int size() {
    return exchanges.size() + sessions.size();
  }

  /**
   * Waits, off the event loops, until nothing is open or {@code nanos} passed; true when nothing
   * is.
   */
  boolean awaitEmpty(long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (changed) {
      while (size() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        // Bounded so that a removal between size() and wait() costs at most this much.
        changed.wait(Math.max(1, Math.min(left / 1_000_000, 50)));
      }
    }
    return true;
  }

  /** Ends every exchange and session still open, each on its own event loop. */
  void shutDownAll(String message) {
    for (Exchange ex : exchanges) {
      ex.shutDown(message);
    }
    for (WsSession s : sessions) {
      s.shutDown(message);
    }
  }
}
