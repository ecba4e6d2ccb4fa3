package io.sluice.gateway.internal.ws;

import io.sluice.core.event.Failed;
import io.sluice.core.sse.SseEvent;
import io.sluice.core.sse.SseListener;
import io.sluice.core.sse.SseReader;
import io.sluice.gateway.internal.exchange.ClientErrors;
import io.sluice.gateway.internal.exchange.EventLimit;
import io.sluice.gateway.internal.server.GatewayState;
import io.sluice.gateway.internal.upstream.UpstreamAttempt;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * A turn for an upstream without a WebSocket: the {@code response.create} becomes
 * {@code POST /v1/responses} with {@code "stream": true} sent to the gateway's own HTTP front door
 * on loopback, with the client's gateway key. That request is an ordinary HTTP exchange (routing,
 * translation for Chat and Anthropic upstreams, key pools, retries, timeouts, its usage entry), and
 * each event of its SSE answer goes to the client as one text message. A client that goes away
 * resets that request, which cancels the upstream call as it does for any HTTP client.
 */
final class BridgedTurn implements WsSession.Turn, SseListener {
  /** Headers of the upgrade that do not belong on the bridged POST; the rest go as they came. */
  private static final java.util.Set<String> UPGRADE_ONLY = java.util.Set.of("host", "upgrade",
      "connection", "content-length", "transfer-encoding", "keep-alive", "te", "origin");
  private final WsSession session;
  private final JsonObject message;
  private HttpClientRequest request;
  private HttpClientResponse response;
  private boolean cancelled;
  private boolean terminal;
  private boolean ended;

  BridgedTurn(WsSession session, JsonObject message) {
    this.session = session;
    this.message = message;
  }

  @Override
  public void start() {
    JsonObject body = message.copy();
    body.remove("type");
    body.put("stream", true);
    GatewayState gw = session.gw;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHeaders(MultiMap.caseInsensitiveMultiMap())
        .setAbsoluteURI("http://" + gw.selfHost() + ":" + gw.selfPort + "/v1/responses");
    for (Map.Entry<String, String> h : session.upgradeHeaders) {
      String name = h.getKey().toLowerCase(java.util.Locale.ROOT);
      if (!name.startsWith("sec-websocket-") && !UPGRADE_ONLY.contains(name)) {
        options.getHeaders().add(h.getKey(), h.getValue());
      }
    }
    options.getHeaders().set("Content-Type", "application/json");
    options.getHeaders().set("Accept", "text/event-stream");
    gw.client(false).request(options).onComplete(ar -> {
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      request = ar.result();
      if (cancelled) {
        request.reset();
        return;
      }
      request.send(body.toBuffer()).onComplete(r -> {
        if (r.failed()) {
          fail(r.cause());
        } else {
          onHead(r.result());
        }
      });
    });
  }

  private void onHead(HttpClientResponse head) {
    if (cancelled) {
      return;
    }
    response = head;
    int status = head.statusCode();
    if (status < 200 || status >= 300) {
      head.body().onComplete(b ->
          errorAnswer(status, b.succeeded() ? b.result() : Buffer.buffer()));
      return;
    }
    SseReader reader = EventLimit.reader(this, session.gw.limits, this::readFailed);
    head.handler(chunk -> {
      byte[] bytes = chunk.getBytes();
      reader.feed(bytes, 0, bytes.length);
    });
    head.exceptionHandler(this::fail);
    head.endHandler(v -> {
      reader.end();
      if (!terminal && !ended) {
        session.sendError(502, "api_error", "stream_truncated",
            "the stream ended before its terminal event");
      }
      end();
    });
  }

  @Override
  public void onEvent(SseEvent event) {
    if (cancelled || ended) {
      return;
    }
    String type = RelayedTurn.typeOf(event.data());
    if (type.equals("response.completed") || type.equals("response.failed")
        || type.equals("response.incomplete") || type.equals("error")) {
      terminal = true;
    }
    session.send(event.data(), response);
    if (terminal) {
      end(); // the client may send its next turn now, before this HTTP answer's last bytes
    }
  }

  /**
   * The reader failed (an event over {@code limits.max-event-bytes}): the turn ends now with an
   * error event, and the HTTP stream behind it is cut rather than read on.
   */
  private void readFailed(io.sluice.core.SluiceException failure) {
    if (cancelled || ended) {
      return;
    }
    if (!terminal) {
      session.sendError(502, "api_error", Failed.LIMIT, failure.getMessage());
    }
    if (request != null) {
      request.reset();
    }
    end();
  }

  /** A refused turn: the front door's JSON error as the WebSocket {@code error} event. */
  private void errorAnswer(int status, Buffer body) {
    JsonObject error;
    try {
      error = body.toJsonObject().getJsonObject("error");
    } catch (RuntimeException e) {
      error = null;
    }
    if (error == null) {
      error = new JsonObject().put("type", ClientErrors.typeFor(status))
          .put("message", "HTTP " + status);
    }
    session.send(new JsonObject().put("type", "error").put("status", status).put("error", error)
        .encode(), null);
    end();
  }

  private void fail(Throwable cause) {
    if (cancelled || ended) {
      return;
    }
    if (!terminal) {
      session.sendError(502, "api_error", "", "the gateway's stream failed: "
          + UpstreamAttempt.safeMessage(cause));
    }
    end();
  }

  private void end() {
    if (!ended) {
      ended = true;
      session.turnEnded(this);
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    ended = true;
    if (request != null) {
      request.reset(); // the exchange behind it sees its client go and cancels the upstream
    }
  }
}
