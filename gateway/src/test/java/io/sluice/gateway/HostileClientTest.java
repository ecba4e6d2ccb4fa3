package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that hold sockets open, drive a keyless gateway from a web page, forge log lines, or
 * send bodies the gateway and the upstream would read differently; each case reads what the
 * client and the upstream actually receive (docs/reliability.md, "Hostile clients").
 */
class HostileClientTest {
  static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  static final String ANSWER = "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}";

  private static LoopbackUpstream answering() {
    return new LoopbackUpstream(call -> call.answer(200, "application/json", ANSWER));
  }

  private static GatewayHarness gateway(LoopbackUpstream up, UnaryOperator<GatewayLimits.Builder> limits) {
    return new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
            GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
        .withLimits(limits.apply(GatewayLimits.builder()).build()));
  }

  private static GatewayHarness gateway(LoopbackUpstream up) {
    return gateway(up, b -> b);
  }

  // ---- bodies the gateway and the upstream would read differently ----

  @Test
  void aBodyWithADuplicateModelKeyIsRefusedAndNeverReachesTheUpstream() throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          "{\"model\":\"allowed\",\"messages\":[],\"model\":\"expensive\"}").build());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("duplicate 'model'");
      assertThat(up.calls).isEmpty();
    }
  }

  // ---- headers forwarded upstream ----

  @Test
  void onlyTheAllowListOfClientHeadersReachesTheUpstream() throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up);
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT, "OpenAI-Organization: org-victim",
          "OpenAI-Project: proj-victim", "Cookie: session=1", "X-Stainless-OS: Linux",
          "OpenAI-Beta: assistants=v2", "traceparent: 00-0af7651916cd43dd8448eb211c80319c"
              + "-b7ad6b7169203331-01", "x-sluice-mock: tokens=1", "X-Request-Id: r-1",
          "Connection: keep-alive, X-Request-Id"));
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      var seen = up.calls.get(0).headers;
      assertThat(seen).containsKeys("OpenAI-Beta", "traceparent", "x-sluice-mock")
          .doesNotContainKeys("OpenAI-Organization", "OpenAI-Project", "Cookie",
              "X-Stainless-OS", "X-Request-Id");
    }
  }

  @Test
  void aTargetMayAllowTheBillingHeaders() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
            "*", List.of(GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())
                .withForwardHeaders(List.of("openai-organization")))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT)
          .header("OpenAI-Organization", "org-mine").header("OpenAI-Project", "proj-x").build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(up.calls.get(0).headers).containsEntry("OpenAI-Organization", "org-mine")
          .doesNotContainKey("OpenAI-Project");
    }
  }

  // ---- log forging ----

  @Test
  void aModelNameWithANewlineOrTerminalControlsCannotForgeALogLine() throws Exception {
    String model = "m\\n/v1/chat/completions admin 200 model=forged\\u001b[2J";
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          CHAT.replace("\"m\"", "\"" + model + "\"")).build());
      assertThat(r.statusCode()).isEqualTo(200);
      Awaits.until(() -> !gw.log.isEmpty());
      String line = gw.log.get(0);
      assertThat(gw.log).hasSize(1);
      assertThat(line).doesNotContain("\n", "\r", "\u001b")
          .contains("model=\"m\\n/v1/chat/completions admin 200 model=forged\\u001b[2J\"");
    }
  }

  // ---- Expect ----

  @Test
  void expect100ContinueIsAnsweredBeforeTheBody() throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up);
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
      raw.send(head("POST", "/v1/chat/completions", "Content-Type: application/json",
          "Content-Length: " + body.length, "Expect: 100-continue"));
      assertThat(raw.readUntil("\r\n\r\n", Duration.ofSeconds(5)))
          .startsWith("HTTP/1.1 100 Continue");
      raw.send(CHAT);
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).contains("HTTP/1.1 200");
      assertThat(up.calls).hasSize(1);
    }
  }

  @Test
  void expect100ContinueWithALengthOverTheLimitIs413WithoutTheBody() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.maxBodyBytes(1000));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(head("POST", "/v1/chat/completions", "Content-Type: application/json",
          "Content-Length: 5000", "Expect: 100-continue"));
      String got = raw.readUntil("}", Duration.ofSeconds(5));
      assertThat(got).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
      assertThat(up.calls).isEmpty();
    }
  }

  @Test
  void anExpectationOtherThan100ContinueIs417() throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up);
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(head("POST", "/v1/chat/completions", "Content-Type: application/json",
          "Content-Length: 10", "Expect: 200-ok"));
      assertThat(raw.readUntil("}", Duration.ofSeconds(5))).startsWith("HTTP/1.1 417");
      assertThat(up.calls).isEmpty();
    }
  }

  // ---- a web page driving a keyless gateway ----

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"})
  void aBodyAPageMaySendWithoutPreflightIsRefused(String type) throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT)
          .setHeader("Content-Type", type).build());
      assertThat(r.statusCode()).isEqualTo(415);
      assertThat(r.body()).contains("application/json");
      assertThat(up.calls).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"evil.example", "evil.example:8080", "127.0.0.1.nip.io",
      "localhost.evil.example:80"})
  void aReboundHostIsRefusedByAKeylessGateway(String host) throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up);
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT, "Host: " + host));
      assertThat(raw.readUntil("}", Duration.ofSeconds(5))).startsWith("HTTP/1.1 403")
          .contains("server.allowed-hosts");
      assertThat(up.calls).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost", "localhost:PORT", "127.0.0.1", "127.0.0.1:PORT", "[::1]",
      "[::1]:PORT", "LocalHost:PORT"})
  void loopbackHostsAreAccepted(String host) throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up);
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT,
          "Host: " + host.replace("PORT", Integer.toString(gw.gateway.port()))));
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void anAllowedHostIsAccepted() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
            "*", List.of(GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withBrowserAccess(List.of("gateway.internal"), List.of()));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT, "Host: gateway.internal:8080"));
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aCrossOriginRequestIsRefusedByAKeylessGateway() throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up)) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT)
          .header("Origin", "https://evil.example").build());
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("server.allowed-origins");
      assertThat(up.calls).isEmpty();
    }
  }

  @Test
  void anAllowedOriginIsAccepted() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route(
            "*", List.of(GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withBrowserAccess(List.of(), List.of("http://localhost:3000")))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", CHAT)
          .header("Origin", "http://localhost:3000").build());
      assertThat(r.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWebSocketUpgradeFromAnotherOriginIsRefused() throws Exception {
    try (LoopbackUpstream up = answering(); GatewayHarness gw = gateway(up);
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(head("GET", "/v1/responses", "Upgrade: websocket", "Connection: Upgrade",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13",
          "Origin: https://evil.example"));
      assertThat(raw.readUntil("}", Duration.ofSeconds(5))).startsWith("HTTP/1.1 403")
          .doesNotContain("101");
    }
  }

  // ---- sockets that hold on ----

  @Test
  void halfARequestLineIsClosedAfterTheRequestHeadTimeout() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.requestHeadTimeout(Duration.ofMillis(300)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send("POST /v1/chat/compl");
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aSocketThatSendsNothingIsClosedAfterTheRequestHeadTimeout() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.requestHeadTimeout(Duration.ofMillis(300)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void headersWithoutTheirBodyGet408AfterTheBodyTimeout() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.bodyTimeout(Duration.ofMillis(300)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(head("POST", "/v1/chat/completions", "Content-Type: application/json",
          "Content-Length: 100") + "{\"model\":");
      assertThat(raw.readUntil("}", Duration.ofSeconds(10))).startsWith("HTTP/1.1 408")
          .contains("limits.body-timeout");
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
      assertThat(up.calls).isEmpty();
    }
  }

  @Test
  void aBodyWhosePiecesEachComeWithinTheBodyTimeoutIsServedHoweverLongItTakes() throws Exception {
    // The timeout is for silence, not for the whole body: each piece moves its deadline on.
    byte[] body = CHAT.getBytes(StandardCharsets.UTF_8);
    int pieces = 8;
    java.util.concurrent.ScheduledExecutorService sender =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.bodyTimeout(Duration.ofMillis(500)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(head("POST", "/v1/chat/completions", "Content-Type: application/json",
          "Content-Length: " + body.length));
      int size = (body.length + pieces - 1) / pieces;
      long started = System.nanoTime();
      java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(pieces);
      for (int i = 0; i < pieces; i++) {
        String piece = new String(body, i * size, Math.min(size, body.length - i * size),
            StandardCharsets.UTF_8);
        sender.schedule(() -> {
          try {
            raw.send(piece);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          sent.countDown();
        }, (i + 1) * 100L, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      assertThat(sent.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      // The body took longer than one body timeout, so a deadline from the head would have cut it.
      assertThat(System.nanoTime() - started).isGreaterThan(Duration.ofMillis(500).toNanos());
      assertThat(up.calls).hasSize(1);
    } finally {
      sender.shutdownNow();
    }
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.keepAliveTimeout(Duration.ofMillis(300)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT));
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aKeptAliveConnectionIsClosedByItsOwnTimeoutNotByTheHeadTimeoutSetAtAccept()
      throws Exception {
    // The connection's one timer is set at accept for the head timeout; served before it fires,
    // the connection is then idle for the longer keep-alive timeout, counted from its response.
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.requestHeadTimeout(Duration.ofMillis(300))
            .keepAliveTimeout(Duration.ofMillis(1_500)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT));
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      long answered = System.nanoTime();
      assertThat(raw.closedWithin(Duration.ofMillis(800))).isFalse(); // past the head timeout
      assertThat(raw.closedWithin(Duration.ofSeconds(10))).isTrue();
      // Counted by the gateway from its response's end, a little before the answer was read here.
      assertThat(System.nanoTime() - answered).isGreaterThan(Duration.ofMillis(1_200).toNanos());
    }
  }

  @Test
  void aSlowUpstreamAnswerIsNotCutByTheKeepAliveOrHeadTimeout() throws Exception {
    // A request in flight is never idle: a long time to first token is bounded by its own limit.
    try (LoopbackUpstream up = new LoopbackUpstream(call -> io.vertx.core.Vertx.currentContext().owner()
            .setTimer(800, id -> call.answer(200, "application/json", ANSWER)));
        GatewayHarness gw = gateway(up, b -> b.keepAliveTimeout(Duration.ofMillis(200))
            .requestHeadTimeout(Duration.ofMillis(200)));
        Raw raw = new Raw(gw.gateway.port(), "127.0.0.1")) {
      raw.send(post("/v1/chat/completions", CHAT));
      assertThat(raw.readUntil("\"ok\"", Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void connectionsOverThePerClientLimitAreClosedAndOtherAddressesStillGetHealthz()
      throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.maxConnectionsPerClient(10).maxConnections(50))) {
      List<Raw> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 11; i++) {
          idle.add(new Raw(gw.gateway.port(), "127.0.0.1"));
        }
        // Each event loop counts its own accepts: which one is the eleventh is not known.
        Awaits.until(() -> closedCount(idle) >= 1);
        assertThat(closedCount(idle)).isEqualTo(1);
        assertThat(healthz(gw.gateway.port(), "127.0.0.2")).startsWith("HTTP/1.1 200");
        for (Raw r : idle) {
          r.close();
        }
        idle.clear();
        Awaits.until(() -> healthzAnswers(gw.gateway.port(), "127.0.0.1"));
      } finally {
        for (Raw r : idle) {
          r.close();
        }
      }
    }
  }

  @Test
  void connectionsOverTheOverallLimitAreClosed() throws Exception {
    try (LoopbackUpstream up = answering();
        GatewayHarness gw = gateway(up, b -> b.maxConnectionsPerClient(50).maxConnections(50))) {
      List<Raw> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 51; i++) {
          idle.add(new Raw(gw.gateway.port(), "127.0.0." + (1 + i % 3)));
        }
        Awaits.until(() -> closedCount(idle) >= 1);
        assertThat(closedCount(idle)).isEqualTo(1);
        for (Raw r : idle) {
          r.close();
        }
        idle.clear();
        Awaits.until(() -> healthzAnswers(gw.gateway.port(), "127.0.0.9"));
        assertThat(gw.get("/metrics").body()).contains("sluice_gateway_client_closes_total{"
            + "reason=\"max_connections\"}");
      } finally {
        for (Raw r : idle) {
          r.close();
        }
      }
    }
  }

  /** How many of these sockets the gateway has closed, looking without waiting. */
  private static int closedCount(List<Raw> sockets) {
    int n = 0;
    for (Raw r : sockets) {
      try {
        if (r.closed || r.closedWithin(Duration.ofMillis(1))) {
          r.closed = true;
          n++;
        }
      } catch (IOException e) {
        r.closed = true;
        n++;
      }
    }
    return n;
  }

  private static boolean healthzAnswers(int port, String from) {
    try {
      return healthz(port, from).startsWith("HTTP/1.1 200");
    } catch (IOException | AssertionError e) {
      return false;
    }
  }

  // ---- a bare socket ----

  static String head(String method, String path, String... headers) {
    StringBuilder b = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
    boolean host = false;
    for (String h : headers) {
      host |= h.regionMatches(true, 0, "Host:", 0, 5);
    }
    if (!host) {
      b.append("Host: 127.0.0.1\r\n");
    }
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  static String post(String path, String body, String... headers) {
    List<String> all = new ArrayList<>(List.of(headers));
    all.add("Content-Type: application/json");
    all.add("Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
    return head("POST", path, all.toArray(String[]::new)) + body;
  }

  static String healthz(int port, String from) throws IOException {
    try (Raw raw = new Raw(port, from)) {
      raw.send(head("GET", "/healthz", "Connection: close"));
      return raw.readUntil("}", Duration.ofSeconds(5));
    }
  }

  /** A socket from a chosen loopback address; reads with a deadline. */
  static final class Raw implements AutoCloseable {
    final Socket socket = new Socket();
    final StringBuilder received = new StringBuilder();
    boolean closed;

    Raw(int port, String from) throws IOException {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    }

    void send(String text) throws IOException {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }

    String readUntil(String text, Duration within) throws IOException {
      long deadline = System.nanoTime() + within.toNanos();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      while (received.indexOf(text) < 0) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw new AssertionError("no '" + text + "' within " + within + "; got: " + received);
        }
        socket.setSoTimeout((int) left);
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          continue;
        }
        if (n < 0) {
          throw new AssertionError("closed before '" + text + "'; got: " + received);
        }
        received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      return received.toString();
    }

    /** True when the gateway closes (or resets) the connection within the time. */
    boolean closedWithin(Duration within) throws IOException {
      socket.setSoTimeout((int) within.toMillis());
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[8192];
      try {
        while (true) {
          int n = in.read(buf);
          if (n < 0) {
            return true;
          }
          received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
