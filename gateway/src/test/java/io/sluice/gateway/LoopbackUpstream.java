package io.sluice.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real HTTP server on loopback standing in for a provider: each call's request is recorded, and
 * a script answers it. Records when the gateway closes a call's connection.
 */
final class LoopbackUpstream implements AutoCloseable {

  /** One received call. */
  static final class Call {
    final HttpServerRequest request;
    final String path;
    final Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final String body;
    final CompletableFuture<Long> closedAtNanos = new CompletableFuture<>();

    Call(HttpServerRequest request, String body) {
      this.request = request;
      this.path = request.path();
      request.headers().forEach(e -> headers.put(e.getKey(), e.getValue()));
      this.body = body;
      request.connection().closeHandler(v -> closedAtNanos.complete(System.nanoTime()));
    }

    /** Answers with a whole body. */
    void answer(int status, String contentType, String body) {
      request.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }

    /** Starts an SSE answer; write events with {@link #write}. */
    void startStream() {
      request.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
          .writeHead();
    }

    void write(String bytes) {
      request.response().write(Buffer.buffer(bytes));
    }

    void end() {
      request.response().end();
    }
  }

  final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final List<Call> calls = new CopyOnWriteArrayList<>();
  final int port;

  LoopbackUpstream(Consumer<Call> script) {
    // HTTP/1.1 and h2c with prior knowledge on one port; 10,000 streams per connection, as the
    // mock provider allows, so that the gateway never needs a second connection for want of one.
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true)
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(10_000)))
        .requestHandler(req -> req.body().onSuccess(b -> {
      Call call = new Call(req, b.toString());
      calls.add(call);
      script.accept(call);
    }));
    try {
      port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Answers every call with the same SSE transcript, in one write. */
  static LoopbackUpstream streaming(String transcript) {
    return new LoopbackUpstream(call -> {
      call.startStream();
      call.write(transcript);
      call.end();
    });
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/v1";
  }

  /** Runs {@code action} on the upstream's event loop (Vert.x objects are not thread-safe). */
  void run(Runnable action) {
    vertx.runOnContext(v -> action.run());
  }

  @Override
  public void close() {
    vertx.close();
  }
}
