package io.sluice.client.ws;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Responses server on loopback that serves both {@code POST /v1/responses} (SSE) and the
 * WebSocket at the same path, like the upstream: it accepts {@code response.create}, streams
 * events, keeps each response's context by id, and can be told to lose that state, drop in the
 * middle of a turn, refuse connections, or close with a code.
 *
 * <p>The "model": a last input item that is a tool result, or a user message starting with
 * {@code tool}, gets a call of {@code lookup}; anything else gets {@code echo(N): <text>} where N is
 * how many input items the model saw in all (so tests see whether the full context arrived).
 */
final class ResponsesUpstream implements AutoCloseable {

  /** One {@code response.create} as received, and on which connection. */
  record Create(int connection, JsonObject message) {
    boolean incremental() {
      return message.containsKey("previous_response_id");
    }

    JsonArray input() {
      return message.getJsonArray("input", new JsonArray());
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, JsonArray> state = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  final AtomicInteger connectionsOpened = new AtomicInteger();
  final Set<ServerWebSocket> open = ConcurrentHashMap.newKeySet();
  final List<Create> creates = new CopyOnWriteArrayList<>();
  final List<JsonObject> posts = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final List<String> violations = new CopyOnWriteArrayList<>();

  volatile boolean refuse;
  volatile boolean silentWarmUp;
  /** Answers a warm-up ({@code generate:false}) with an error event. */
  volatile boolean failWarmUp;
  volatile boolean terminalAsDone;
  /** Drop the next generating turn after this many events, with {@link #dropCode}. */
  volatile int dropAfter = -1;
  volatile short dropCode = 1011;
  volatile boolean limitReachedNext;
  /** Holds the next generating turn after its first events until completed. */
  volatile CompletableFuture<Void> hold;
  final CompletableFuture<Void> held = new CompletableFuture<>();

  ResponsesUpstream() throws Exception {
    server = vertx.createHttpServer()
        .requestHandler(this::post)
        .webSocketHandshakeHandler(handshake -> {
          if (refuse || !handshake.path().equals("/v1/responses")) {
            handshake.reject(503);
            return;
          }
          authorizations.add(String.valueOf(handshake.headers().get("authorization")));
          handshake.accept().onSuccess(this::socket);
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  void loseState() {
    state.clear();
  }

  /** Closes every open socket with {@code code}, between turns. */
  void closeAll(short code) throws Exception {
    for (ServerWebSocket ws : open) {
      ws.close(code, "told to").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  List<Create> generating() {
    return creates.stream().filter(c -> c.message().getBoolean("generate", true)).toList();
  }

  Create lastCreate() {
    return creates.get(creates.size() - 1);
  }

  private void post(HttpServerRequest request) {
    if (!request.method().name().equals("POST") || !request.path().equals("/v1/responses")) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.body().onSuccess(body -> {
      JsonObject m = body.toJsonObject();
      posts.add(m);
      var response = request.response().setChunked(true)
          .putHeader("content-type", "text/event-stream");
      JsonArray context = context(m);
      if (context == null) {
        response.setStatusCode(400).putHeader("content-type", "application/json")
            .end(notFound(m).getJsonObject("error").encode());
        return;
      }
      List<JsonObject> events = answer(m, context);
      for (JsonObject e : events) {
        response.write("event: " + e.getString("type") + "\ndata: " + e.encode() + "\n\n");
      }
      response.end();
    });
  }

  private void socket(ServerWebSocket ws) {
    int number = connectionsOpened.incrementAndGet();
    open.add(ws);
    ws.closeHandler(v -> open.remove(ws));
    boolean[] busy = new boolean[1];
    ws.textMessageHandler(text -> {
      JsonObject m = new JsonObject(text);
      creates.add(new Create(number, m));
      if (!"response.create".equals(m.getString("type"))) {
        violations.add("not a response.create: " + text);
        return;
      }
      if (m.containsKey("stream")) {
        violations.add("stream sent over the socket");
      }
      if (busy[0]) {
        violations.add("a second response.create while one was in flight");
        send(ws, error("response_already_in_flight", "one response at a time"));
        return;
      }
      if (limitReachedNext) {
        limitReachedNext = false;
        send(ws, error("websocket_connection_limit_reached", "60 minutes"));
        ws.close((short) 1000, "limit");
        return;
      }
      JsonArray context = context(m);
      if (context == null) {
        send(ws, notFound(m));
        return;
      }
      boolean warmUp = !m.getBoolean("generate", true);
      if (warmUp && silentWarmUp) {
        return;
      }
      if (warmUp && failWarmUp) {
        send(ws, error("server_error", "the warm-up failed"));
        return;
      }
      List<JsonObject> events = answer(m, context);
      busy[0] = true;
      stream(ws, events, warmUp, () -> busy[0] = false);
    });
  }

  private void stream(ServerWebSocket ws, List<JsonObject> events, boolean warmUp,
      Runnable done) {
    int drop = warmUp ? -1 : dropAfter;
    if (drop >= 0) {
      dropAfter = -1;
      for (int i = 0; i < drop; i++) {
        send(ws, events.get(i));
      }
      ws.close(dropCode, "dropped");
      return;
    }
    CompletableFuture<Void> gate = warmUp ? null : hold;
    if (gate != null) {
      hold = null;
      for (int i = 0; i < 3; i++) {
        send(ws, events.get(i));
      }
      held.complete(null);
      var context = vertx.getOrCreateContext();
      gate.thenRun(() -> context.runOnContext(v -> {
        for (JsonObject e : events.subList(3, events.size())) {
          send(ws, e);
        }
        done.run();
      }));
      return;
    }
    for (JsonObject e : events) {
      send(ws, e);
    }
    done.run();
  }

  private void send(ServerWebSocket ws, JsonObject event) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(event.encode());
    }
  }

  /** The whole context the model sees, or null when the previous response is unknown. */
  private JsonArray context(JsonObject m) {
    JsonArray all = new JsonArray();
    String previous = m.getString("previous_response_id");
    if (previous != null) {
      JsonArray before = state.get(previous);
      if (before == null) {
        return null;
      }
      all.addAll(before);
    }
    all.addAll(m.getJsonArray("input", new JsonArray()));
    return all;
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("type", "error").put("status", 400).put("error", new JsonObject()
        .put("type", "invalid_request_error").put("code", code).put("message", message)
        .putNull("param"));
  }

  private static JsonObject notFound(JsonObject m) {
    return error("previous_response_not_found", "Previous response with id '"
        + m.getString("previous_response_id") + "' not found.");
  }

  /** The events of the answer; the context and the answer are kept under the response's id. */
  private List<JsonObject> answer(JsonObject m, JsonArray context) {
    int n = ids.incrementAndGet();
    String id = "resp_" + n;
    String model = m.getString("model", "");
    List<JsonObject> events = new java.util.ArrayList<>();
    JsonArray output = new JsonArray();
    events.add(new JsonObject().put("type", "response.created").put("response", response(id,
        model, "in_progress", new JsonArray())));
    events.add(new JsonObject().put("type", "response.in_progress").put("response", response(id,
        model, "in_progress", new JsonArray())));
    if (m.getBoolean("generate", true)) {
      JsonObject last = context.isEmpty() ? new JsonObject() : context.getJsonObject(
          context.size() - 1);
      String lastText = text(last);
      if ("function_call_output".equals(last.getString("type")) || lastText.startsWith("tool")) {
        String item = "fc_" + n;
        String args = "{\"q\":" + n + "}";
        JsonObject call = new JsonObject().put("id", item).put("type", "function_call")
            .put("status", "in_progress").put("arguments", "").put("call_id", "call_" + n)
            .put("name", "lookup");
        events.add(new JsonObject().put("type", "response.output_item.added")
            .put("output_index", 0).put("item", call.copy()));
        events.add(new JsonObject().put("type", "response.function_call_arguments.delta")
            .put("item_id", item).put("output_index", 0).put("delta", args.substring(0, 5)));
        events.add(new JsonObject().put("type", "response.function_call_arguments.delta")
            .put("item_id", item).put("output_index", 0).put("delta", args.substring(5)));
        events.add(new JsonObject().put("type", "response.function_call_arguments.done")
            .put("item_id", item).put("output_index", 0).put("arguments", args));
        call.put("status", "completed").put("arguments", args);
        events.add(new JsonObject().put("type", "response.output_item.done")
            .put("output_index", 0).put("item", call));
        output.add(call);
      } else {
        String item = "msg_" + n;
        String answer = "echo(" + context.size() + "): " + lastText;
        JsonObject msg = new JsonObject().put("id", item).put("type", "message")
            .put("status", "in_progress").put("role", "assistant").put("content", new JsonArray());
        events.add(new JsonObject().put("type", "response.output_item.added")
            .put("output_index", 0).put("item", msg.copy()));
        JsonObject part = new JsonObject().put("type", "output_text").put("text", "")
            .put("annotations", new JsonArray());
        events.add(new JsonObject().put("type", "response.content_part.added")
            .put("item_id", item).put("output_index", 0).put("content_index", 0)
            .put("part", part.copy()));
        for (String piece : answer.split("(?<= )")) {
          events.add(new JsonObject().put("type", "response.output_text.delta")
              .put("item_id", item).put("output_index", 0).put("content_index", 0)
              .put("delta", piece));
        }
        events.add(new JsonObject().put("type", "response.output_text.done")
            .put("item_id", item).put("output_index", 0).put("content_index", 0)
            .put("text", answer));
        part.put("text", answer);
        events.add(new JsonObject().put("type", "response.content_part.done")
            .put("item_id", item).put("output_index", 0).put("content_index", 0)
            .put("part", part.copy()));
        msg.put("status", "completed").put("content", new JsonArray().add(part));
        events.add(new JsonObject().put("type", "response.output_item.done")
            .put("output_index", 0).put("item", msg));
        output.add(msg);
      }
    }
    JsonObject done = response(id, model, "completed", output).put("usage", new JsonObject()
        .put("input_tokens", context.size()).put("output_tokens", 3)
        .put("total_tokens", context.size() + 3));
    events.add(new JsonObject().put("type", terminalAsDone ? "response.done"
        : "response.completed").put("response", done));
    for (int i = 0; i < events.size(); i++) {
      events.get(i).put("sequence_number", i);
    }
    JsonArray kept = context.copy();
    kept.addAll(output);
    state.put(id, kept);
    return events;
  }

  private static JsonObject response(String id, String model, String status, JsonArray output) {
    return new JsonObject().put("id", id).put("object", "response").put("created_at", 1)
        .put("status", status).put("model", model).put("output", output);
  }

  /** The text of a message item, or empty. */
  private static String text(JsonObject item) {
    Object content = item.getValue("content");
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof JsonArray parts) {
      StringBuilder sb = new StringBuilder();
      for (Object p : parts) {
        if (p instanceof JsonObject o && o.containsKey("text")) {
          sb.append(o.getString("text"));
        }
      }
      return sb.toString();
    }
    return "";
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
