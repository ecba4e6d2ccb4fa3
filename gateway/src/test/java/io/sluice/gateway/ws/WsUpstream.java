package io.sluice.gateway.ws;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Responses upstream on loopback: the WebSocket at {@code /v1/responses} and, at the same path,
 * {@code POST} with SSE. The answer is {@code echo: <last user text>}. With {@link #hold} set, a
 * turn sends its first two events and then nothing, until the connection goes away.
 */
final class WsUpstream implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final AtomicInteger ids = new AtomicInteger();
  final AtomicInteger sockets = new AtomicInteger();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<JsonObject> creates = new CopyOnWriteArrayList<>();
  final List<JsonObject> posts = new CopyOnWriteArrayList<>();
  /** Counted down when a held turn's connection (socket or HTTP) closes. */
  final CountDownLatch heldClosed = new CountDownLatch(1);
  volatile boolean hold;
  /** When set, a WebSocket turn's answer repeats the Authorization header it was opened with. */
  volatile boolean leakKey;
  /** When positive, a turn is this many 64 KiB deltas, written as fast as the socket takes them. */
  volatile int flood;
  /** Counted down when a flood was written whole. */
  final CountDownLatch floodDone = new CountDownLatch(1);
  /** Deltas of the flood written so far. */
  final AtomicInteger floodSent = new AtomicInteger();

  WsUpstream() throws Exception {
    server = vertx.createHttpServer()
        .requestHandler(this::post)
        .webSocketHandshakeHandler(handshake -> {
          authorizations.add(String.valueOf(handshake.headers().get("authorization")));
          handshake.accept().onSuccess(this::socket);
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  private void socket(ServerWebSocket ws) {
    sockets.incrementAndGet();
    ws.textMessageHandler(text -> {
      JsonObject m = new JsonObject(text);
      creates.add(m);
      boolean held = hold;
      if (held) {
        ws.closeHandler(v -> heldClosed.countDown());
      }
      if (flood > 0) {
        flood(ws, flood);
        return;
      }
      List<JsonObject> events = answer(m);
      if (leakKey) {
        String auth = ws.headers().get("authorization");
        events.add(1, new JsonObject().put("type", "response.in_progress")
            .put("note", "opened with " + auth));
      }
      for (JsonObject e : held ? events.subList(0, 2) : events) {
        ws.writeTextMessage(e.encode());
      }
    });
  }

  private void flood(ServerWebSocket ws, int left) {
    String piece = "x".repeat(64 * 1024);
    int n = left;
    while (n > 0 && !ws.writeQueueFull() && !ws.isClosed()) {
      ws.writeTextMessage(new JsonObject().put("type", "response.output_text.delta")
          .put("item_id", "msg_f").put("output_index", 0).put("content_index", 0)
          .put("delta", piece).encode());
      n--;
      floodSent.incrementAndGet();
    }
    if (n == 0) {
      floodDone.countDown();
    } else if (ws.writeQueueFull()) {
      int rest = n;
      ws.drainHandler(v -> flood(ws, rest));
    }
  }

  private void post(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      JsonObject m = body.toJsonObject();
      posts.add(m);
      boolean held = hold;
      if (held) {
        request.connection().closeHandler(v -> heldClosed.countDown());
      }
      var response = request.response().setChunked(true)
          .putHeader("content-type", "text/event-stream");
      List<JsonObject> events = answer(m);
      for (JsonObject e : held ? events.subList(0, 2) : events) {
        response.write("event: " + e.getString("type") + "\ndata: " + e.encode() + "\n\n");
      }
      if (!held) {
        response.end();
      }
    });
  }

  private List<JsonObject> answer(JsonObject m) {
    String id = "resp_" + ids.incrementAndGet();
    String model = m.getString("model", "");
    JsonArray input = m.getJsonArray("input", new JsonArray());
    String text = "echo: " + lastText(input);
    List<JsonObject> events = new ArrayList<>();
    events.add(new JsonObject().put("type", "response.created").put("response",
        response(id, model, "in_progress", new JsonArray())));
    JsonObject msg = new JsonObject().put("id", "msg_" + id).put("type", "message")
        .put("status", "in_progress").put("role", "assistant").put("content", new JsonArray());
    events.add(new JsonObject().put("type", "response.output_item.added").put("output_index", 0)
        .put("item", msg.copy()));
    JsonObject part = new JsonObject().put("type", "output_text").put("text", "")
        .put("annotations", new JsonArray());
    events.add(new JsonObject().put("type", "response.content_part.added")
        .put("item_id", "msg_" + id).put("output_index", 0).put("content_index", 0)
        .put("part", part.copy()));
    for (String piece : text.split("(?<= )")) {
      events.add(new JsonObject().put("type", "response.output_text.delta")
          .put("item_id", "msg_" + id).put("output_index", 0).put("content_index", 0)
          .put("delta", piece));
    }
    events.add(new JsonObject().put("type", "response.output_text.done")
        .put("item_id", "msg_" + id).put("output_index", 0).put("content_index", 0)
        .put("text", text));
    part.put("text", text);
    msg.put("status", "completed").put("content", new JsonArray().add(part));
    events.add(new JsonObject().put("type", "response.output_item.done").put("output_index", 0)
        .put("item", msg));
    events.add(new JsonObject().put("type", "response.completed").put("response",
        response(id, model, "completed", new JsonArray().add(msg)).put("usage", new JsonObject()
            .put("input_tokens", 7).put("output_tokens", 3).put("total_tokens", 10))));
    for (int i = 0; i < events.size(); i++) {
      events.get(i).put("sequence_number", i);
    }
    return events;
  }

  private static JsonObject response(String id, String model, String status, JsonArray output) {
    return new JsonObject().put("id", id).put("object", "response").put("created_at", 1)
        .put("status", status).put("model", model).put("output", output);
  }

  private static String lastText(JsonArray input) {
    if (input.isEmpty()) {
      return "";
    }
    Object last = input.getValue(input.size() - 1);
    if (!(last instanceof JsonObject)) {
      return String.valueOf(last);
    }
    Object content = ((JsonObject) last).getValue("content");
    if (content instanceof String) {
      return (String) content;
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray) {
      for (Object p : (JsonArray) content) {
        if (p instanceof JsonObject && ((JsonObject) p).containsKey("text")) {
          sb.append(((JsonObject) p).getString("text"));
        }
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
