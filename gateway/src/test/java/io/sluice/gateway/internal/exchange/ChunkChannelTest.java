package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.internal.server.GatewayServer;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stream's chunks written below Vert.x's response reach the client as HTTP/1.1 chunks, in the
 * order of every write, Vert.x's own included, over a real connection read byte for byte: with a
 * client that reads at once, with one that has not read yet (the channel full), and followed by
 * another request on the same connection. Where the chunks cannot go below the response (before
 * the head, HTTP/1.0) none is offered.
 */
class ChunkChannelTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Starts a server with the gateway's options; returns its port. */
  private int serve(Handler<HttpServerRequest> handler) throws Exception {
    return serve(gatewayLike(), handler);
  }

  /** The gateway's own options: its thread mode is what keeps the writes in order. */
  private static HttpServerOptions gatewayLike() {
    return GatewayServer.clientFacing(GatewayLimits.defaults());
  }

  private int serve(HttpServerOptions options, Handler<HttpServerRequest> handler)
      throws Exception {
    HttpServer server = vertx.createHttpServer(options).requestHandler(handler);
    return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).actualPort();
  }

  /** {@code text} in a buffer that keeps the size line's room before it, as ReadOutput does. */
  private static ByteBuf framable(String text) {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    ByteBuf buf = Unpooled.buffer(ChunkChannel.SIZE_LINE_ROOM + b.length + 2);
    buf.setIndex(ChunkChannel.SIZE_LINE_ROOM, ChunkChannel.SIZE_LINE_ROOM).writeBytes(b);
    return buf;
  }

  @Test
  void chunksBelowTheResponseKeepTheOrderOfAllWritesAndTheConnectionServesTheNextRequest()
      throws Exception {
    CompletableFuture<Boolean> offered = new CompletableFuture<>();
    int port = serve(req -> {
      if (req.path().equals("/next")) {
        req.response().end("next");
        return;
      }
      req.response().setChunked(true);
      req.response().write("a");
      ChunkChannel chunks = ChunkChannel.of(req);
      offered.complete(chunks != null);
      // Sizes whose size lines take one, two and three hexadecimal digits.
      chunks.write(framable("x".repeat(15)), true);
      req.response().write("b");
      chunks.write(framable("y".repeat(16)), true);
      chunks.write(framable("z".repeat(256)), true);
      req.response().end("c");
    });
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      send(s, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
      String first = readResponse(s.getInputStream());
      assertThat(offered.get(10, TimeUnit.SECONDS)).isTrue();
      assertThat(first).startsWith("HTTP/1.1 200 OK\r\n").contains("transfer-encoding: chunked");
      assertThat(body(first)).isEqualTo("1\r\na\r\n" + "f\r\n" + "x".repeat(15) + "\r\n"
          + "1\r\nb\r\n" + "10\r\n" + "y".repeat(16) + "\r\n" + "100\r\n" + "z".repeat(256)
          + "\r\n" + "1\r\nc\r\n" + "0\r\n\r\n");
      send(s, "GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
      String next = readResponse(s.getInputStream());
      assertThat(next).startsWith("HTTP/1.1 200 OK\r\n").contains("content-length: 4").endsWith(
          "\r\n\r\nnext");
    }
  }

  @Test
  void aClientThatHasNotReadYetGetsEveryChunkInOrder() throws Exception {
    // More than the sockets' buffers take on loopback, so that most of it waits in the channel.
    int count = 3_000;
    String pad = "p".repeat(4_000);
    AtomicBoolean wasFull = new AtomicBoolean();
    CompletableFuture<Void> written = new CompletableFuture<>();
    int port = serve(req -> {
      req.response().setChunked(true).setWriteQueueMaxSize(64 * 1024);
      req.response().write("start;");
      ChunkChannel chunks = ChunkChannel.of(req);
      for (int i = 0; i < count; i++) {
        String part = i + ":" + pad + ";";
        if (i % 2 == 0) {
          chunks.write(framable(part), true);
        } else {
          req.response().write(part);
        }
        wasFull.compareAndSet(false, req.response().writeQueueFull());
      }
      req.response().end("end");
      written.complete(null);
    });
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      written.get(10, TimeUnit.SECONDS); // all of it written before the client reads a byte
      assertThat(wasFull).isTrue(); // and the writes met a full channel
      String response = readResponse(s.getInputStream());
      // Each part by its number (and whether its padding came whole), to keep failures short.
      List<String> got = new ArrayList<>();
      for (String part : dechunk(body(response)).split(";")) {
        int colon = part.indexOf(':');
        got.add(colon < 0 ? part
            : part.substring(0, colon) + (part.endsWith(":" + pad) ? "" : "?"));
      }
      List<String> expected = new ArrayList<>(List.of("start"));
      for (int i = 0; i < count; i++) {
        expected.add(Integer.toString(i));
      }
      expected.add("end");
      assertThat(got).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aChunkLeftUnflushedLeavesWithTheEndAndNotBefore() throws Exception {
    int port = serve(req -> {
      req.response().setChunked(true).write("a");
      ChunkChannel chunks = ChunkChannel.of(req);
      vertx.setTimer(50, t -> {
        chunks.write(framable("last"), false);
        vertx.setTimer(300, u -> req.response().end()); // nothing else flushes in between
      });
    });
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      send(s, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      // Each read as it came: the last chunk must come in the same read as the end's mark.
      List<String> reads = new ArrayList<>();
      StringBuilder all = new StringBuilder();
      byte[] block = new byte[8192];
      while (all.indexOf("0\r\n\r\n") < 0) {
        int n = s.getInputStream().read(block);
        assertThat(n).as("the connection closed after %s", reads).isPositive();
        String read = new String(block, 0, n, StandardCharsets.ISO_8859_1);
        reads.add(read);
        all.append(read);
      }
      assertThat(body(all.toString())).isEqualTo("1\r\na\r\n4\r\nlast\r\n0\r\n\r\n");
      assertThat(reads.get(reads.size() - 1)).isEqualTo("4\r\nlast\r\n0\r\n\r\n");
    }
  }

  @Test
  void noneIsOfferedBeforeTheHeadNorToAnHttp10Client() throws Exception {
    List<Boolean> offered = new ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    int port = serve(req -> {
      offered.add(ChunkChannel.of(req) != null); // before the head
      req.response().write(Buffer.buffer("a")); // HTTP/1.0: no chunks, the body ends at close
      offered.add(ChunkChannel.of(req) != null); // after it
      req.response().end();
      done.complete(null);
    });
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      send(s, "GET / HTTP/1.0\r\nHost: x\r\n\r\n");
      s.getInputStream().readAllBytes();
    }
    done.get(10, TimeUnit.SECONDS);
    assertThat(offered).containsExactly(false, false);
  }

  @Test
  void noneIsOfferedWhenAHandlerThatMayChangeWritesSitsAboveTheEncoder() throws Exception {
    CompletableFuture<Boolean> offered = new CompletableFuture<>();
    int port = serve(gatewayLike().setCompressionSupported(true), req -> {
      req.response().setChunked(true).write("a");
      offered.complete(ChunkChannel.of(req) != null);
      req.response().end();
    });
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      send(s, "GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
      assertThat(offered.get(10, TimeUnit.SECONDS)).isFalse();
    }
  }

  private static void send(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** One whole response: its head, then its chunked body to the last chunk, or its length. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] block = new byte[8192];
    int length = -1; // the body's declared length, once the head is in
    int headEnd = -1;
    String tail = ""; // the last bytes read, for the last chunk's mark
    while (true) {
      if (headEnd < 0) {
        String text = got.toString(StandardCharsets.ISO_8859_1);
        headEnd = text.indexOf("\r\n\r\n");
        if (headEnd >= 0) {
          String head = text.substring(0, headEnd).toLowerCase();
          int at = head.indexOf("content-length: ");
          length = at < 0 ? -1 : Integer.parseInt(head.substring(at + 16).split("\r\n")[0]);
        }
      }
      if (headEnd >= 0 && (length >= 0 ? got.size() >= headEnd + 4 + length
          : tail.endsWith("\r\n0\r\n\r\n"))) {
        return got.toString(StandardCharsets.ISO_8859_1);
      }
      int n;
      try {
        n = in.read(block);
      } catch (java.net.SocketTimeoutException e) {
        throw new IOException("no whole response after 20 s: " + got, e);
      }
      if (n < 0) {
        throw new IOException("closed early: " + got);
      }
      got.write(block, 0, n);
      String recent = tail + new String(block, 0, n, StandardCharsets.ISO_8859_1);
      tail = recent.substring(Math.max(0, recent.length() - 7));
    }
  }

  private static String body(String response) {
    return response.substring(response.indexOf("\r\n\r\n") + 4);
  }

  /** The bytes a chunked body carries, its framing checked on the way. */
  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, eol), 16);
      if (size == 0) {
        assertThat(body.substring(eol)).isEqualTo("\r\n\r\n");
        return out.toString();
      }
      out.append(body, eol + 2, eol + 2 + size);
      assertThat(body.substring(eol + 2 + size, eol + 4 + size)).isEqualTo("\r\n");
      at = eol + 4 + size;
    }
  }
}
