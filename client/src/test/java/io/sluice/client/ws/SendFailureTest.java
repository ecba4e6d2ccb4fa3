package io.sluice.client.ws;

import static io.sluice.client.ws.WsFixtures.drain;
import static io.sluice.client.ws.WsFixtures.request;
import static io.sluice.client.ws.WsFixtures.start;
import static io.sluice.client.ws.WsFixtures.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.EventStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.ProviderSettings;
import io.sluice.client.SluiceClient;
import io.sluice.client.TransportException;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.Done;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A send that fails after the WebSocket opened (the server resets the connection while the
 * client writes its {@code response.create}): in {@code AUTO} the turn goes over HTTP SSE with the
 * whole request and the session is dropped; in {@code WEBSOCKET} the caller gets a
 * {@link TransportException} before any event. What the server received is read back.
 */
@Timeout(30)
class SendFailureTest {
  /** Larger than a loopback connection's buffers: the send is still under way at the reset. */
  private static final String LONG_TEXT = "x".repeat(8 * 1024 * 1024);

  private ResetOnSendUpstream upstream;
  private SluiceClient http;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new ResetOnSendUpstream();
    http = SluiceClient.builder(ProviderSettings.builder(ProviderKind.OPENAI_RESPONSES)
        .baseUrl(upstream.baseUrl()).apiKey("sk-test-secret").build())
        .retryPolicy(RetryPolicy.none()).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    http.close();
    upstream.close();
  }

  private static ChatRequest longTurn() {
    return request(start(LONG_TEXT)).build();
  }

  @Test
  void aSendThatFailsAfterConnectGoesOverSseWithTheWholeRequestInAuto() {
    try (LogCapture log = new LogCapture();
        ResponsesSessions sessions = ResponsesSessions.builder(http)
        .transport(Transport.AUTO).build()) {
      List<StreamEvent> events = drain(sessions.stream("s", longTurn()));

      assertThat(events.get(events.size() - 1)).isInstanceOf(Done.class);
      assertThat(WsFixtures.assemble(events).text()).isEqualTo(ResetOnSendUpstream.SSE_TEXT);
      assertThat(sessions.sessionIds()).isEmpty();
      assertThat(sessions.live("s")).isFalse();
      // The send failed (not a close noticed on reading: that would say "closed with code").
      assertThat(log.lines).singleElement().asString().startsWith("INFO")
          .contains("goes over HTTP SSE", "127.0.0.1:" + upstream.port())
          .doesNotContain("closed with code", "sk-test-secret");
    }
    // The socket opened with the key, the client began its message, and the connection was reset.
    assertThat(upstream.upgradeAuthorizations).containsExactly("Bearer sk-test-secret");
    assertThat(upstream.frames).hasSize(1);
    assertThat(upstream.frames.get(0).opcode()).isEqualTo(1); // a text frame
    // The fallback carried the whole turn: the instructions and the long message, no chaining.
    assertThat(upstream.posts).hasSize(1);
    JsonObject post = upstream.posts.get(0);
    assertThat(post.getBoolean("stream")).isTrue();
    assertThat(post.containsKey("previous_response_id")).isFalse();
    assertThat(post.getString("instructions")).isEqualTo("Be brief.");
    assertThat(post.encode()).contains(LONG_TEXT);
    assertThat(upstream.failures).isEmpty();
    until("the server's connections to close", () -> upstream.open.get() == 0);
  }

  @Test
  void aSendThatFailsAfterConnectIsATransportExceptionInWebSocketMode() {
    try (ResponsesSessions sessions = ResponsesSessions.builder(http)
        .transport(Transport.WEBSOCKET).build()) {
      EventStream events = sessions.stream("s", longTurn());

      assertThatThrownBy(() -> events.iterator().hasNext())
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("127.0.0.1:" + upstream.port())
          .hasMessageNotContaining("sk-test-secret");
      events.close();
      assertThat(sessions.sessionIds()).isEmpty();
    }
    assertThat(upstream.frames).hasSize(1);
    assertThat(upstream.posts).isEmpty();
    assertThat(upstream.failures).isEmpty();
    until("the server's connections to close", () -> upstream.open.get() == 0);
  }
}
