package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cells of the fault matrix (docs/reliability.md) for the gateway. Every case checks
 * the three promises: the client sees exactly one terminal outcome (an error answer, or one
 * terminal event), the upstream connection is closed (or idle in the pool after a clean end) and
 * the active-stream gauge is back to zero, and the request log has exactly one line for it.
 */
class FaultMatrixTest {
  static final String CHAT = FailuresTest.CHAT_STREAM;
  static final String MESSAGES = FailuresTest.MESSAGES_STREAM;
  static final String RESPONSES = FailuresTest.RESPONSES_STREAM;
  static final String CHAT_WITH_USAGE = """
      {"model":"m","stream":true,"stream_options":{"include_usage":true},\
      "messages":[{"role":"user","content":"hi"}]}""";

  private static GatewayConfig toMock(MockProvider mock, GatewayLimits limits) {
    return GatewayConfig.of(List.of(new Route("*", List.of(
        Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl()))))).withLimits(limits);
  }

  static GatewayLimits attempts(GatewayLimits l, int n) {
    return l.toBuilder().maxAttempts(n).build();
  }

  private static GatewayLimits fast() {
    return GatewayLimits.defaults().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500));
  }

  /** Sends one request through a fresh gateway to a fresh mock and checks the promises. */
  private static Result throughMock(String path, String body, String mockHeader,
      GatewayLimits limits, boolean cleanEnd) throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(toMock(mock, limits))) {
      HttpResponse<String> r = gw.send(gw.post(path, body).header("x-sluice-mock", mockHeader)
          .build());
      Result result = new Result(r.statusCode(), r.body(), oneLogLine(gw));
      assertNothingLeaks(gw, mock.port(), cleanEnd);
      return result;
    }
  }

  record Result(int status, String body, String logLine) {}

  /** Exactly one request-log line, once the request is over. */
  static String oneLogLine(GatewayHarness gw) {
    Awaits.until(() -> !gw.log.isEmpty());
    Awaits.until(() -> activeStreams(gw) == 0);
    assertThat(gw.log).hasSize(1);
    return gw.log.get(0);
  }

  /**
   * No stream is active and no connection to the upstream is left open; after a clean end of the
   * upstream response the pool may keep one idle keep-alive connection.
   */
  static void assertNothingLeaks(GatewayHarness gw, int upstreamPort, boolean cleanEnd) {
    Awaits.until(() -> activeStreams(gw) == 0);
    if (Sockets.serverSide(upstreamPort) >= 0) {
      int allowed = cleanEnd ? 1 : 0;
      Awaits.until(() -> Sockets.serverSide(upstreamPort) <= allowed);
    }
  }

  static int activeStreams(GatewayHarness gw) {
    try {
      Matcher m = Pattern.compile("(?m)^sluice_gateway_active_streams ([0-9.]+)$")
          .matcher(gw.get("/metrics").body());
      assertThat(m.find()).isTrue();
      return (int) Double.parseDouble(m.group(1));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static int count(String body, String text) {
    int n = 0;
    for (int i = body.indexOf(text); i >= 0; i = body.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }

  /** A Chat stream ends with one [DONE], after at most one error chunk. */
  static void oneChatTerminal(Result r, boolean failed) {
    assertThat(r.status()).isEqualTo(200);
    assertThat(count(r.body(), "data: [DONE]")).isEqualTo(1);
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertThat(count(r.body(), "\"finish_reason\":\"error\"")).isEqualTo(failed ? 1 : 0);
  }

  static void oneAnthropicTerminal(Result r, String terminalEvent) {
    assertThat(r.status()).isEqualTo(200);
    assertThat(count(r.body(), "event: error\n") + count(r.body(), "event: message_stop\n"))
        .isEqualTo(1);
    assertThat(lastEventLine(r.body())).isEqualTo(terminalEvent);
  }

  /** The last {@code event:} line: SSE framing, not text inside a JSON string. */
  static String lastEventLine(String body) {
    String last = "";
    for (String line : body.split("\n")) {
      if (line.startsWith("event: ")) {
        last = line;
      }
    }
    return last;
  }

  static void oneResponsesTerminal(Result r, String terminalEvent) {
    assertThat(r.status()).isEqualTo(200);
    assertThat(count(r.body(), "event: response.completed\n")
        + count(r.body(), "event: response.failed\n")
        + count(r.body(), "event: response.incomplete\n") + count(r.body(), "event: error\n"))
        .isEqualTo(1);
    assertThat(lastEventLine(r.body())).isEqualTo(terminalEvent);
  }

  // ---- before the stream ----

  @Test
  void aRefusedConnectionIsOne502AndOneLogLine() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT,
        "http://127.0.0.1:" + port + "/v1")) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.body()).startsWith("{\"error\":");
      assertThat(oneLogLine(gw)).contains(" 502 ", " error=transport");
    }
  }

  @Test
  void aResetBeforeTheHeadersIsRetriedThenOne502AndOneLogLine() throws Exception {
    AtomicInteger accepted = new AtomicInteger();
    try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread resetter = new Thread(() -> {
        while (!upstream.isClosed()) {
          try (Socket s = upstream.accept()) {
            accepted.incrementAndGet();
            s.getInputStream().read(); // the request has begun; answer with a reset
            s.setSoLinger(true, 0);
          } catch (IOException closed) {
            return;
          }
        }
      }, "resetting-upstream");
      resetter.setDaemon(true);
      resetter.start();
      try (GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT,
          "http://127.0.0.1:" + upstream.getLocalPort() + "/v1")) {
        HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(oneLogLine(gw)).contains(" 502 ", " error=transport");
        assertThat(accepted.get()).isEqualTo(GatewayLimits.DEFAULT_MAX_ATTEMPTS);
        assertNothingLeaks(gw, upstream.getLocalPort(), false);
      }
    }
  }

  /** With one attempt allowed, the upstream's status reaches the client as it is. */
  @ParameterizedTest
  @ValueSource(ints = {408, 409, 429, 500, 502, 503, 504, 529, 400, 401, 403, 404})
  void anErrorStatusIsPassedOnWithOneLogLineNamingIt(int status) throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT, "fault=status:" + status,
        attempts(fast(), 1), true);
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.body()).startsWith("{\"error\":").contains("Simulated HTTP " + status);
    assertThat(r.logLine()).contains(" " + status + " ", "error=http_" + status);
  }

  @Test
  void aRetryAfterInSecondsIsPassedOn() throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT, "fault=status:503;retry-after=7",
        attempts(fast(), 1), true);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.logLine()).contains(" 503 ", "error=http_503");
  }

  /** A retryable status on the first attempt only: the retry serves the whole stream. */
  @ParameterizedTest
  @ValueSource(ints = {408, 409, 500, 502, 503, 504, 529})
  void aRetryableStatusOnceIsRetriedAndTheStreamCompletes(int status) throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT,
        "tokens=5, fault=status:" + status + ";times=1", fast(), true);
    oneChatTerminal(r, false);
    assertThat(r.logLine()).contains(" 200 ", "out=5", "finish=stop").doesNotContain("error=");
  }

  /**
   * A 429 cools the key down for what Retry-After asks (seconds, HTTP date or retry-after-ms); with
   * one key and one target the retry finds every key cooling, and the client gets one 429 with
   * the cool-down as its Retry-After.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "retry-after|3",
      "retry-after|Wed, 21 Oct 2099 07:28:00 GMT",
      "retry-after-ms|2500"})
  void a429WithRetryAfterIsOne429WithItsWait(String header, String value) throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.request.response().putHeader(header, value);
      call.answer(429, "application/json",
          "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\"}}");
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after")).isPresent();
      assertThat(oneLogLine(gw)).contains(" 429 ", "error=keys_cooling");
      assertThat(up.calls).hasSize(1);
      assertNothingLeaks(gw, up.port, true);
    }
  }

  /**
   * A 200 that is not an event stream, to a streaming request (a proxy's login page, an error
   * body sent with 200): nothing went to the client yet, so it gets one 502 in its own format
   * naming the upstream's status and content type; a JSON error is passed on with the upstream
   * key masked, an HTML page is not shown. The upstream failed, so each attempt is used.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/v1/chat/completions|application/json|{\"error\":{\"message\":\"streaming is off for sk-up-secret\",\"type\":\"invalid_request_error\"}}|streaming is off for ***",
      "/v1/chat/completions|text/html; charset=utf-8|<html><body>Proxy login</body></html>|HTTP 200 text/html; charset=utf-8",
      "/v1/messages|text/html|<html><body>Proxy login</body></html>|HTTP 200 text/html"})
  void a200ThatIsNotAnEventStreamIsOne502NamingIt(String path, String type, String body,
      String told) throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.answer(200, type, body));
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl(),
            "sk-up-secret")) {
      HttpResponse<String> r = gw.send(gw.post(path, path.equals("/v1/messages") ? MESSAGES
          : CHAT).build());
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(r.body()).startsWith(path.equals("/v1/messages") ? "{\"type\":\"error\""
          : "{\"error\":").contains("expected text/event-stream", told)
          .doesNotContain("Proxy login", "sk-up-secret");
      assertThat(oneLogLine(gw)).contains(" 502 ", "error=not_event_stream");
      assertThat(up.calls).hasSize(GatewayLimits.DEFAULT_MAX_ATTEMPTS);
      assertNothingLeaks(gw, up.port, true);
    }
  }

  /** A proxy's page at the first target is an upstream failure: the next target serves. */
  @Test
  void a200ThatIsNotAnEventStreamFailsOverToTheNextTarget() throws Exception {
    try (LoopbackUpstream proxy = new LoopbackUpstream(call -> call.answer(200, "text/html",
        "<html><body>Proxy login</body></html>"));
        MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.OPENAI_CHAT, proxy.baseUrl()),
            Target.of(UpstreamKind.OPENAI_CHAT, mock.baseUrl()))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT)
          .header("x-sluice-mock", "tokens=5").build());
      Result result = new Result(r.statusCode(), r.body(), oneLogLine(gw));
      oneChatTerminal(result, false);
      assertThat(result.logLine()).contains(" 200 ", "out=5", "finish=stop")
          .doesNotContain("error=");
      assertThat(proxy.calls).hasSize(1);
      assertNothingLeaks(gw, proxy.port, true);
      assertNothingLeaks(gw, mock.port(), true);
    }
  }

  /**
   * {@code text/event-stream} with parameters is an event stream, and so, leniently, is an answer
   * without a Content-Type (some OpenAI-compatible servers send none).
   */
  @ParameterizedTest
  @ValueSource(strings = {"text/event-stream; charset=utf-8", "Text/Event-Stream", ""})
  void anEventStreamWithParametersOrWithoutAContentTypeIsRelayed(String type) throws Exception {
    String events = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},"
        + "\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      if (!type.isEmpty()) {
        call.request.response().putHeader("Content-Type", type);
      }
      call.request.response().setChunked(true).end(events);
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      Result result = new Result(r.statusCode(), r.body(), oneLogLine(gw));
      oneChatTerminal(result, false);
      assertThat(result.body()).contains("\"content\":\"a\"");
      assertThat(result.logLine()).contains(" 200 ", "finish=stop").doesNotContain("error=");
      assertThat(up.calls).hasSize(1);
      assertNothingLeaks(gw, up.port, true);
    }
  }

  // ---- once the stream started ----

  @Test
  void aResetMidStreamIsOneErrorChunkAndTheLogSaysTransport() throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT, "tokens=10, fault=drop-after:4",
        fast(), false);
    oneChatTerminal(r, true);
    assertThat(r.logLine()).contains(" 200 ", "error=transport_error");
  }

  /**
   * The upstream sent its headers and then nothing: the gateway has answered 200 already (it
   * passes the upstream's headers on), so the first-token timeout is the stream's one terminal
   * event. Nothing sent at all is a 504: QueueAndHeartbeatTest.
   */
  @Test
  void aStallBeforeTheFirstEventIsOneTimeoutErrorChunk() throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT, "fault=stall-after:0", fast(), false);
    oneChatTerminal(r, true);
    assertThat(r.logLine()).contains(" 200 ", "error=timeout");
  }

  @Test
  void aStallMidStreamIsOneErrorChunkAfterTheIdleTimeout() throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT, "tokens=10, fault=stall-after:3",
        fast(), false);
    oneChatTerminal(r, true);
    assertThat(r.body()).contains("limits.idle-timeout");
    assertThat(r.logLine()).contains(" 200 ", "error=timeout");
  }

  /**
   * Pass-through forwards the upstream's bytes as they are, the broken event included, so the
   * client's own reader meets it exactly as it would from the provider. The books count on past
   * it: the log line names the broken event and carries the usage the stream reported after it.
   * Chat runs twice: with the usage chunk the gateway asked for and removes (re-framed), and with
   * the client's own {@code include_usage} (bytes as they came).
   */
  @ParameterizedTest
  @ValueSource(strings = {"chat", "chat-with-usage", "messages", "responses"})
  void aMalformedEventIsPassedThroughAndTheBooksCountOnPastIt(String front) throws Exception {
    String path = front.startsWith("chat") ? "/v1/chat/completions" : "/v1/" + front;
    String body = front.equals("chat") ? CHAT : front.equals("chat-with-usage") ? CHAT_WITH_USAGE
        : front.equals("messages") ? MESSAGES : RESPONSES;
    Result r = throughMock(path, body, "tokens=10, fault=malformed-after:3", fast(), true);
    if (front.startsWith("chat")) {
      oneChatTerminal(r, false);
    } else if (front.equals("messages")) {
      oneAnthropicTerminal(r, "event: message_stop");
    } else {
      oneResponsesTerminal(r, "event: response.completed");
    }
    assertThat(r.body()).contains("the JSON stops here");
    assertThat(r.logLine()).contains(" 200 ", " out=10 ", "finish=stop", "error=malformed_event")
        .doesNotContain(" in=0 ");
  }

  @Test
  void aMalformedEventInATranslatedStreamIsOneErrorEvent() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT,
            mock.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", MESSAGES)
          .header("x-sluice-mock", "tokens=10, fault=malformed-after:3").build());
      Result result = new Result(r.statusCode(), r.body(), oneLogLine(gw));
      oneAnthropicTerminal(result, "event: error");
      assertThat(result.logLine()).contains(" 200 ", "error=malformed_event");
      assertNothingLeaks(gw, mock.port(), true);
    }
  }

  @Test
  void anEventOverTheSizeLimitIsOneErrorChunk() throws Exception {
    String huge = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + "x".repeat(9 * 1024 * 1024) + "\"}}]}\n\n";
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n");
      call.write(huge);
      call.end();
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      Result result = new Result(r.statusCode(), r.body(), oneLogLine(gw));
      assertThat(result.logLine()).contains(" 200 ", "error=limit_exceeded");
      assertNothingLeaks(gw, up.port, true);
    }
  }

  @Test
  void aStreamThatEndsWithoutItsTerminalMarkerIsOneErrorChunk() throws Exception {
    String noDone = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n";
    try (LoopbackUpstream up = LoopbackUpstream.streaming(noDone);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      Result result = new Result(r.statusCode(), r.body(), oneLogLine(gw));
      oneChatTerminal(result, true);
      assertThat(result.logLine()).contains(" 200 ", "error=stream_truncated");
      assertNothingLeaks(gw, up.port, true);
    }
  }

  @Test
  void anOpenAiErrorChunkIsTheOneTerminal() throws Exception {
    Result r = throughMock("/v1/chat/completions", CHAT, "tokens=10, fault=error-after:3",
        fast(), true);
    // Passed through as the mock sends it: one error chunk, then the one [DONE].
    assertThat(r.status()).isEqualTo(200);
    assertThat(count(r.body(), "\"error\":")).isEqualTo(1);
    assertThat(count(r.body(), "data: [DONE]")).isEqualTo(1);
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    String beforeDone = r.body().substring(0, r.body().length() - "data: [DONE]\n\n".length());
    assertThat(beforeDone.substring(beforeDone.lastIndexOf("data: "))).contains("\"error\":");
    assertThat(r.logLine()).contains(" 200 ", "error=server_error");
  }

  @Test
  void anAnthropicOverloadedErrorIsTheOneTerminal() throws Exception {
    Result r = throughMock("/v1/messages", MESSAGES, "tokens=10, fault=error-after:4", fast(),
        true);
    oneAnthropicTerminal(r, "event: error");
    assertThat(r.body()).contains("overloaded_error");
    assertThat(r.logLine()).contains(" 200 ", "error=overloaded_error");
  }

  @Test
  void aResponsesResponseFailedIsTheOneTerminal() throws Exception {
    Result r = throughMock("/v1/responses", RESPONSES, "tokens=10, fault=error-after:4", fast(),
        true);
    oneResponsesTerminal(r, "event: response.failed");
    assertThat(r.logLine()).contains(" 200 ", "error=server_error");
  }

  // ---- the client leaves, or is slow ----

  /**
   * An endless slow drip (one event every 100 ms) is a healthy stream to the gateway: no timeout
   * cuts it. The client that gives up closes it, and the upstream sees the close.
   */
  @Test
  void anEndlessSlowDripEndsWhenTheClientLeaves() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(toMock(mock, fast()))) {
      try (RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", CHAT,
          // 10,000 tokens at 10 a second outlast the test many times over. The mock writes its
          // whole script before the first byte, and a million tokens took longer than the 1 s
          // first-token limit on a loaded machine: the exchange then ended in a timeout error on
          // a connection kept alive, and this read waited for content that never came.
          "x-sluice-mock: tps=10, tokens=10000")) {
        // past the 500 ms idle timeout, and still going
        String seen = client.readUntilCount("\"content\":", 12);
        assertThat(seen).doesNotContain("[DONE]");
      }
      assertThat(oneLogLine(gw)).contains(" 499 ", "error=client_closed");
      assertNothingLeaks(gw, mock.port(), false);
    }
  }

  /**
   * With {@code limits.total-timeout} set, the same healthy drip ends at it: one terminal error
   * in the client's format naming the setting, the upstream closed, {@code error=timeout}.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/v1/chat/completions", "/v1/messages", "/v1/responses"})
  void anEndlessSlowDripEndsAtTheTotalTimeout(String path) throws Exception {
    String body = path.equals("/v1/messages") ? MESSAGES
        : path.equals("/v1/responses") ? RESPONSES : CHAT;
    Result r;
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(toMock(mock,
            fast().withTotalTimeout(Duration.ofMillis(1500))))) {
      // The first stream of a fresh JVM may take longer than the limit to begin: warm up first.
      gw.send(gw.post(path, body).header("x-sluice-mock", "tokens=2").build());
      Awaits.until(() -> gw.log.size() == 1);
      gw.log.clear();
      // 10,000 tokens at 10 a second: 1,000 s, endless for this test
      HttpResponse<String> answer = gw.send(gw.post(path, body)
          .header("x-sluice-mock", "tps=10, tokens=10000").build());
      r = new Result(answer.statusCode(), answer.body(), oneLogLine(gw));
      assertNothingLeaks(gw, mock.port(), false);
    }
    if (path.equals("/v1/messages")) {
      oneAnthropicTerminal(r, "event: error");
      assertThat(r.body()).contains("text_delta"); // the drip flowed until the limit
    } else if (path.equals("/v1/responses")) {
      oneResponsesTerminal(r, "event: response.failed");
      assertThat(r.body()).contains("response.output_text.delta");
    } else {
      oneChatTerminal(r, true);
      assertThat(r.body()).contains("\"content\":\"");
    }
    assertThat(r.body()).contains("limits.total-timeout");
    assertThat(r.logLine()).contains(" 200 ", "error=timeout");
  }

  /**
   * The total timeout before anything reached the client: one 504 in its format, the upstream
   * connection closed, no retry (the time is the request's, not one attempt's).
   */
  @Test
  void aTotalTimeoutBeforeTheFirstByteIsOne504AndTheUpstreamIsClosed() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> { /* never answers */ });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withLimits(GatewayLimits.defaults().withTotalTimeout(Duration.ofMillis(500))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT).build());
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).startsWith("{\"error\":").contains("limits.total-timeout");
      assertThat(oneLogLine(gw)).contains(" 504 ", "error=timeout");
      assertThat(up.calls).hasSize(1);
      up.calls.get(0).closedAtNanos.get(5, java.util.concurrent.TimeUnit.SECONDS);
      assertNothingLeaks(gw, up.port, false);
    }
  }

  @Test
  void aClientThatLeavesMidStreamIsOneLogLineAndTheUpstreamIsClosed() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(toMock(mock, fast()))) {
      try (RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", CHAT,
          "x-sluice-mock: tps=50, tokens=100000")) {
        client.readUntil("\"content\":");
      }
      assertThat(oneLogLine(gw)).contains(" 499 ", "error=client_closed");
      assertNothingLeaks(gw, mock.port(), false);
    }
  }

  @Test
  void aClientThatLeavesBeforeTheFirstByteIsOneLogLineAndTheUpstreamIsClosed() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        GatewayHarness gw = new GatewayHarness(toMock(mock, GatewayLimits.defaults()))) {
      try (RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", CHAT,
          "x-sluice-mock: ttft=60s")) {
        Awaits.until(() -> Sockets.serverSide(mock.port()) == 1);
      }
      assertThat(oneLogLine(gw)).contains(" 499 ", "error=client_closed");
      assertNothingLeaks(gw, mock.port(), false);
    }
  }

  /** An upstream that keeps writing after the gateway cut it off cannot hold anything open. */
  @Test
  void anUpstreamThatIgnoresCancellationIsCutOff() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      io.vertx.core.Vertx.currentContext().owner().setPeriodic(5, id -> {
        try {
          call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":"
              + "{\"content\":\"t\"}}]}\n\n");
        } catch (IllegalStateException closed) {
          // it writes on regardless
        }
      });
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      try (RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", CHAT)) {
        client.readUntil("\"t\"");
      }
      assertThat(oneLogLine(gw)).contains(" 499 ", "error=client_closed");
      assertNothingLeaks(gw, up.port, false);
    }
  }
}
