package io.sluice.gateway.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/1.1 upstream clients of one event loop: each takes at most its share of requests in
 * flight, a quiet loop keeps to the first and its warm connections, and every way a request can
 * end gives its count back.
 */
class Http1ShardsTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
  private final Context loop = vertx.getOrCreateContext();
  /** Answers held open after their head and first chunk, until the test ends them. */
  private final List<HttpServerResponse> held = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int upstream() throws Exception {
    HttpServer server = vertx.createHttpServer()
        .connectionHandler(c -> connections.incrementAndGet())
        .requestHandler(req -> {
          HttpServerResponse res = req.response().setChunked(true);
          switch (req.path()) {
            case "/error" -> res.setStatusCode(500).end("{\"error\":\"no\"}");
            case "/cut" -> {
              res.write("data: {}\n\n");
              req.connection().close();
            }
            default -> {
              res.write("data: {}\n\n");
              held.add(res);
            }
          }
        });
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).actualPort();
  }

  private Http1Shards shards(int maxClients) throws Exception {
    return on(() -> new Http1Shards(() -> vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true))
        .with(new PoolOptions().setHttp1MaxSize(1000)).build(), maxClients));
  }

  /** Runs on the loop that owns the shards, as the gateway does. */
  private <T> T on(Callable<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.runOnContext(v -> {
      try {
        result.complete(action.call());
      } catch (Exception e) {
        result.completeExceptionally(e);
      }
    });
    return result.get(10, TimeUnit.SECONDS);
  }

  /**
   * Sends a request; its answer's head completes the future. A test ends with answers still open,
   * which closing Vert.x cuts: that is expected, so the answer's stream does not log it.
   */
  private Future<HttpClientResponse> send(Http1Shards shards, int port, String path) {
    return shards.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(port).setURI(path))
        .compose(req -> req.send(Buffer.buffer("{}")))
        .map(res -> res.exceptionHandler(cut -> { }));
  }

  /**
   * Waits until a condition holds, checked on the shards' loop after each of its turns that a
   * 1 ms timer lets through: the counts change in that loop's callbacks, so no check sees half
   * of one.
   */
  private void until(Callable<Boolean> done, String what) throws Exception {
    CompletableFuture<Void> met = new CompletableFuture<>();
    loop.runOnContext(v -> check(done, met));
    try {
      met.get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      met.cancel(false);
      throw new AssertionError("not within 20 s: " + what);
    }
  }

  private void check(Callable<Boolean> done, CompletableFuture<Void> met) {
    if (met.isDone()) {
      return;
    }
    try {
      if (done.call()) {
        met.complete(null);
      } else {
        vertx.setTimer(1, id -> check(done, met));
      }
    } catch (Exception e) {
      met.completeExceptionally(e);
    }
  }

  @Test
  void eachClientTakesItsShareAndAQuietLoopKeepsToTheFirst() throws Exception {
    int port = upstream();
    Http1Shards shards = shards(16);

    on(() -> {
      for (int i = 0; i < 150; i++) {
        send(shards, port, "/stream");
      }
      return null;
    });
    until(() -> held.size() == 150, "150 answers begun");

    assertThat(on(shards::inFlight)).containsExactly(64, 64, 22);
    assertThat(connections.get()).isEqualTo(150);

    held.forEach(HttpServerResponse::end);
    held.clear();
    until(() -> java.util.Arrays.stream(shards.inFlight()).sum() == 0, "every count given back");

    on(() -> send(shards, port, "/stream"));
    until(() -> held.size() == 1, "one more answer begun");
    assertThat(on(shards::inFlight)).containsExactly(1, 0, 0);
    assertThat(connections.get()).as("a kept-alive connection of the first client").isEqualTo(150);
  }

  @Test
  void everyWayARequestEndsGivesItsCountBack() throws Exception {
    int port = upstream();
    Http1Shards shards = shards(4);
    int closed = freePortWithNothingOnIt();
    CompletableFuture<String> outcomes = new CompletableFuture<>();

    on(() -> {
      Future<?> refused = send(shards, closed, "/stream");
      Future<?> error = send(shards, port, "/error").compose(HttpClientResponse::body);
      Future<?> cut = send(shards, port, "/cut")
          .compose(res -> res.exceptionHandler(e -> { }).end());
      Future<?> reset = shards.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(port).setURI("/stream"))
          .compose(req -> req.exceptionHandler(e -> { }).reset());
      Future.join(refused, error, cut, reset).onComplete(all -> outcomes.complete(
          refused.failed() + " " + error.succeeded() + " " + cut.failed() + " " + reset.succeeded()));
      return null;
    });

    assertThat(outcomes.get(20, TimeUnit.SECONDS)).isEqualTo("true true true true");
    until(() -> shards.inFlight()[0] == 0, "the four counts given back");
    assertThat(on(shards::inFlight)).containsExactly(0);
  }

  @Test
  void whenEveryClientIsFullTheLeastBusyTakesMore() throws Exception {
    Http1Shards shards = new Http1Shards(() -> null, 2);
    for (int i = 0; i < 2 * Http1Shards.STREAMS; i++) {
      shards.take();
    }

    assertThat(shards.take()).isZero();
    shards.release(1);
    shards.release(1);
    assertThat(shards.take()).as("room again on the second").isEqualTo(1);
    assertThat(shards.inFlight()).containsExactly(Http1Shards.STREAMS + 1, Http1Shards.STREAMS - 1);
  }

  private static int freePortWithNothingOnIt() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
