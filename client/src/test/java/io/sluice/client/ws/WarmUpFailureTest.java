package io.sluice.client.ws;

import static io.sluice.client.ws.WsFixtures.request;
import static io.sluice.client.ws.WsFixtures.start;
import static io.sluice.client.ws.WsFixtures.until;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.client.EventStream;
import io.sluice.client.SluiceClient;
import io.sluice.core.event.Failed;
import io.sluice.core.message.FinalMessage;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A warm-up whose connection is lost, and a turn abandoned during its warm-up: the turn (or the
 * next one) goes on a new connection with the full context, and no two responses overlap on a
 * connection. What the server received is read back, and what the client logged.
 */
@Timeout(30)
class WarmUpFailureTest {
  private ResponsesUpstream upstream;
  private SluiceClient http;
  private LogCapture log;

  @BeforeEach
  void setUp() throws Exception {
    upstream = new ResponsesUpstream();
    http = WsFixtures.http(upstream);
    log = new LogCapture();
  }

  @AfterEach
  void tearDown() throws Exception {
    log.close();
    http.close();
    upstream.close();
  }

  private ResponsesSessions warmSessions() {
    return ResponsesSessions.builder(http).transport(Transport.WEBSOCKET)
        .warmUp(Duration.ofSeconds(10)).build();
  }

  @Test
  void aWarmUpWhoseConnectionDropsIsSkippedAndTheTurnGoesOnANewConnection() {
    upstream.dropWarmUpCode = 1011;
    try (ResponsesSessions sessions = warmSessions()) {
      FinalMessage answer = sessions.stream("w", request(start("hello")).build()).finish();

      assertThat(answer.text()).isEqualTo("echo(1): hello");
      assertThat(sessions.live("w")).isTrue();
    }
    assertThat(upstream.creates).hasSize(2);
    assertThat(upstream.creates.get(0).message().getBoolean("generate")).isFalse();
    assertThat(upstream.creates.get(0).connection()).isEqualTo(1);
    ResponsesUpstream.Create turn = upstream.lastCreate();
    assertThat(turn.connection()).isEqualTo(2);
    assertThat(turn.incremental()).isFalse();
    assertThat(turn.message().getString("instructions")).isEqualTo("Be brief.");
    assertThat(upstream.posts).isEmpty();
    assertThat(upstream.violations).isEmpty();
    assertThat(log.lines).anySatisfy(line -> assertThat(line).startsWith("WARNING")
        .contains("warm-up failed").contains("1011"));
  }

  @Test
  void aTurnClosedDuringItsWarmUpLeavesTheNextTurnANewConnection() throws Exception {
    CompletableFuture<Void> release = new CompletableFuture<>();
    upstream.holdWarmUp = release;
    try (ResponsesSessions sessions = warmSessions()) {
      EventStream first = sessions.stream("w", request(start("hello")).build());
      upstream.warmUpArrived.get(10, TimeUnit.SECONDS);

      first.close();
      assertThat(WsFixtures.drain(first)).singleElement().isInstanceOfSatisfying(Failed.class,
          f -> assertThat(f.type()).isEqualTo(Failed.CANCELLED));
      FinalMessage next = sessions.stream("w", request(start("again")).build()).finish();
      release.complete(null);

      assertThat(next.text()).isEqualTo("echo(1): again");
      until("the abandoned connection to close", () -> upstream.open.size() <= 1);
    }
    assertThat(upstream.violations).isEmpty();
    assertThat(upstream.generating()).hasSize(1);
    ResponsesUpstream.Create turn = upstream.lastCreate();
    assertThat(turn.connection()).isEqualTo(2);
    assertThat(turn.incremental()).isFalse();
    assertThat(upstream.posts).isEmpty();
  }
}
