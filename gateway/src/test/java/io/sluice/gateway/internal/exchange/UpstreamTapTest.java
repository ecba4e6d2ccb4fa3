package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A streamed body read below Vert.x, over real connections to a Vert.x server: the body reaches
 * the attached reader whole and in order and none of it the response's handler, the response
 * still ends, and the connection serves the next request (read through the response); a reader
 * that pauses gets no more than the read under way until it resumes, and one paused on the body's
 * last piece leaves the connection reading for the next request; a reader that comes after the
 * head reads through the response.
 */
class UpstreamTapTest {
  /** One event loop: the client's connection and its requests on one thread, as in the gateway. */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private HttpClientAgent client;
  private int port;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A server whose {@code /stream} writes {@code parts} as chunks, and a client with the tap. */
  private void start(List<String> parts) throws Exception {
    port = vertx.createHttpServer().requestHandler(req -> {
      if (!req.path().equals("/stream")) {
        req.response().end("next");
        return;
      }
      HttpServerResponse response = req.response().setChunked(true);
      for (String part : parts) {
        response.write(part);
      }
      response.end();
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).actualPort();
    client = vertx.httpClientBuilder().with(new HttpClientOptions().setKeepAlive(true))
        .with(new PoolOptions().setHttp1MaxSize(1))
        .withConnectHandler(UpstreamTap::install).build();
  }

  /** What one request to {@code path} read: through the tap, through the response, and when. */
  private static final class Read implements UpstreamTap.Sink {
    final ByteArrayOutputStream tapped = new ByteArrayOutputStream();
    final ByteArrayOutputStream handled = new ByteArrayOutputStream();
    final CompletableFuture<String> ended = new CompletableFuture<>();
    UpstreamTap tap;
    Consumer<Read> onPiece = r -> { };

    @Override
    public void onBytes(ByteBuf content) {
      byte[] b = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), b);
      tapped.writeBytes(b);
      onPiece.accept(this);
    }
  }

  private Read get(String path, boolean attach, Consumer<Read> onPiece) throws Exception {
    Read read = new Read();
    read.onPiece = onPiece;
    vertx.runOnContext(v -> client.request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send()).onComplete(ar -> {
          if (ar.failed()) {
            read.ended.completeExceptionally(ar.cause());
            return;
          }
          HttpClientResponse response = ar.result();
          if (attach) {
            read.tap = UpstreamTap.attach(response, read);
          }
          response.handler(b -> read.handled.writeBytes(b.getBytes()));
          response.exceptionHandler(read.ended::completeExceptionally);
          response.endHandler(e -> read.ended.complete(
              read.tapped.toString(StandardCharsets.UTF_8) + "|"
                  + read.handled.toString(StandardCharsets.UTF_8)));
        }));
    read.ended.get(20, TimeUnit.SECONDS);
    return read;
  }

  private static List<String> parts(int count, int size) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String n = i + ":";
      parts.add(n + "x".repeat(size - n.length() - 1) + ";");
    }
    return parts;
  }

  @Test
  void theBodyGoesToTheReaderInOrderAndTheConnectionServesTheNextRequest() throws Exception {
    List<String> parts = parts(50, 100);
    start(parts);
    Read first = get("/stream", true, r -> { });
    assertThat(first.tap).isNotNull();
    assertThat(first.ended.get()).isEqualTo(String.join("", parts) + "|");
    // The same connection (a pool of one), read through the response when nothing attaches.
    Read next = get("/next", false, r -> { });
    assertThat(next.ended.get()).isEqualTo("|next");
    Read again = get("/stream", true, r -> { });
    assertThat(again.ended.get()).isEqualTo(String.join("", parts) + "|");
  }

  @Test
  void aReaderThatComesAfterTheHeadReadsThroughTheResponse() throws Exception {
    List<String> parts = parts(5, 100);
    start(parts);
    Read read = new Read();
    CompletableFuture<UpstreamTap> late = new CompletableFuture<>();
    vertx.runOnContext(v -> client.request(HttpMethod.GET, port, "127.0.0.1", "/stream")
        .compose(req -> req.send()).onComplete(ar -> {
          HttpClientResponse response = ar.result();
          response.pause(); // the body waits in Vert.x until the reader comes
          vertx.setTimer(50, t -> {
            late.complete(UpstreamTap.attach(response, read));
            response.handler(b -> read.handled.writeBytes(b.getBytes()));
            response.endHandler(e -> read.ended.complete(
                read.tapped.toString(StandardCharsets.UTF_8) + "|"
                    + read.handled.toString(StandardCharsets.UTF_8)));
            response.resume();
          });
        }));
    assertThat(late.get(20, TimeUnit.SECONDS)).isNull();
    assertThat(read.ended.get(20, TimeUnit.SECONDS)).isEqualTo("|" + String.join("", parts));
  }

  @Test
  void aPausedReaderGetsNoMoreThanWhatWasReadAlreadyUntilItResumes() throws Exception {
    // 8 MB: on loopback, far more than one read and than the sockets' buffers take.
    List<String> parts = parts(2_000, 4_000);
    start(parts);
    AtomicLong atPause = new AtomicLong(-1);
    AtomicLong atResume = new AtomicLong(-1);
    Read read = get("/stream", true, r -> {
      if (atPause.compareAndSet(-1, r.tapped.size())) {
        r.tap.pause(r);
        vertx.setTimer(300, t -> {
          atResume.set(r.tapped.size());
          r.tap.resume(r);
        });
      }
    });
    assertThat(read.ended.get()).isEqualTo(String.join("", parts) + "|");
    // While paused, only the rest of the read under way (Netty's reads are 64 KiB at most, up to
    // 16 of them in one go) came; unpaused, all 8 MB would have come in far less than 300 ms.
    assertThat(atResume.get() - atPause.get()).isBetween(0L, 1024L * 1024);
  }

  @Test
  void aReaderPausedOnTheLastPieceLeavesTheConnectionReadingForTheNext() throws Exception {
    List<String> parts = parts(3, 100);
    start(parts);
    String whole = String.join("", parts);
    // Paused once it has the whole body. Its resume, later, does nothing once the end has
    // detached it (the end came in the same read, as it nearly always does here); the end
    // must have set the connection reading again, or the next answer is never read.
    Read first = get("/stream", true, r -> {
      if (r.tapped.size() == whole.length()) {
        r.tap.pause(r);
        vertx.setTimer(300, t -> r.tap.resume(r));
      }
    });
    assertThat(first.ended.get()).isEqualTo(whole + "|");
    Read next = get("/next", false, r -> { }); // the same connection: a pool of one
    assertThat(next.ended.get()).isEqualTo("|next");
  }
}
