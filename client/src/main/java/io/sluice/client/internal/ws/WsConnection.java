package io.sluice.client.internal.ws;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One WebSocket to the server and who reads it. Messages are pulled one at a time, only when the
 * turn that owns the connection has room for their events (or, between turns, to notice a close):
 * a slow consumer slows the socket, nothing queues without bound. A message split into fragments is
 * joined here, up to {@code maxMessageChars}.
 */
final class WsConnection implements WebSocket.Listener {

  /** Who the messages of the connection go to; called on the socket's thread, serially. */
  interface Reader {
    void onMessage(String json);

    /** The connection ended: the server's close code, {@link CloseCodes#ABNORMAL} on an error. */
    void onClosed(int code, String reason);
  }

  private final Instant openedAt;
  private final int maxMessageChars;
  private WebSocket socket;
  private final StringBuilder partial = new StringBuilder();
  private final Object lock = new Object();
  private Reader reader;
  private boolean requested;
  private int closeCode;
  private String closeReason = "";
  /** Completes when no earlier response is still being answered on this connection. */
  private CompletableFuture<Void> quiet = CompletableFuture.completedFuture(null);
  /** The last send: the next waits for it. */
  private CompletableFuture<WebSocket> lastSend = CompletableFuture.completedFuture(null);

  WsConnection(Instant openedAt, int maxMessageChars) {
    this.openedAt = openedAt;
    this.maxMessageChars = maxMessageChars;
  }

  Instant openedAt() {
    return openedAt;
  }

  /** The server's close code, {@link CloseCodes#ABNORMAL} after an error, or 0 while open. */
  int closeCode() {
    synchronized (lock) {
      return closeCode;
    }
  }

  boolean open() {
    synchronized (lock) {
      return closeCode == 0 && socket != null && !socket.isOutputClosed()
          && !socket.isInputClosed();
    }
  }

  /** Hands the connection's messages to {@code next}, or to nobody (between turns) when null. */
  void readBy(Reader next) {
    synchronized (lock) {
      reader = next;
    }
  }

  /** Asks for the next message unless one is already asked for. */
  void pull() {
    WebSocket ws;
    synchronized (lock) {
      if (requested || closeCode != 0 || socket == null) {
        return;
      }
      requested = true;
      ws = socket;
    }
    ws.request(1);
  }

  /** Between turns: keep one message asked for, so that a close is noticed when it happens. */
  void idle() {
    readBy(null);
    pull();
  }

  /**
   * Sends one text message once the previous send completed. The JDK refuses a send while another
   * is pending ("Send pending"), and a reply can arrive before our own send's completion is
   * signalled: a turn resent at once on that reply (lost state) would fail without this chain.
   */
  CompletableFuture<WebSocket> send(String json) {
    CompletableFuture<WebSocket> sent;
    synchronized (lock) {
      sent = lastSend.handle((ws, error) -> null)
          .thenCompose(ignored -> socket.sendText(json, true));
      lastSend = sent;
    }
    return sent;
  }

  /** The previous response may still be streaming (it ended on an error event): wait for it. */
  void expectLateTerminal() {
    synchronized (lock) {
      if (quiet.isDone()) {
        quiet = new CompletableFuture<>();
      }
    }
  }

  CompletableFuture<Void> quiet() {
    synchronized (lock) {
      return quiet;
    }
  }

  /** A polite close (1000), then the TCP connection is dropped whatever the server does. */
  void close() {
    WebSocket ws = ending(CloseCodes.NORMAL, "closed by the client");
    if (ws != null) {
      ws.sendClose(CloseCodes.NORMAL, "").whenComplete((w, e) -> ws.abort());
    }
  }

  /** Drops the connection at once. */
  void abort() {
    WebSocket ws = ending(CloseCodes.ABNORMAL, "aborted by the client");
    if (ws != null) {
      ws.abort();
    }
  }

  /** Records why the client ends the connection, unless a close came first; the socket, if open. */
  private WebSocket ending(int code, String reason) {
    synchronized (lock) {
      if (closeCode == 0) {
        closeCode = code;
        closeReason = reason;
      }
      return socket;
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    synchronized (lock) {
      socket = webSocket; // no request: messages are pulled when someone has room for them
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    Reader to;
    String message;
    synchronized (lock) {
      requested = false;
      if (partial.length() + data.length() > maxMessageChars) {
        partial.setLength(0);
        message = null;
      } else if (!last) {
        partial.append(data);
        requested = true;
        message = "";
      } else {
        message = partial.length() == 0 ? data.toString() : partial.append(data).toString();
        partial.setLength(0);
      }
      to = reader;
    }
    if (message == null) {
      ended(CloseCodes.TOO_BIG, "a message exceeded " + maxMessageChars
          + " characters (StreamLimits.maxEventBytes)");
      webSocket.sendClose(CloseCodes.TOO_BIG, "message too big").whenComplete(
          (w, e) -> webSocket.abort());
      return null;
    }
    if (message.isEmpty() && !last) {
      webSocket.request(1);
      return null;
    }
    if (to != null) {
      to.onMessage(message);
    } else {
      between(message);
    }
    return null;
  }

  /** A message while no turn reads: the tail of a response that ended on an error event. */
  private void between(String message) {
    CompletableFuture<Void> q;
    synchronized (lock) {
      q = quiet;
    }
    String type = FrameInfo.read(message).type();
    if (type.startsWith("response.") && FrameInfo.read(message).terminal()) {
      q.complete(null);
    }
    pull();
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    webSocket.request(1); // Responses sends text only; binary is skipped, the ask stands
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    webSocket.request(1); // the JDK answers the ping itself; the ask stands
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    ended(statusCode, reason);
    return null; // the JDK replies with a close and ends the connection
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    ended(CloseCodes.ABNORMAL, error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage()));
    webSocket.abort();
  }

  private void ended(int code, String reason) {
    Reader to;
    CompletableFuture<Void> q;
    synchronized (lock) {
      if (closeCode == 0) {
        closeCode = code;
        closeReason = reason;
      }
      to = reader;
      reader = null;
      q = quiet;
    }
    q.complete(null);
    if (to != null) {
      to.onClosed(code, reason);
    }
  }

  String closeReason() {
    synchronized (lock) {
      return closeReason;
    }
  }
}
