package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A target with {@code http2: true} is called over HTTP/2, its streams sharing connections. */
class Http2UpstreamTest {

  /**
   * No heartbeat within RawClient's 20 s read timeout: a stream that never starts fails the test
   * instead of keeping its socket alive (and the build waiting) for ever.
   */
  static final GatewayLimits QUIET = GatewayLimits.defaults().withHeartbeat(Duration.ofMinutes(1));

  private static GatewayHarness gatewayTo(LoopbackUpstream up, UpstreamKind kind) {
    return new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
        List.of(Target.of(kind, up.baseUrl()).withHttp2(true))))));
  }

  @Test
  void aPassThroughStreamGoesOverHttp2ByteForByte() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = gatewayTo(up, UpstreamKind.OPENAI_CHAT)) {
      HttpResponse<String> r =
          gw.send(gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build());
      assertThat(up.calls.get(0).request.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(PassThroughTest.CHAT);
    }
  }

  @Test
  void concurrentStreamsShareTheEventLoopsConnections() throws Exception {
    int streams = 24;
    Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    List<LoopbackUpstream.Call> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      connections.add(call.request.connection());
      waiting.add(call);
      if (waiting.size() == streams) { // every stream is open upstream at once, then all finish
        for (LoopbackUpstream.Call c : waiting) {
          c.startStream();
          c.write(PassThroughTest.CHAT);
          c.end();
        }
      }
    });
        GatewayHarness gw = gatewayTo(up, UpstreamKind.OPENAI_CHAT)) {
      sendAtOnceAndCheck(gw, streams);
      // One per front-door event loop at most, where HTTP/1.1 would have needed 24.
      assertThat(connections).hasSizeBetween(1, Runtime.getRuntime().availableProcessors());
    }
  }

  @Test
  void aClientThatLeavesResetsItsUpstreamStreamAndNotTheConnection() throws Exception {
    CompletableFuture<Void> reset = new CompletableFuture<>();
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.request.response().exceptionHandler(e -> {
        if (e instanceof StreamResetException) { // RST_STREAM, not the connection closing
          reset.complete(null);
        }
      });
      call.startStream();
      call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
    });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl()).withHttp2(true)))))
            .withLimits(QUIET))) {
      RawClient client =
          new RawClient(gw.gateway.port(), "/v1/chat/completions", DisconnectTest.STREAM);
      client.readUntil("\"Hi\"");
      client.close();
      reset.get(5, TimeUnit.SECONDS);
      assertThat(up.calls.get(0).closedAtNanos).isNotDone(); // the connection serves other streams
      Awaits.until(() -> gw.log.size() == 1);
      assertThat(gw.log.get(0)).contains(" 499 ", "error=client_closed");
    }
  }

  @Test
  void aTimeoutResetsOnlyItsStreamWhileSiblingsOnTheSameConnectionComplete() throws Exception {
    int siblings = 2 * Runtime.getRuntime().availableProcessors(); // some on every event loop
    CompletableFuture<Void> reset = new CompletableFuture<>();
    List<LoopbackUpstream.Call> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    LoopbackUpstream[] upstream = new LoopbackUpstream[1];
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      if (upstream[0].calls.size() == 1) { // the first stream sends a token, then nothing
        call.request.response().exceptionHandler(e -> {
          if (e instanceof StreamResetException) { // RST_STREAM, not the connection closing
            reset.complete(null);
          }
        });
        call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
        return;
      }
      held.add(call);
      // The siblings stay open, never idle, until the first stream is reset; then they finish.
      upstream[0].vertx.setPeriodic(50, id -> {
        if (!reset.isDone()) {
          call.write(": waiting\n\n");
          return;
        }
        upstream[0].vertx.cancelTimer(id);
        call.write(PassThroughTest.CHAT);
        call.end();
      });
    });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl()).withHttp2(true)))))
            .withLimits(QUIET.withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(500))))) {
      upstream[0] = up;
      RawClient stuck =
          new RawClient(gw.gateway.port(), "/v1/chat/completions", DisconnectTest.STREAM);
      stuck.readUntil("\"Hi\"");
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < siblings; i++) {
        answers.add(gw.http.sendAsync(
            gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      assertThat(stuck.readUntil("limits.idle-timeout")).contains("timeout");
      reset.get(5, TimeUnit.SECONDS);
      for (CompletableFuture<HttpResponse<String>> a : answers) {
        assertThat(a.get(20, TimeUnit.SECONDS).body()).endsWith(PassThroughTest.CHAT);
      }
      HttpConnection shared = up.calls.get(0).request.connection();
      assertThat(held).anyMatch(c -> c.request.connection() == shared);
      assertThat(up.calls.get(0).closedAtNanos).isNotDone();
      stuck.close();
    }
  }

  @Test
  void aRetryableAnswerOverHttp2FailsOverToTheNextTarget() throws Exception {
    try (LoopbackUpstream busy = new LoopbackUpstream(call -> call.answer(503,
            "application/json", "{\"error\":{\"message\":\"overloaded\"}}"));
        MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.OPENAI_CHAT, busy.baseUrl()).withHttp2(true),
            Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl()).withHttp2(true))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          FaultMatrixTest.CHAT_WITH_USAGE).header("x-sluice-mock", "tokens=3").build());
      assertThat(busy.calls.get(0).request.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
    }
  }

  /**
   * The mock drops an HTTP/2 answer by resetting its stream: the client gets one error chunk, as
   * for a dropped HTTP/1.1 connection, and the gateway's one connection to the mock stays open.
   */
  @Test
  void aStreamResetByTheUpstreamEndsThatStreamAndLeavesTheConnectionOpen() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl()).withHttp2(true))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          FaultMatrixTest.CHAT_WITH_USAGE).header("x-sluice-mock", "tokens=10, fault=drop-after:4")
          .build());
      FaultMatrixTest.oneChatTerminal(
          new FaultMatrixTest.Result(r.statusCode(), r.body(), ""), true);
      assertThat(FaultMatrixTest.oneLogLine(gw)).contains(" 200 ", "error=transport_error");
      if (Sockets.serverSide(mock.port()) >= 0) { // /proc/net/tcp readable
        assertThat(Sockets.serverSide(mock.port())).isEqualTo(1);
      }
    }
  }

  /**
   * A client that stops reading pauses its upstream stream, which then holds its whole stream
   * window unread. Siblings on the same connection still get their bytes: flow control holds
   * back only that stream, not the connection.
   */
  @Test
  void aStreamPausedForASlowClientDoesNotStallItsSiblings() throws Exception {
    int siblings = 2 * Runtime.getRuntime().availableProcessors(); // some on every event loop
    SlowReaderTest slow = new SlowReaderTest();
    LoopbackUpstream[] upstream = new LoopbackUpstream[1];
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      if (upstream[0].calls.size() == 1) {
        slow.pump(call.request.response()); // as much as flow control lets through
      } else {
        call.write(PassThroughTest.CHAT);
        call.end();
      }
    });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl()).withHttp2(true)))))
            .withLimits(QUIET));
        RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions",
            FailuresTest.CHAT_STREAM)) {
      upstream[0] = up;
      client.readUntil("\r\n\r\n"); // then reads nothing more
      boolean quiet = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!quiet && System.nanoTime() < deadline) {
        Awaits.until(slow.waitingForDrain::get);
        quiet = !slow.drained.await(500, TimeUnit.MILLISECONDS);
      }
      assertThat(quiet).as("the slow stream's upstream is held back").isTrue();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < siblings; i++) {
        answers.add(gw.http.sendAsync(
            gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> a : answers) {
        assertThat(a.get(10, TimeUnit.SECONDS).body()).isEqualTo(PassThroughTest.CHAT);
      }
      HttpConnection shared = up.calls.get(0).request.connection();
      assertThat(up.calls.subList(1, up.calls.size()))
          .anyMatch(c -> c.request.connection() == shared);
    }
  }

  @Test
  void aFirstTokenTimeoutResetsItsStreamAndNotTheConnection() throws Exception {
    List<Throwable> resets = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (LoopbackUpstream up = new LoopbackUpstream(call ->
        call.request.response().exceptionHandler(resets::add)); // and never answers
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl()).withHttp2(true)))))
            .withLimits(FaultMatrixTest.attempts(GatewayLimits.defaults()
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)), 1)))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
          .build());
      assertThat(r.statusCode()).isEqualTo(504);
      Awaits.until(() -> !resets.isEmpty());
      assertThat(resets.get(0)).isInstanceOf(StreamResetException.class);
      assertThat(((StreamResetException) resets.get(0)).getCode()).isEqualTo(0x8); // CANCEL
      assertThat(up.calls.get(0).closedAtNanos).isNotDone();
    }
  }

  @Test
  void afterItsConnectionClosedABurstSharesANewOne() throws Exception {
    int streams = 24;
    Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    List<LoopbackUpstream.Call> waiting = new java.util.concurrent.CopyOnWriteArrayList<>();
    LoopbackUpstream[] upstream = new LoopbackUpstream[1];
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      if (upstream[0].calls.size() == 1) { // the first: answered, then its connection closed
        call.startStream();
        call.request.response().end(PassThroughTest.CHAT)
            .onComplete(v -> call.request.connection().close());
        return;
      }
      connections.add(call.request.connection());
      waiting.add(call);
      if (waiting.size() == streams) {
        for (LoopbackUpstream.Call c : waiting) {
          c.startStream();
          c.write(PassThroughTest.CHAT);
          c.end();
        }
      }
    });
        GatewayHarness gw = gatewayTo(up, UpstreamKind.OPENAI_CHAT)) {
      upstream[0] = up;
      assertThat(gw.send(gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build())
          .body()).isEqualTo(PassThroughTest.CHAT);
      if (Sockets.clientSide(up.port) >= 0) { // /proc/net/tcp readable
        Awaits.until(() -> Sockets.clientSide(up.port) == 0); // the gateway saw it close
      }
      sendAtOnceAndCheck(gw, streams);
      assertThat(connections).hasSizeBetween(1, Runtime.getRuntime().availableProcessors());
    }
  }

  /** Sends {@code streams} pass-through requests at once; each gets the whole stream. */
  private static void sendAtOnceAndCheck(GatewayHarness gw, int streams) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      answers.add(gw.http.sendAsync(
          gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> a : answers) {
      assertThat(a.get(20, TimeUnit.SECONDS).body()).isEqualTo(PassThroughTest.CHAT);
    }
  }

  static final String ANTHROPIC = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  @Test
  void aTranslatedStreamGoesOverHttp2() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(ANTHROPIC);
        GatewayHarness gw = gatewayTo(up, UpstreamKind.ANTHROPIC)) {
      HttpResponse<String> r =
          gw.send(gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build());
      assertThat(up.calls.get(0).request.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(r.body()).contains("\"content\":\"Hello\"").endsWith("data: [DONE]\n\n");
    }
  }
}
