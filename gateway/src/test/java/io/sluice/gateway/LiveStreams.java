package io.sluice.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Many streams held open at once through a gateway, each read whole by a Vert.x client (one
 * connection per stream), for the drain and reload tests.
 */
final class LiveStreams implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient client;
  private final int port;
  final List<Stream> streams = new ArrayList<>();

  LiveStreams(int port, int connections) {
    this.port = port;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(connections));
  }

  /** What one stream got: its status, every byte, when its first bytes came and when it ended. */
  static final class Stream {
    final String path;
    final String model;
    final Buffer body = Buffer.buffer();
    final CompletableFuture<Void> firstBytes = new CompletableFuture<>();
    /** The status once the body ended; exceptionally when the connection broke. */
    final CompletableFuture<Integer> ended = new CompletableFuture<>();
    volatile int status;

    Stream(String path, String model) {
      this.path = path;
      this.model = model;
    }

    synchronized String text() {
      return body.toString();
    }
  }

  /** Opens a stream on {@code path} for {@code model}, paced by the mock header. */
  Stream open(String path, String model, String mock) {
    Stream s = new Stream(path, model);
    streams.add(s);
    String json = path.equals("/v1/chat/completions")
        ? "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}"
        : path.equals("/v1/messages")
        ? "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":1000,\"messages\":"
            + "[{\"role\":\"user\",\"content\":\"hi\"}]}"
        : "{\"model\":\"" + model + "\",\"stream\":true,\"input\":\"hi\"}";
    client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
            .setPort(port).setURI(path).putHeader("content-type", "application/json")
            .putHeader("x-sluice-mock", mock))
        .compose(req -> req.send(json))
        .onSuccess(resp -> {
          s.status = resp.statusCode();
          resp.handler(chunk -> {
            synchronized (s) {
              s.body.appendBuffer(chunk);
            }
            s.firstBytes.complete(null);
          });
          resp.endHandler(v -> s.ended.complete(resp.statusCode()));
          resp.exceptionHandler(s.ended::completeExceptionally);
        })
        .onFailure(t -> {
          s.firstBytes.completeExceptionally(t);
          s.ended.completeExceptionally(t);
        });
    return s;
  }

  /** Waits until every stream has had its first bytes. */
  void awaitFirstBytes(long seconds) throws Exception {
    CompletableFuture.allOf(streams.stream().map(s -> s.firstBytes)
        .toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
  }

  /** Waits until every stream ended, well or not. */
  void awaitEnded(long seconds) throws Exception {
    CompletableFuture.allOf(streams.stream().map(s -> s.ended.handle((v, t) -> 0))
        .toArray(CompletableFuture[]::new)).get(seconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
        .join();
  }
}
