package io.sluice.client.ws;

import static io.sluice.client.ws.WsFixtures.assemble;
import static io.sluice.client.ws.WsFixtures.drain;
import static io.sluice.client.ws.WsFixtures.request;
import static io.sluice.client.ws.WsFixtures.start;
import static io.sluice.client.ws.WsFixtures.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.ApiException;
import io.sluice.client.EventStream;
import io.sluice.client.SluiceClient;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.Message;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connections: fallback, drops, close codes, renewal, one turn at a time, release. */
@Timeout(30)
class ConnectionLifeTest {
  private ResponsesUpstream upstream;
  private SluiceClient http;
  private final WsFixtures.MovableClock clock = new WsFixtures.MovableClock();

  @BeforeEach
  void setUp() throws Exception {
    upstream = new ResponsesUpstream();
    http = WsFixtures.http(upstream);
  }

  @AfterEach
  void tearDown() throws Exception {
    http.close();
    upstream.close();
  }

  private ResponsesSessions sessions(Transport transport) {
    return ResponsesSessions.builder(http).transport(transport).clock(clock).build();
  }

  @Test
  void aRefusedWebSocketFallsBackToSseInAuto() {
    upstream.refuse = true;
    try (ResponsesSessions sessions = sessions(Transport.AUTO)) {
      List<StreamEvent> events = drain(sessions.stream("s", request(start("hello")).build()));

      assertThat(assemble(events).text()).isEqualTo("echo(1): hello");
      assertThat(upstream.posts).hasSize(1);
      assertThat(sessions.sessionIds()).isEmpty();
    }
  }

  @Test
  void aRefusedWebSocketIsTheCallersErrorInWebSocketMode() {
    upstream.refuse = true;
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      EventStream events = sessions.stream("s", request(start("hello")).build());

      assertThatThrownBy(() -> events.iterator().hasNext()).isInstanceOf(ApiException.class)
          .hasMessageContaining("503").hasMessageNotContaining("sk-test-secret");
      assertThat(upstream.posts).isEmpty();
    }
  }

  @Test
  void aCloseBeforeTheFirstEventRetriesTheTurnOverSseInAuto() {
    upstream.dropAfter = 0;
    try (ResponsesSessions sessions = sessions(Transport.AUTO)) {
      FinalMessage answer = sessions.stream("s", request(start("hello")).build()).finish();

      assertThat(answer.text()).isEqualTo("echo(1): hello");
      assertThat(upstream.posts).hasSize(1);
    }
  }

  @Test
  void aCloseInTheMiddleOfATurnEndsItAsFailedAndTheSessionStartsOver() {
    try (ResponsesSessions sessions = sessions(Transport.AUTO)) {
      List<Message> m = start("hello");
      m.add(sessions.stream("s", request(m).build()).finish().message());
      m.add(Message.user("more"));
      upstream.dropAfter = 4;

      List<StreamEvent> events = drain(sessions.stream("s", request(m).build()));

      Failed failed = (Failed) events.get(events.size() - 1);
      assertThat(failed.type()).isEqualTo(Failed.TRANSPORT);
      assertThat(failed.message()).contains("1011");
      assertThat(failed.retryable()).isTrue();
      assertThat(upstream.posts).isEmpty();
      assertThat(sessions.sessionIds()).isEmpty();

      FinalMessage retry = sessions.stream("s", request(m).build()).finish();
      assertThat(retry.text()).isEqualTo("echo(3): more");
      assertThat(upstream.lastCreate().incremental()).isFalse();
      assertThat(upstream.lastCreate().connection()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(shorts = {1001, 1011, 1012, 1013})
  void afterAReconnectableCloseBetweenTurnsTheSessionReconnectsAndContinues(short code)
      throws Exception {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      List<Message> m = start("hello");
      m.add(sessions.stream("s", request(m).build()).finish().message());
      m.add(Message.user("more"));
      upstream.closeAll(code);
      until("the client to see the close", () -> !sessions.live("s"));

      FinalMessage second = sessions.stream("s", request(m).build()).finish();

      assertThat(second.text()).isEqualTo("echo(3): more");
      assertThat(upstream.lastCreate().connection()).isEqualTo(2);
      assertThat(upstream.lastCreate().incremental()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(shorts = {1000, 1008})
  void afterAFinalCloseBetweenTurnsTheSessionStartsOverWithTheFullContext(short code)
      throws Exception {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      List<Message> m = start("hello");
      m.add(sessions.stream("s", request(m).build()).finish().message());
      m.add(Message.user("more"));
      upstream.closeAll(code);
      until("the client to see the close", () -> !sessions.live("s"));

      FinalMessage second = sessions.stream("s", request(m).build()).finish();

      assertThat(second.text()).isEqualTo("echo(3): more");
      assertThat(upstream.lastCreate().incremental()).isFalse();
    }
  }

  @Test
  void aConnectionNearTheAgeLimitIsRenewedBeforeTheTurn() {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      List<Message> m = start("hello");
      m.add(sessions.stream("s", request(m).build()).finish().message());
      m.add(Message.user("more"));
      clock.advance(Duration.ofMinutes(56));

      FinalMessage second = sessions.stream("s", request(m).build()).finish();

      assertThat(second.text()).isEqualTo("echo(3): more");
      assertThat(upstream.connectionsOpened).hasValue(2);
      assertThat(upstream.lastCreate().connection()).isEqualTo(2);
      until("the old connection to close", () -> upstream.open.size() == 1);
    }
  }

  @Test
  void theConnectionLimitErrorReconnectsAndResendsTheFullContext() {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      List<Message> m = start("hello");
      m.add(sessions.stream("s", request(m).build()).finish().message());
      m.add(Message.user("more"));
      upstream.limitReachedNext = true;

      List<StreamEvent> events = drain(sessions.stream("s", request(m).build()));

      assertThat(assemble(events).text()).isEqualTo("echo(3): more");
      assertThat(upstream.lastCreate().connection()).isEqualTo(2);
      assertThat(upstream.lastCreate().incremental()).isFalse();
    }
  }

  @Test
  void aSecondTurnOnABusySessionIsRejected() throws Exception {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      upstream.hold = gate;
      EventStream first = sessions.stream("s", request(start("hello")).build());
      Iterator<StreamEvent> it = first.iterator();
      it.hasNext();
      upstream.held.get(5, TimeUnit.SECONDS);

      assertThatThrownBy(() -> sessions.stream("s", request(start("other")).build()))
          .isInstanceOf(SessionBusyException.class);
      EventStream elsewhere = sessions.stream("t", request(start("other")).build());
      assertThat(elsewhere.finish().text()).isEqualTo("echo(1): other");

      gate.complete(null);
      while (it.hasNext()) {
        it.next();
      }
      assertThat(sessions.stream("s", request(start("next")).build()).finish().failed())
          .isFalse();
      assertThat(upstream.violations).isEmpty();
    }
  }

  @Test
  void cancellingMidTurnLeavesTheSessionUsable() throws Exception {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      upstream.hold = new CompletableFuture<>();
      EventStream first = sessions.stream("s", request(start("hello")).build());
      Iterator<StreamEvent> it = first.iterator();
      assertThat(it.next()).isNotNull();
      upstream.held.get(5, TimeUnit.SECONDS);

      first.close();

      // The turn ends with the one cancelled event, whatever the transport.
      List<StreamEvent> rest = new java.util.ArrayList<>();
      it.forEachRemaining(rest::add);
      assertThat(rest).singleElement().isInstanceOfSatisfying(Failed.class, f -> {
        assertThat(f.type()).isEqualTo(Failed.CANCELLED);
        assertThat(f.retryable()).isFalse();
      });
      List<StreamEvent> next = drain(sessions.stream("s", request(start("again")).build()));
      assertThat(next.get(next.size() - 1)).isInstanceOf(Done.class);
      assertThat(assemble(next).text()).isEqualTo("echo(1): again");
      assertThat(upstream.violations).isEmpty();
    }
  }

  @Test
  void theSseTransportOfACallGoesOverHttp() {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      FinalMessage answer = sessions.stream("s", request(start("hello")).build(), Transport.SSE)
          .finish();

      assertThat(answer.text()).isEqualTo("echo(1): hello");
      assertThat(upstream.posts).hasSize(1);
      assertThat(upstream.connectionsOpened).hasValue(0);
    }
  }

  @Test
  void releaseClosesTheConnectionAndForgetsTheSession() {
    try (ResponsesSessions sessions = sessions(Transport.WEBSOCKET)) {
      sessions.stream("s", request(start("hello")).build()).finish();
      assertThat(sessions.live("s")).isTrue();

      sessions.release("s");

      assertThat(sessions.live("s")).isFalse();
      assertThat(sessions.sessionIds()).isEmpty();
      until("the server to see the close", () -> upstream.open.isEmpty());
    }
  }

  @Test
  void nothingLeaksAfterEverySessionIsReleased() {
    ResponsesSessions sessions = sessions(Transport.WEBSOCKET);
    for (int i = 0; i < 5; i++) {
      sessions.stream("s" + i, request(start("hello")).build()).finish();
    }
    upstream.hold = new CompletableFuture<>();
    EventStream inFlight = sessions.stream("busy", request(start("hello")).build());
    Iterator<StreamEvent> it = inFlight.iterator();
    it.hasNext();
    assertThat(upstream.open).hasSize(6);

    sessions.close();

    assertThat(sessions.sessionIds()).isEmpty();
    until("the server to see every close", () -> upstream.open.isEmpty());
    StreamEvent last = null;
    while (it.hasNext()) {
      last = it.next();
    }
    assertThat(last).isInstanceOf(Failed.class);
    assertThat(((Failed) last).type()).isEqualTo(Failed.CANCELLED);
    assertThatThrownBy(() -> sessions.stream("s0", request(start("x")).build()))
        .isInstanceOf(IllegalStateException.class);
  }
}
