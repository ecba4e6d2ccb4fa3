package io.sluice.gateway.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dashboard's event stream: bounded for a stalled reader, idle when nobody watches. */
class LiveFeedTest {
  /** No upstreams, no keys: this test is about the stream, not what it carries. */
  static final GatewayView EMPTY = new GatewayView() {
    @Override
    public List<Upstream> upstreams() {
      return List.of();
    }

    @Override
    public List<GatewayKey> keys() {
      return List.of();
    }
  };

  Vertx vertx;
  Recorder rec;
  LiveFeed feed;
  HttpServer server;
  final List<HttpServerResponse> responses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    rec = new Recorder();
    feed = new LiveFeed(vertx, rec, EMPTY, () -> false);
    server = vertx.createHttpServer(new HttpServerOptions())
        .requestHandler(req -> {
          responses.add(req.response());
          feed.join(req.response());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void until(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 25_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 25 s");
      }
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
    }
  }

  /**
   * 500 finished requests with long model names: about 1 MB of JSON per update, so that the
   * kernel's socket buffers (a few MB on loopback, whatever the socket asks) fill within seconds.
   */
  void traffic() {
    long now = System.currentTimeMillis();
    String model = "m".repeat(2000);
    for (int i = 0; i < Recorder.RECENT; i++) {
      rec.ended(new RequestRecord(now, now, "k", "/v1/chat/completions", model + i, "", "", 200,
          5, 10, 1, 2, 0, 0, 0, "stop", "", ""));
    }
  }

  Socket stalledReader() throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5000);
    OutputStream out = s.getOutputStream();
    out.write("GET /dashboard/events HTTP/1.1\r\nHost: x\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  @Test
  void aStalledViewerSkipsUpdatesInsteadOfQueuingThem() throws Exception {
    long traffic = vertx.setPeriodic(500, id -> traffic());
    try (Socket reader = stalledReader()) {
      until(() -> feed.skipped.get() >= 1);
      HttpServerResponse res = responses.get(0);
      long written = res.bytesWritten();
      long updates = feed.updates.get();
      until(() -> feed.updates.get() >= updates + 3);
      assertThat(feed.skipped.get()).isGreaterThanOrEqualTo(3);
      // Nothing more was queued for it while it stalled: what it holds stays what it held.
      assertThat(res.bytesWritten()).isEqualTo(written);
    } finally {
      vertx.cancelTimer(traffic);
    }
  }

  @Test
  void aViewerThatCatchesUpGetsAWholeUpdateAgain() throws Exception {
    long traffic = vertx.setPeriodic(500, id -> traffic());
    try (Socket reader = stalledReader()) {
      until(() -> feed.skipped.get() >= 1);
      vertx.cancelTimer(traffic);
      InputStream in = reader.getInputStream();
      reader.setSoTimeout(15_000);
      byte[] buf = new byte[65536];
      StringBuilder tail = new StringBuilder();
      int fulls = 0;
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (fulls < 2 && System.nanoTime() < deadline) { // the first on joining, then one more
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        tail.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        int at;
        while ((at = tail.indexOf("\"full\":")) >= 0 && tail.length() >= at + 11) {
          if (tail.indexOf("\"full\":true", at) == at) {
            fulls++;
          }
          tail.delete(0, at + 7);
        }
        if (tail.length() > 64) {
          tail.delete(0, tail.length() - 64);
        }
      }
      assertThat(fulls).isEqualTo(2);
    } finally {
      vertx.cancelTimer(traffic);
    }
  }

  @Test
  void nothingIsComputedWhileNobodyWatches() throws Exception {
    assertThat(feed.running()).isFalse();
    try (Socket reader = stalledReader()) {
      until(() -> feed.updates.get() >= 1);
      assertThat(feed.running()).isTrue();
    }
    until(() -> !feed.running()); // the last viewer left: the timer stops
    assertThat(feed.viewers()).isZero();
  }
}
