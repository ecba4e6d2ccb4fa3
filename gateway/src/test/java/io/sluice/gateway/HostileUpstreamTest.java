package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstreams that misbehave on purpose (docs/reliability.md, "Hostile upstreams"): each test reads
 * what the client receives and what the upstream saw, not only the log.
 */
class HostileUpstreamTest {
  static final String KEY = "sk-upstream-hostile-0123456789";
  static final String CHAT = FailuresTest.CHAT_STREAM;
  static final String CHAT_WITH_USAGE = FaultMatrixTest.CHAT_WITH_USAGE;
  static final String CHAT_BODY = """
      {"model":"m","messages":[{"role":"user","content":"hi"}]}""";
  static final String MESSAGES_BODY = """
      {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""";
  /** The limit the tests set for one upstream event. */
  static final int EVENT_LIMIT = 4096;
  static final String FIRST_CHUNK = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\","
      + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n";

  private static GatewayHarness gateway(LoopbackUpstream up, UpstreamKind kind, String... keys) {
    GatewayLimits limits = GatewayLimits.defaults().toBuilder().maxEventBytes(EVENT_LIMIT).build();
    return new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
        Target.of(kind, up.baseUrl(), keys))))).withLimits(limits));
  }

  private static String bigChatEvent() {
    return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":"
        + "[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(2 * EVENT_LIMIT) + "\"}}]}\n\n";
  }

  // ---- a reader failure ends the client's stream with its format's terminal error ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"default", "include_usage"})
  void anEventOverTheLimitEndsAChatStreamWithAnErrorAndDone(String which) throws Exception {
    String body = which.equals("default") ? CHAT : CHAT_WITH_USAGE;
    try (LoopbackUpstream up = LoopbackUpstream.streaming(
            FIRST_CHUNK + bigChatEvent() + "data: [DONE]\n\n");
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", body).build());
      FaultMatrixTest.oneChatTerminal(new FaultMatrixTest.Result(r.statusCode(), r.body(), ""),
          true);
      assertThat(r.body()).contains("limits.max-event-bytes");
      // Re-framed, the event over the limit is not sent at all; passed through as it comes, what
      // went before the limit was passed is closed with a blank line, and the rest is not sent.
      assertThat(r.body()).doesNotContain(which.equals("default") ? "xxxx" : bigChatEvent());
      assertThat(FaultMatrixTest.oneLogLine(gw)).contains(io.sluice.core.event.Failed.LIMIT);
    }
  }

  @Test
  void anEventOverTheLimitEndsAnAnthropicStreamWithAnErrorEvent() throws Exception {
    String big = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + "y".repeat(2 * EVENT_LIMIT)
        + "\"}}\n\n";
    try (LoopbackUpstream up = LoopbackUpstream.streaming(big
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", FailuresTest.MESSAGES_STREAM)
          .build());
      FaultMatrixTest.oneAnthropicTerminal(
          new FaultMatrixTest.Result(r.statusCode(), r.body(), ""), "event: error");
      assertThat(r.body()).contains("limits.max-event-bytes");
    }
  }

  @Test
  void anEventOverTheLimitEndsATranslatedStreamAndCancelsTheUpstream() throws Exception {
    // The upstream sends the big event and then holds its stream open: the client must hear the
    // error at once, and the upstream see its connection closed.
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.startStream();
          call.write(bigChatEvent());
        });
        GatewayHarness gw = gateway(up, UpstreamKind.OPENAI_CHAT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", FailuresTest.MESSAGES_STREAM)
          .build());
      FaultMatrixTest.oneAnthropicTerminal(
          new FaultMatrixTest.Result(r.statusCode(), r.body(), ""), "event: error");
      up.calls.get(0).closedAtNanos.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void anEventLargerThanOneReadUnderTheLimitPassesWhole() throws Exception {
    // 200 KB of text in one event: it comes in many reads, and in many pieces of Netty's decoding
    // (8 KiB at most each), each read through the event loop's array, and leaves as it came.
    String big = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "0123456789".repeat(20_000)
        + "\"}}]}\n\n";
    String transcript = FIRST_CHUNK + big + "data: [DONE]\n\n";
    try (LoopbackUpstream up = LoopbackUpstream.streaming(transcript);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.SAME_AS_CLIENT,
            up.baseUrl(), KEY)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(transcript);
      assertThat(FaultMatrixTest.oneLogLine(gw)).contains(" 200 ").contains("finish=stop");
    }
  }

  @Test
  void anEndlessLineIsCutAtTheEventLimitAndTheClientHearsIt() throws Exception {
    AtomicLong sent = new AtomicLong();
    long bound = 256L * 1024 * 1024; // the test's own bound, far above what may be read
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.startStream();
          call.write("data: {\"id\":\"");
          call.request.response().exceptionHandler(t -> { }); // the gateway will cut it
          flood(call, Buffer.buffer("z".repeat(16 * 1024)), sent, bound);
        });
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      FaultMatrixTest.oneChatTerminal(new FaultMatrixTest.Result(r.statusCode(), r.body(), ""),
          true);
      assertThat(r.body()).contains("limits.max-event-bytes");
      up.calls.get(0).closedAtNanos.get(10, TimeUnit.SECONDS);
      // What was written before the close came through socket buffers: a few MiB at most.
      assertThat(sent.get()).isLessThan(64L * 1024 * 1024);
    }
  }

  /**
   * Writes {@code piece} four times a millisecond while the gateway keeps up, until the
   * connection closes (a tick, not a loop: a loop could fill Netty's buffer before a byte left).
   */
  private static void flood(LoopbackUpstream.Call call, Buffer piece, AtomicLong sent,
      long bound) {
    var response = call.request.response();
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.currentContext().owner();
    vertx.setPeriodic(1, id -> {
      if (call.closedAtNanos.isDone() || sent.get() > bound) {
        vertx.cancelTimer(id);
        return;
      }
      for (int i = 0; i < 4 && !response.writeQueueFull(); i++) {
        response.write(piece);
        sent.addAndGet(piece.length());
      }
    });
  }

  /** Reads the request and answers 200 with a chunked event stream's head and first chunk. */
  private static void answerWithFirstChunk(java.net.Socket s) throws java.io.IOException {
    s.getInputStream().read(new byte[8192]); // the request arrived
    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(FIRST_CHUNK.length())
        + "\r\n" + FIRST_CHUNK + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  // ---- a connection reset is the gateway's to tell, once, not Vert.x's through JUL ----

  @Test
  void aResetMidStreamPrintsNoSevereLineOutsideTheGatewaysLog() throws Exception {
    List<java.util.logging.LogRecord> severe = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
          severe.add(r);
        }
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress())) {
      Thread resetter = new Thread(() -> {
        try (java.net.Socket s = upstream.accept()) {
          answerWithFirstChunk(s);
          s.setSoLinger(true, 0); // close with a reset
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }, "resetting-upstream");
      resetter.setDaemon(true);
      resetter.start();
      try (GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.SAME_AS_CLIENT,
          "http://127.0.0.1:" + upstream.getLocalPort() + "/v1")) {
        HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
        FaultMatrixTest.oneChatTerminal(new FaultMatrixTest.Result(r.statusCode(), r.body(), ""),
            true);
        assertThat(FaultMatrixTest.oneLogLine(gw)).contains("transport");
      }
    } finally {
      root.removeHandler(capture);
    }
    assertThat(severe).extracting(java.util.logging.LogRecord::getMessage).isEmpty();
  }

  // ---- a body whose chunked framing breaks mid-stream fails, and is never taken for an end ----

  @Test
  void aBrokenChunkSizeMidStreamEndsTheStreamWithATransportError() throws Exception {
    try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getLoopbackAddress())) {
      java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
      Thread server = new Thread(() -> {
        try (java.net.Socket s = upstream.accept()) {
          answerWithFirstChunk(s);
          // In the first chunk's read or in one of its own: either way after a whole chunk.
          s.getOutputStream().write("zz\r\ndata: x\r\n".getBytes(
              java.nio.charset.StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          // Held open: only the gateway's reading of the broken size can end the stream.
          while (s.getInputStream().read() >= 0) {
            // until the gateway closes its side
          }
          closed.countDown();
        } catch (java.io.IOException e) {
          closed.countDown();
        }
      }, "broken-chunk-upstream");
      server.setDaemon(true);
      server.start();
      try (GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.SAME_AS_CLIENT,
          "http://127.0.0.1:" + upstream.getLocalPort() + "/v1")) {
        HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
        assertThat(r.body()).startsWith(FIRST_CHUNK).doesNotContain("data: x");
        FaultMatrixTest.oneChatTerminal(new FaultMatrixTest.Result(r.statusCode(), r.body(), ""),
            true);
        assertThat(FaultMatrixTest.oneLogLine(gw)).contains("transport");
        assertThat(closed.await(10, java.util.concurrent.TimeUnit.SECONDS))
            .as("the gateway closed the broken connection").isTrue();
      }
    }
  }

  // ---- the upstream's key never reaches the client ----

  @Test
  void aKeyInAStreamingAnswersHeadersIsMasked() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.request.response().putHeader("x-echo-auth", call.headers.get("authorization"));
          call.startStream();
          call.write(FIRST_CHUNK + "data: [DONE]\n\n");
          call.end();
        });
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT, KEY)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      assertThat(r.headers().firstValue("x-echo-auth")).hasValue("Bearer ***");
      assertThat(r.headers().map().toString()).doesNotContain(KEY);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pass-through", "translated"})
  void aKeyInANonStreamingAnswerIsMasked(String which) throws Exception {
    String answer = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":"
        + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"your key is " + KEY
        + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,"
        + "\"completion_tokens\":1,\"total_tokens\":2}}";
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.request.response().putHeader("x-request-id", "req-" + KEY);
          call.answer(200, "application/json", answer);
        });
        GatewayHarness gw = gateway(up, UpstreamKind.OPENAI_CHAT, KEY)) {
      boolean translated = which.equals("translated");
      HttpResponse<String> r = gw.send(translated
          ? gw.post("/v1/messages", MESSAGES_BODY).build()
          : gw.post("/v1/chat/completions", CHAT_BODY).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("your key is ***").doesNotContain(KEY);
      assertThat(r.headers().firstValue("x-request-id")).hasValue("req-***");
    }
  }

  @Test
  void aKeyInAStreamedEventIsMaskedOnTheDefaultChatPath() throws Exception {
    String event = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + KEY + "\"}}]}\n\n";
    try (LoopbackUpstream up = LoopbackUpstream.streaming(event + "data: [DONE]\n\n");
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT, KEY)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      assertThat(r.body()).contains("***").doesNotContain(KEY).endsWith("data: [DONE]\n\n");
    }
  }

  // ---- a 2xx that is no JSON is a 502 naming what came ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"text/html; charset=utf-8", "text/event-stream"})
  void aNonStreamingAnswerOfAnotherTypeIsA502NamingIt(String type) throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(200, type, "<html><body>Sign in</body></html>"));
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT_BODY).build());
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("expected application/json", type.split(";")[0])
          .doesNotContain("Sign in");
      assertThat(FaultMatrixTest.oneLogLine(gw)).contains("not_json");
    }
  }

  @Test
  void anUntypedNonStreamingAnswerThatIsNoJsonIsA502() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
          call.request.response().setStatusCode(200).end("Sign in");
        });
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT_BODY).build());
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("no JSON").doesNotContain("Sign in");
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCompressedAnswerTheGatewayDidNotAskForIsA502(boolean stream) throws Exception {
    byte[] gzip = gzip(stream ? FIRST_CHUNK + "data: [DONE]\n\n" : "{\"id\":\"c1\"}");
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.request.response()
            .setStatusCode(200)
            .putHeader("Content-Type", stream ? "text/event-stream" : "application/json")
            .putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip)));
        GatewayHarness gw = gateway(up, UpstreamKind.SAME_AS_CLIENT)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          stream ? CHAT : CHAT_BODY).build());
      assertThat(r.headers().firstValue("content-encoding")).isEmpty();
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).contains("Content-Encoding gzip");
      assertThat(up.calls.get(0).headers.get("accept-encoding")).isEqualTo("identity");
    }
  }

  private static byte[] gzip(String text) throws Exception {
    var out = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.GZIPOutputStream(out)) {
      z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
