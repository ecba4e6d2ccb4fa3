package io.sluice.gateway.internal.ws;

import io.sluice.core.codec.CodecException;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.server.AccessControl;
import io.sluice.gateway.internal.server.GatewayState;
import io.sluice.gateway.internal.server.RequestBody;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.sluice.gateway.internal.upstream.KeyMasker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One client WebSocket on {@code /v1/responses}: each {@code response.create} text message is one
 * turn, routed like an HTTP request, then relayed to the upstream's WebSocket ({@link RelayedTurn},
 * for a target with {@code websocket: true}) or bridged to HTTP SSE ({@link BridgedTurn}). One turn
 * at a time; a client that goes away cancels the turn in flight and closes the upstream socket.
 * Everything runs on the event loop that accepted the upgrade.
 */
public final class WsSession {
  /** A turn in flight on this connection. */
  interface Turn {
    void start();

    /** The client went away: stop the upstream work. */
    void cancel();
  }

  final GatewayState gw;
  final ServerWebSocket client;
  final Optional<AccessKey> key;
  final MultiMap upgradeHeaders;
  final Context context;
  private Turn turn;
  private WebSocket upstream;
  private Target upstreamTarget;
  private String upstreamApiKey = "";
  /**
   * The upstream socket's key, masked in every message to the client ({@link #toClient}): a
   * relayed event, a late one between turns, or an error that repeats what the upstream said.
   */
  private KeyMasker masker = new KeyMasker("");
  private RelayedTurn relaying;
  private boolean closed;
  private final WsMessages messages;
  private long idleTimer = -1;
  private Runnable onClosed = () -> { };
  /** Told once, when the client's socket closes: the server's count of open sessions. */
  private Runnable whenClosed = () -> { };

  public WsSession(GatewayState gw, ServerWebSocket client, Optional<AccessKey> key,
      MultiMap upgradeHeaders) {
    this.gw = gw;
    this.client = client;
    this.key = key;
    this.upgradeHeaders = upgradeHeaders;
    this.context = gw.vertx.getOrCreateContext();
    this.messages = new WsMessages(gw.limits.maxBodyBytes());
  }

  /** Runs {@code action} on the session's event loop once its socket has closed. */
  public WsSession whenClosed(Runnable action) {
    this.whenClosed = action;
    return this;
  }

  /**
   * The gateway is shutting down and its drain timeout passed: from any thread, the client gets
   * an {@code error} message saying so, then a close with 1001 (going away). A turn in flight is
   * cancelled and booked as the socket closes, as when a client leaves.
   */
  public void shutDown(String message) {
    context.runOnContext(v -> {
      if (closed) {
        return;
      }
      sendError(503, "api_error", "gateway_shutting_down", message);
      client.close((short) 1001, "gateway shutting down");
    });
  }

  /**
   * Starts reading the client's messages; {@code onClosed} runs once when the socket closes (the
   * upgraded connection is no longer the HTTP server's to report).
   */
  public void start(Runnable onClosed) {
    this.onClosed = onClosed;
    client.setWriteQueueMaxSize(gw.limits.streamBufferBytes());
    client.frameHandler(this::onFrame);
    client.exceptionHandler(this::onError);
    client.closeHandler(v -> closed());
    armIdle();
  }

  private void onFrame(io.vertx.core.http.WebSocketFrame frame) {
    if (closed || !(frame.isText() || frame.isBinary() || frame.isContinuation())) {
      return; // pings are answered by Vert.x, close frames end in closeHandler
    }
    armIdle();
    WsMessages.Outcome outcome = messages.frame(frame);
    if (outcome instanceof WsMessages.Text t) {
      onMessage(t.text());
    } else if (outcome instanceof WsMessages.Binary) {
      sendError(400, "invalid_request_error", "invalid_message",
          "send each response.create as a JSON text message");
    } else if (outcome instanceof WsMessages.Violation v) {
      gw.metrics.clientClosed(v.reason());
      client.close(v.status(), v.message());
    }
  }

  /**
   * The frame decoder refused a frame (too big for {@code limits.max-body-bytes}, bad framing,
   * bad UTF-8): close with the status it names, not Vert.x's 1000. Other errors (the peer reset
   * the connection) end in closeHandler.
   */
  private void onError(Throwable t) {
    if (closed || !(t instanceof CorruptedWebSocketFrameException)) {
      return;
    }
    int status = ((CorruptedWebSocketFrameException) t).closeStatus().code();
    String reason = status == 1009 ? "ws_message_too_big"
        : status == 1007 ? "ws_invalid_utf8" : "ws_protocol_error";
    gw.metrics.clientClosed(reason);
    client.close((short) status, status == 1009
        ? "frame larger than " + gw.limits.maxBodyBytes() + " bytes (limits.max-body-bytes)"
        : reason);
  }

  /**
   * A client that sends nothing with no turn in flight for {@code limits.websocket-idle-timeout}
   * is closed; a turn in flight is bounded by its upstream's own timeouts instead.
   */
  private void armIdle() {
    cancelIdle();
    if (closed || turn != null) {
      return;
    }
    long millis = gw.limits.webSocketIdleTimeout().toMillis();
    idleTimer = gw.vertx.setTimer(millis, id -> {
      idleTimer = -1;
      if (!closed && turn == null) {
        gw.metrics.clientClosed("websocket_idle_timeout");
        client.close((short) 1000, "idle for " + millis + " ms (limits.websocket-idle-timeout)");
      }
    });
  }

  private void cancelIdle() {
    if (idleTimer >= 0) {
      gw.vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  private void onMessage(String text) {
    if (closed) {
      return;
    }
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      sendError(400, "invalid_request_error", "invalid_json", "the message is not a JSON object");
      return;
    }
    if (!"response.create".equals(message.getValue("type"))) {
      sendError(400, "invalid_request_error", "unknown_message_type",
          "only response.create messages are accepted");
      return;
    }
    if (turn != null) {
      sendError(400, "invalid_request_error", "response_already_in_flight",
          "a response is already in flight on this connection; wait for its terminal event");
      return;
    }
    RequestBody.Scan scan;
    try {
      scan = RequestBody.scan(text.getBytes(StandardCharsets.UTF_8));
    } catch (CodecException e) {
      sendError(400, "invalid_request_error", "", e.getMessage());
      return;
    }
    Optional<Route> route = gw.router.route(scan.model());
    if (route.isEmpty()) {
      sendError(404, "invalid_request_error", "model_not_found",
          "model '" + scan.model() + "' is not routed by this gateway");
      return;
    }
    if (key.isPresent() && !AccessControl.allows(key.get(), scan.model())) {
      sendError(403, "permission_error", "", "key '" + key.get().id()
          + "' may not use model '" + scan.model() + "'");
      return;
    }
    Target first = route.get().targets().get(0);
    turn = first.websocket()
        ? new RelayedTurn(this, first, message, scan.model())
        : new BridgedTurn(this, message);
    cancelIdle();
    turn.start();
  }

  /** The turn ended (terminal event sent, or failed): the next {@code response.create} may come. */
  void turnEnded(Turn ended) {
    if (turn == ended) {
      turn = null;
      relaying = null;
      armIdle();
    }
  }

  /** The upstream socket for {@code target} with {@code apiKey}, opened on first use and kept. */
  Future<WebSocket> upstream(Target target, String apiKey, RelayedTurn forTurn) {
    relaying = forTurn;
    if (upstream != null && !upstream.isClosed() && upstreamTarget == target
        && upstreamApiKey.equals(apiKey)) {
      return Future.succeededFuture(upstream);
    }
    closeUpstream();
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setAbsoluteURI(webSocketUrl(target.baseUrl()))
        .setConnectTimeout(gw.limits.connectTimeout().toMillis());
    if (!apiKey.isEmpty()) {
      options.addHeader("Authorization", "Bearer " + apiKey);
    }
    String beta = upgradeHeaders.get("openai-beta");
    if (beta != null) {
      options.addHeader("OpenAI-Beta", beta);
    }
    return gw.webSockets.connect(options).map(ws -> {
      if (closed) {
        ws.close();
        throw new IllegalStateException("the client went away");
      }
      upstream = ws;
      upstreamTarget = target;
      upstreamApiKey = apiKey;
      masker = new KeyMasker(apiKey);
      ws.textMessageHandler(text -> {
        if (relaying != null && upstream == ws) {
          relaying.fromUpstream(text);
        } else if (upstream == ws && !closed) {
          toClient(text); // a late event between turns: the client decides
        }
      });
      ws.exceptionHandler(t -> { });
      ws.closeHandler(v -> {
        if (upstream == ws) {
          upstream = null;
          if (relaying != null) {
            relaying.upstreamClosed(ws.closeStatusCode());
          }
        }
      });
      client.drainHandler(v -> ws.resume());
      return ws;
    });
  }

  /** Writes one event to the client; pauses {@code source} when the client's queue is full. */
  void send(String json, io.vertx.core.streams.ReadStream<?> source) {
    if (closed || client.isClosed()) {
      return;
    }
    toClient(json);
    if (source != null && client.writeQueueFull()) {
      source.pause();
      client.drainHandler(v -> source.resume());
    }
  }

  /** The one way a message reaches the client: with the upstream's key masked. */
  private void toClient(String text) {
    client.writeTextMessage(masker.mask(text));
  }

  /** The Responses WebSocket error event. */
  void sendError(int status, String type, String code, String message) {
    send(errorEvent(status, type, code, message), null);
  }

  static String errorEvent(int status, String type, String code, String message) {
    JsonObject error = new JsonObject().put("type", type).put("message", message);
    error.put("code", code.isEmpty() ? null : code).putNull("param");
    return new JsonObject().put("type", "error").put("status", status).put("error", error)
        .encode();
  }

  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    cancelIdle();
    onClosed.run();
    whenClosed.run();
    relaying = null;
    Turn t = turn;
    turn = null;
    if (t != null) {
      t.cancel();
    }
    closeUpstream();
  }

  /** Closes the upstream socket after a turn that cannot be trusted to have ended there. */
  void dropUpstream() {
    relaying = null;
    closeUpstream();
  }

  private void closeUpstream() {
    WebSocket ws = upstream;
    upstream = null;
    if (ws != null && !ws.isClosed()) {
      ws.close((short) 1000, "client gone");
    }
  }

  /** {@code http://host/v1} becomes {@code ws://host/v1/responses}, as the OpenAI SDKs do. */
  static String webSocketUrl(String baseUrl) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    int query = base.indexOf('?');
    String suffix = "";
    if (query >= 0) {
      suffix = base.substring(query);
      base = base.substring(0, query);
    }
    String scheme = base.startsWith("https://") ? "wss://" : "ws://";
    return scheme + base.substring(base.indexOf("://") + 3) + "/responses" + suffix;
  }
}
