package io.sluice.gateway.internal.ws;

import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.sse.SseEvent;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.accounting.Accounting;
import io.sluice.gateway.internal.accounting.UsageEntry;
import io.sluice.gateway.internal.exchange.ClientErrors;
import io.sluice.gateway.internal.routing.TargetPool;
import io.sluice.gateway.internal.server.FrontDoor;
import io.sluice.gateway.internal.telemetry.Finished;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.sluice.gateway.internal.server.GatewayState;
import io.sluice.gateway.internal.upstream.UpstreamAttempt;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;

/**
 * A turn relayed to an upstream Responses WebSocket: the {@code response.create} goes out on the
 * session's upstream socket (the model renamed if the target renames it), and every upstream
 * message comes back unchanged, one text message each, until the turn's terminal event. The
 * messages are also decoded for the books: one usage entry per turn. The turn holds a key lease of
 * the target (its concurrency) and a slot of the client's gateway key.
 */
final class RelayedTurn implements WsSession.Turn {
  private final WsSession session;
  private final GatewayState gw;
  private final Target target;
  private final JsonObject message;
  private final String model;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();
  private final Accounting accounting;
  private final StreamDecoder decoder;
  private TargetPool.Waiter waiter;
  private TargetPool.Lease lease;
  private WebSocket upstream;
  private boolean entered;
  private long timer = -1;
  /** limits.total-timeout: from the turn's start to its end, queue and upstream included. */
  private long totalTimer = -1;
  private boolean over;
  private String errorClass = "";
  private int status = 200;

  RelayedTurn(WsSession session, Target target, JsonObject message, String model) {
    this.session = session;
    this.gw = session.gw;
    this.target = target;
    this.message = message;
    this.model = model;
    this.accounting = new Accounting(startNanos, gw.config.logContent());
    this.decoder = WireCodec.of(WireFormat.OPENAI_RESPONSES).decoder(accounting);
  }

  @Override
  public void start() {
    long total = gw.limits.totalTimeout().toMillis();
    if (total > 0) {
      totalTimer = gw.vertx.setTimer(total, id -> {
        totalTimer = -1;
        if (!over) {
          refuse(504, Failed.TIMEOUT, "the turn took longer than " + total
              + " ms (limits.total-timeout)", "timeout");
          session.dropUpstream(); // the upstream response may still be running: not reusable
        }
      });
    }
    if (session.key.isPresent()) {
      if (!gw.access.enter(session.key.get())) {
        refuse(429, "rate_limit_error", "key '" + session.key.get().id()
            + "' has reached its concurrency limit", "key_concurrency");
        return;
      }
      entered = true;
    }
    TargetPool pool = gw.pool(target);
    waiter = new TargetPool.Waiter(session.context, this::granted, this::decided);
    switch (pool.acquire(waiter)) {
      case GRANTED:
        granted(waiter.lease);
        break;
      case QUEUED:
      case PENDING:
        break; // granted (or, when PENDING, refused) later, on this event loop
      case COOLING:
        refuse(429, "rate_limit_error", "the upstream keys for model '" + model
            + "' are cooling down after a 429", "keys_cooling");
        break;
      case FULL:
      default:
        refuse(429, "rate_limit_error", "the upstreams for model '" + model
            + "' are busy and their queues are full", "queue_full");
        break;
    }
  }

  /** A PENDING turn was queued (it waits) or refused: the target's queue is full. */
  private void decided(TargetPool.Waiter w, TargetPool.Outcome outcome) {
    if (over || waiter != w || outcome != TargetPool.Outcome.FULL) {
      return;
    }
    waiter = null;
    refuse(429, "rate_limit_error", "the upstreams for model '" + model
        + "' are busy and their queues are full", "queue_full");
  }

  private void granted(TargetPool.Lease granted) {
    waiter = null;
    if (over) {
      granted.pool().release(granted); // the client left while the grant was on its way
      return;
    }
    lease = granted;
    if (!target.rename().isEmpty()) {
      message.put("model", target.rename());
    }
    session.upstream(target, granted.apiKey(), this).onComplete(ar -> {
      if (over) {
        return;
      }
      if (ar.failed()) {
        Throwable t = ar.cause();
        if (t instanceof UpgradeRejectedException) {
          int code = ((UpgradeRejectedException) t).getStatus();
          refuse(code >= 400 ? code : 502, ClientErrors.typeFor(code >= 400 ? code : 502),
              "the upstream refused the WebSocket with HTTP " + code, "http_" + code);
        } else {
          refuse(502, Failed.TRANSPORT, "cannot open the upstream WebSocket: "
              + UpstreamAttempt.safeMessage(t), "transport");
        }
        return;
      }
      upstream = ar.result();
      upstream.writeTextMessage(message.encode());
      arm(gw.limits.firstTokenTimeout().toMillis(), "no event from the upstream within "
          + gw.limits.firstTokenTimeout().toMillis() + " ms (limits.first-token-timeout)");
    });
  }

  /** One upstream message: to the client unchanged, and to the books. */
  void fromUpstream(String text) {
    if (over) {
      return;
    }
    String type = typeOf(text);
    arm(gw.limits.idleTimeout().toMillis(), "the upstream sent nothing for "
        + gw.limits.idleTimeout().toMillis() + " ms (limits.idle-timeout)");
    session.send(text, upstream);
    decoder.onEvent(SseEvent.of(type.equals("response.done") ? "response.completed" : type, text));
    if (type.equals("response.completed") || type.equals("response.failed")
        || type.equals("response.incomplete") || type.equals("response.done")
        || type.equals("error")) {
      if (type.equals("error")) {
        errorClass = "upstream_error";
      }
      finish();
    }
  }

  /**
   * (Re)starts the turn's timer. A paused upstream (slow client) is not idle: the timer only runs
   * while the client's queue has room.
   */
  private void arm(long millis, String message) {
    disarm();
    timer = gw.vertx.setTimer(millis, id -> {
      timer = -1;
      if (over) {
        return;
      }
      if (session.client.writeQueueFull()) {
        arm(millis, message);
        return;
      }
      refuse(504, Failed.TIMEOUT, message, "timeout");
      session.dropUpstream(); // the upstream response may still be running: not reusable
    });
  }

  private void disarm() {
    if (timer >= 0) {
      gw.vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** The upstream socket closed in the middle of the turn. */
  void upstreamClosed(Short code) {
    if (over) {
      return;
    }
    refuse(502, Failed.TRANSPORT, "the upstream WebSocket closed during the turn (code "
        + code + ")", "upstream_closed");
  }

  private void refuse(int httpStatus, String type, String text, String kind) {
    session.sendError(httpStatus, type, "", text);
    status = httpStatus;
    errorClass = kind;
    finish();
  }

  @Override
  public void cancel() {
    if (over) {
      return;
    }
    status = 499;
    errorClass = "client_closed";
    finish(); // the session closes the upstream socket, which ends the upstream response
  }

  private void finish() {
    if (over) {
      return;
    }
    over = true;
    disarm();
    if (totalTimer >= 0) {
      gw.vertx.cancelTimer(totalTimer);
      totalTimer = -1;
    }
    if (waiter != null) {
      gw.pool(target).cancel(waiter);
      waiter = null;
    }
    String keyLabel = "";
    if (lease != null) {
      keyLabel = lease.keyLabel();
      lease.pool().release(lease);
      lease = null;
    }
    if (entered) {
      session.key.ifPresent(gw.access::leave);
    }
    session.turnEnded(this);
    book(keyLabel);
  }

  private void book(String keyLabel) {
    long duration = (System.nanoTime() - startNanos) / 1_000_000;
    String route = FrontDoor.RESPONSES.path;
    if (errorClass.isEmpty() && accounting.failure != null) {
      errorClass = accounting.failure.type();
    }
    var u = accounting.usage;
    gw.metrics.request(route, status);
    long first = accounting.firstTokenNanos();
    gw.metrics.finished(new Finished(route, session.key.map(AccessKey::id).orElse(""),
        gw.pool(target).label(), GatewayMetrics.provider(target), model, accounting.responseModel,
        status, errorClass, true, System.nanoTime() - startNanos,
        first < 0 ? -1 : first - startNanos, -1,
        first < 0 ? -1 : accounting.lastTokenNanos() - first, u.inputTokens(),
        accounting.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(), u.reasoningTokens(),
        0, 0));
    gw.usageLog.write(new UsageEntry(startMillis,
        session.key.map(AccessKey::id).orElse(""), route, label(), model,
        status, accounting.firstTokenMillis(), duration, u.inputTokens(), u.outputTokens(),
        u.cacheReadTokens(), u.cacheWriteTokens(), u.reasoningTokens(), accounting.finishReason,
        errorClass, keyLabel, accounting.text()));
  }

  /** The upstream as the usage log names it, without a query string or user (they may hold a key). */
  private String label() {
    return target.kind().configName() + " websocket " + target.safeBaseUrl();
  }

  /** The {@code type} of an event's JSON, or empty. */
  static String typeOf(String json) {
    try {
      Object t = new JsonObject(json).getValue("type");
      return t instanceof String ? (String) t : "";
    } catch (RuntimeException e) {
      return "";
    }
  }
}
