package io.sluice.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.EventStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.client.ws.ResponsesSessions;
import io.sluice.client.ws.Transport;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.gateway.Gateway;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.GatewayConfig.AccessKey;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.UpstreamKind;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The gateway's {@code /v1/responses} WebSocket, with the sluice client's {@code ResponsesSessions}
 * (transport WEBSOCKET) as the client: relayed to an upstream WebSocket, bridged to HTTP SSE.
 */
class ResponsesWebSocketTest {
  static final String SECRET = "sk-gw-ws-0123456789";
  static final String UPSTREAM_SECRET = "sk-upstream-ws-987";

  @TempDir
  Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private Gateway gateway(Target target) throws Exception {
    return gateway(target, GatewayLimits.defaults());
  }

  private Gateway gateway(Target target, GatewayLimits limits) throws Exception {
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(SECRET.getBytes(StandardCharsets.UTF_8)));
    return Gateway.start(GatewayConfig.of(List.of(new Route("*", List.of(target))))
        .withHost("127.0.0.1")
        .withAccessKeys(List.of(new AccessKey("team", sha, List.of(), 0)))
        .withLimits(limits)
        .withUsageLog(dir.resolve("usage.jsonl").toString(), false), log::add);
  }

  private static Target relayTo(WsUpstream up) {
    return Target.of(UpstreamKind.OPENAI_RESPONSES, up.baseUrl(), UPSTREAM_SECRET)
        .withWebSocket(true);
  }

  private static SluiceClient http(Gateway gw) {
    return SluiceClient.builder(ProviderSettings.builder(ProviderKind.OPENAI_RESPONSES)
        .baseUrl("http://127.0.0.1:" + gw.port() + "/v1").apiKey(SECRET).build())
        .retryPolicy(RetryPolicy.none()).build();
  }

  private static ResponsesSessions sessions(SluiceClient http) {
    return ResponsesSessions.builder(http).transport(Transport.WEBSOCKET).build();
  }

  private static ChatRequest ask(String text) {
    return ChatRequest.builder("gpt-ws").messages(List.of(Message.user(text))).build();
  }

  private static FinalMessage finish(EventStream stream) {
    List<StreamEvent> all = new ArrayList<>();
    try (stream) {
      stream.forEach(all::add);
    }
    return MessageAccumulator.assemble(all);
  }

  private List<String> usageLines() throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    return Files.exists(usage) ? Files.readAllLines(usage) : List.of();
  }

  @Test
  void turnsAreRelayedToTheUpstreamWebSocketOnOneConnection() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      assertThat(finish(sessions.stream("s", ask("hello there"))).text())
          .isEqualTo("echo: hello there");
      assertThat(finish(sessions.stream("s", ask("again"))).text()).isEqualTo("echo: again");
      assertThat(up.sockets.get()).isEqualTo(1);
      assertThat(up.posts).isEmpty();
      assertThat(up.authorizations).containsOnly("Bearer " + UPSTREAM_SECRET);
      assertThat(up.creates).allSatisfy(m -> assertThat(m.getString("type"))
          .isEqualTo("response.create"));
    }
  }

  @Test
  void anUpstreamThatRepeatsItsKeyIsMaskedBeforeTheClient() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up))) {
      up.leakKey = true;
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket ws = connect(gw, SECRET, received);
      ws.sendText("{\"type\":\"response.create\",\"model\":\"gpt-ws\","
          + "\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true)
          .get(10, TimeUnit.SECONDS);
      List<String> messages = new ArrayList<>();
      while (messages.isEmpty() || !messages.get(messages.size() - 1)
          .contains("response.completed")) {
        String m = received.poll(10, TimeUnit.SECONDS);
        assertThat(m).as("a message within 10 s").isNotNull();
        messages.add(m);
      }
      assertThat(messages).anySatisfy(m -> assertThat(m).contains("opened with Bearer ***"));
      assertThat(messages).allSatisfy(m -> assertThat(m).doesNotContain(UPSTREAM_SECRET));
      ws.abort();
    }
  }

  @Test
  void eachRelayedTurnGetsOneUsageEntry() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      finish(sessions.stream("s", ask("one")));
      finish(sessions.stream("s", ask("two")));
      awaitUntil(() -> usageLines().size() == 2);
      assertThat(usageLines()).allSatisfy(l -> assertThat(l)
          .contains("\"key_id\":\"team\"", "\"status\":200", "\"tokens_in\":7",
              "\"tokens_out\":3")
          .doesNotContain(SECRET, UPSTREAM_SECRET));
    }
  }

  @Test
  void theRenamedModelGoesUpstream() throws Exception {
    try (WsUpstream up = new WsUpstream();
        Gateway gw = gateway(new Target(UpstreamKind.OPENAI_RESPONSES,
            io.sluice.core.codec.ChatDialect.OPENAI, up.baseUrl(), "gpt-real",
            List.of(UPSTREAM_SECRET), 0, true, false));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      finish(sessions.stream("s", ask("hi")));
      assertThat(up.creates.get(0).getString("model")).isEqualTo("gpt-real");
    }
  }

  @Test
  void turnsAreBridgedToAnSseOnlyUpstream() throws Exception {
    try (WsUpstream up = new WsUpstream();
        Gateway gw = gateway(Target.of(UpstreamKind.OPENAI_RESPONSES, up.baseUrl(),
            UPSTREAM_SECRET));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      assertThat(finish(sessions.stream("s", ask("over sse"))).text())
          .isEqualTo("echo: over sse");
      assertThat(finish(sessions.stream("s", ask("twice"))).text()).isEqualTo("echo: twice");
      assertThat(up.sockets.get()).isZero();
      assertThat(up.posts).hasSize(2).allSatisfy(m -> {
        assertThat(m.getBoolean("stream")).isTrue();
        assertThat(m.containsKey("type")).isFalse();
      });
    }
  }

  @Test
  void theMockAnswersTheSameOverTheBridgeAsOverHttp() throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        Gateway gw = gateway(Target.of(UpstreamKind.OPENAI_RESPONSES, mock.baseUrl(), "k"));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      FinalMessage overWs = finish(sessions.stream("s", ask("Tell me something")));
      FinalMessage overSse = finish(http.stream(ask("Tell me something")));
      assertThat(overWs.text()).isNotEmpty().isEqualTo(overSse.text());
    }
  }

  @ParameterizedTest
  @EnumSource(value = UpstreamKind.class, names = {"OPENAI_CHAT", "ANTHROPIC"})
  void turnsAreTranslatedForChatAndAnthropicUpstreams(UpstreamKind kind) throws Exception {
    try (MockProvider mock = MockProvider.start(MockOptions.defaults());
        Gateway gw = gateway(Target.of(kind, mock.baseUrl(), "k"));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      List<StreamEvent> events = new ArrayList<>();
      try (EventStream stream = sessions.stream("s", ask("Tell me something"))) {
        stream.forEach(events::add);
      }
      FinalMessage overSse = finish(http.stream(ask("Tell me something")));
      assertThat(events).last().isInstanceOf(Done.class);
      assertThat(MessageAccumulator.assemble(events).text()).isNotEmpty()
          .isEqualTo(overSse.text());
    }
  }

  @Test
  void aSilentRelayedUpstreamEndsTheTurnWithATimeout() throws Exception {
    assertAHeldTurnEndsNaming(GatewayLimits.defaults()
        .withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(300)), "limits.idle-timeout");
  }

  @Test
  void aRelayedTurnEndsAtTheTotalTimeout() throws Exception {
    assertAHeldTurnEndsNaming(GatewayLimits.defaults()
        .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(30))
        .withTotalTimeout(Duration.ofMillis(300)), "limits.total-timeout");
  }

  @Test
  void anUpstreamMessageOverTheConfiguredSizeEndsTheTurnWithAnError() throws Exception {
    GatewayLimits limits = GatewayLimits.builder().maxUpstreamMessageBytes(512).build();
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up), limits);
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      List<StreamEvent> events = new ArrayList<>();
      try (EventStream stream = sessions.stream("s", ask("x".repeat(2000)))) {
        stream.forEach(events::add); // the echo of 2,000 characters is one message over 512
      }
      assertThat(events).last().isInstanceOf(Failed.class);
      assertThat(MessageAccumulator.assemble(events).text()).doesNotContain("x".repeat(2000));
    }
  }

  @Test
  void theSameMessageIsRelayedUnderTheDefaultSize() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      assertThat(finish(sessions.stream("s", ask("x".repeat(2000)))).text())
          .isEqualTo("echo: " + "x".repeat(2000));
    }
  }

  /** An upstream that never answers: the turn ends with an error naming {@code limit}. */
  private void assertAHeldTurnEndsNaming(GatewayLimits limits, String limit) throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up), limits);
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      up.hold = true;
      List<StreamEvent> events = new ArrayList<>();
      try (EventStream stream = sessions.stream("s", ask("held"))) {
        stream.forEach(events::add);
      }
      assertThat(events).last().isInstanceOfSatisfying(Failed.class,
          f -> assertThat(f.message()).contains(limit));
      assertThat(up.heldClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void anUpgradeWithoutAKeyIsRefusedWith401() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up))) {
      assertThatThrownBy(() -> connect(gw, null, new LinkedBlockingQueue<>()))
          .hasCauseInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse()
              .statusCode()).isEqualTo(401));
      assertThat(up.sockets.get()).isZero();
    }
  }

  @Test
  void anUpgradeWithAWrongKeyIsRefusedWith401() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up))) {
      assertThatThrownBy(() -> connect(gw, "sk-wrong", new LinkedBlockingQueue<>()))
          .hasCauseInstanceOf(WebSocketHandshakeException.class)
          .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse()
              .statusCode()).isEqualTo(401));
      awaitUntil(() -> log.stream().anyMatch(l -> l.contains("invalid_key")));
      assertThat(log).noneMatch(l -> l.contains("sk-wrong"));
    }
  }

  @Test
  void aClientThatClosesCancelsTheRelayedTurn() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      up.hold = true;
      EventStream stream = sessions.stream("s", ask("held"));
      Iterator<StreamEvent> events = stream.iterator();
      assertThat(events.hasNext()).isTrue();
      events.next();
      stream.close();
      assertThat(up.heldClosed.await(10, TimeUnit.SECONDS)).isTrue();
      awaitUntil(() -> usageLines().stream().anyMatch(l -> l.contains("client_closed")));
    }
  }

  @Test
  void aClientThatClosesCancelsTheBridgedTurn() throws Exception {
    try (WsUpstream up = new WsUpstream();
        Gateway gw = gateway(Target.of(UpstreamKind.OPENAI_RESPONSES, up.baseUrl(), "k"));
        SluiceClient http = http(gw); ResponsesSessions sessions = sessions(http)) {
      up.hold = true;
      EventStream stream = sessions.stream("s", ask("held"));
      Iterator<StreamEvent> events = stream.iterator();
      assertThat(events.hasNext()).isTrue();
      events.next();
      stream.close();
      assertThat(up.heldClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aSecondCreateWhileOneIsInFlightGetsAnError() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up))) {
      up.hold = true;
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      WebSocket ws = connect(gw, SECRET, received);
      String create = "{\"type\":\"response.create\",\"model\":\"gpt-ws\","
          + "\"input\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      ws.sendText(create, true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(10, TimeUnit.SECONDS)).contains("response.created");
      ws.sendText(create, true).get(5, TimeUnit.SECONDS);
      String next;
      do {
        next = received.poll(10, TimeUnit.SECONDS);
        assertThat(next).isNotNull();
      } while (!next.contains("\"type\":\"error\""));
      assertThat(next).contains("response_already_in_flight", "invalid_request_error");
      assertThat(up.creates).hasSize(1);
      ws.abort();
    }
  }

  @Test
  void aClientThatDoesNotReadPausesTheRelayedUpstream() throws Exception {
    try (WsUpstream up = new WsUpstream(); Gateway gw = gateway(relayTo(up))) {
      up.flood = 512; // 32 MiB: far more than the socket buffers on the way hold (~12 MiB)
      AtomicInteger received = new AtomicInteger();
      WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
          .header("Authorization", "Bearer " + SECRET)
          .buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + "/v1/responses"),
              new WebSocket.Listener() {
                @Override
                public void onOpen(WebSocket webSocket) {
                  // requests nothing yet: the client does not read
                }

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                  if (last) {
                    received.incrementAndGet();
                  }
                  return null;
                }
              }).get(10, TimeUnit.SECONDS);
      ws.sendText("{\"type\":\"response.create\",\"model\":\"gpt-ws\",\"input\":[]}", true)
          .get(5, TimeUnit.SECONDS);
      // Without back-pressure the gateway would take all 32 MiB into its memory in about a
      // second; with it, the upstream stalls once the socket buffers are full.
      assertThat(up.floodDone.await(2, TimeUnit.SECONDS)).isFalse();
      assertThat(up.floodSent.get()).isLessThan(400);
      ws.request(Long.MAX_VALUE);
      assertThat(up.floodDone.await(20, TimeUnit.SECONDS)).isTrue();
      within10s(() -> received.get() >= 512);
      // How many arrived, if not all: a stall (a pause never resumed) stops at a count the
      // socket buffers explain, a slow machine anywhere.
      assertThat(received.get()).as("whole messages the client received within 10 s of the "
          + "upstream's last write").isEqualTo(512);
      ws.abort();
    }
  }

  /** A raw JDK WebSocket to the gateway, its text messages put in {@code received}. */
  private static WebSocket connect(Gateway gw, String key, BlockingQueue<String> received)
      throws Exception {
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return b.buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + "/v1/responses"),
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              received.add(text.toString());
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitUntil(Check condition) throws Exception {
    if (!within10s(condition)) {
      throw new AssertionError("condition not met within 10 s");
    }
  }

  /** Checks {@code condition} every millisecond for at most 10 s; whether it came to hold. */
  private static boolean within10s(Check condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.ok()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    return true;
  }
}
