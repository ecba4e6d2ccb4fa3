package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.FinalMessage;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-21T12:00:00Z"), ZoneOffset.UTC);
  private static final String ERROR = "{\"error\":{\"message\":\"try later\",\"type\":\"server_error\"}}";

  private final Fixtures.RecordingDelayer delayer = new Fixtures.RecordingDelayer();

  private SluiceClient client(String baseUrl) {
    return Fixtures.chat(baseUrl).delayer(delayer).clock(CLOCK).random(() -> 0).build();
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 409, 429, 500, 502, 503, 504, 529})
  void retriesARetryableStatusBySendingTheRequestAgain(int status) throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(status, ERROR),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      FinalMessage message = client.complete(Fixtures.hello());
      assertThat(message.text()).isEqualTo("Hello, world");
      assertThat(server.requests()).isEqualTo(2);
      assertThat(server.received.get(1).body()).isEqualTo(server.received.get(0).body());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 413, 422})
  void neverRetriesAnotherClientError(int status) throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(status, ERROR));
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.retryable()).isFalse();
          });
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  @Test
  void givesUpAfterTheDefaultTwoRetries() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(503, ERROR));
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.providerMessage()).isEqualTo("try later");
            assertThat(e.retryable()).isTrue();
          });
      assertThat(server.requests()).isEqualTo(3);
    }
  }

  @Test
  void maxRetriesIsConfigurable() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(503, ERROR));
        SluiceClient client = Fixtures.chat(server.baseUrl()).delayer(delayer)
            .retryPolicy(RetryPolicy.defaults().withMaxRetries(4)).build()) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello())).isInstanceOf(ApiException.class);
      assertThat(server.requests()).isEqualTo(5);
    }
  }

  @Test
  void shouldRetryTrueRetriesAClientError() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(
            Answer.json(400, ERROR, Map.of("x-should-retry", "true")),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      assertThat(client.complete(Fixtures.hello()).text()).isEqualTo("Hello, world");
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void shouldRetryFalseStopsARetryableStatus() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(
            Answer.json(503, ERROR, Map.of("x-should-retry", "false")));
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello())).isInstanceOf(ApiException.class);
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  private List<Duration> delaysFor(Map<String, String> headers) throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(429, ERROR, headers),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      client.complete(Fixtures.hello());
      assertThat(server.requests()).isEqualTo(2);
      return delayer.delays;
    }
  }

  @Test
  void waitsWhatRetryAfterMsSays() throws Exception {
    assertThat(delaysFor(Map.of("retry-after-ms", "1500", "retry-after", "9")))
        .containsExactly(Duration.ofMillis(1500));
  }

  @Test
  void waitsWhatRetryAfterSecondsSays() throws Exception {
    assertThat(delaysFor(Map.of("retry-after", "7"))).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void waitsUntilARetryAfterDate() throws Exception {
    assertThat(delaysFor(Map.of("retry-after", "Sat, 21 Nov 2026 12:00:03 GMT")))
        .containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aRetryAfterDateInThePastMeansNow() throws Exception {
    assertThat(delaysFor(Map.of("retry-after", "Sat, 21 Nov 2026 11:00:00 GMT")))
        .containsExactly(Duration.ZERO);
  }

  @Test
  void capsRetryAfterAtSixtySecondsByDefault() throws Exception {
    assertThat(delaysFor(Map.of("retry-after", "3600"))).containsExactly(Duration.ofSeconds(60));
  }

  @Test
  void theRetryAfterCapIsConfigurable() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(
            Answer.json(429, ERROR, Map.of("retry-after", "3600")), Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl()).delayer(delayer).clock(CLOCK)
            .retryPolicy(RetryPolicy.defaults().withMaxRetryAfter(Duration.ofSeconds(5))).build()) {
      client.complete(Fixtures.hello());
      assertThat(delayer.delays).containsExactly(Duration.ofSeconds(5));
    }
  }

  @Test
  void backsOffExponentiallyWithoutRetryAfter() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(500, ERROR));
        SluiceClient client = Fixtures.chat(server.baseUrl()).delayer(delayer).random(() -> 0)
            .retryPolicy(RetryPolicy.defaults().withMaxRetries(5)).build()) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello())).isInstanceOf(ApiException.class);
      assertThat(delayer.delays).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1),
          Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
    }
  }

  @Test
  void jitterTakesUpToAQuarterOff() throws Exception {
    java.util.Random seeded = new java.util.Random(42);
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(500, ERROR));
        SluiceClient client = Fixtures.chat(server.baseUrl()).delayer(delayer)
            .random(seeded::nextDouble)
            .retryPolicy(RetryPolicy.defaults().withMaxRetries(6)).build()) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello())).isInstanceOf(ApiException.class);
      long[] bases = {500, 1000, 2000, 4000, 8000, 8000};
      assertThat(delayer.delays).hasSize(6);
      for (int i = 0; i < 6; i++) {
        assertThat(delayer.delays.get(i))
            .isBetween(Duration.ofMillis(bases[i] * 3 / 4), Duration.ofMillis(bases[i]));
      }
      assertThat(delayer.delays).doesNotHaveDuplicates();
    }
  }

  @Test
  void retriesReallyWaitWithTheDefaultScheduler() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(503, ERROR),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = Fixtures.chat(server.baseUrl())
            .retryPolicy(RetryPolicy.defaults().withBackoff(Duration.ofMillis(5),
                Duration.ofMillis(10))).build()) {
      assertThat(client.complete(Fixtures.hello()).text()).isEqualTo("Hello, world");
      assertThat(server.requests()).isEqualTo(2);
    }
  }

  @Test
  void retriesAConnectFailure() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (SluiceClient client = client("http://127.0.0.1:" + port + "/v1")) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(TransportException.class,
              e -> assertThat(e.getMessage()).contains("cannot reach 127.0.0.1:" + port));
      assertThat(delayer.delays).hasSize(2);
    }
  }

  @Test
  void retriesAConnectionResetBeforeTheHeaders() throws Exception {
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    try (RawServer server = new RawServer(conn -> {
          if (attempts.incrementAndGet() == 1) {
            conn.reset();
          } else {
            conn.sseHead();
            conn.chunk(Fixtures.CHAT_HELLO);
            conn.write("0\r\n\r\n");
          }
        });
        SluiceClient client = client(server.baseUrl())) {
      assertThat(client.complete(Fixtures.hello()).text()).isEqualTo("Hello, world");
      assertThat(server.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void neverRetriesOnceAnEventArrived() throws Exception {
    // The reset waits until the client holds the event: a reset sent right after the chunk may
    // overtake it (an abortive close drops what the kernel has not sent yet), and the client then
    // rightly sees a reset before the headers, which is retried.
    CountDownLatch eventSeen = new CountDownLatch(1);
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(Fixtures.chatDelta("partial"));
          if (eventSeen.await(10, TimeUnit.SECONDS)) {
            conn.reset();
          }
        });
        SluiceClient client = client(server.baseUrl());
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = new ArrayList<>();
      for (StreamEvent event : events) {
        all.add(event);
        if (event instanceof TextDelta) {
          eventSeen.countDown();
        }
      }
      assertThat(all).anyMatch(TextDelta.class::isInstance);
      Failed failed = (Failed) all.get(all.size() - 1);
      assertThat(failed.type()).isEqualTo(Failed.TRANSPORT);
      assertThat(failed.retryable()).isTrue();
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(delayer.delays).isEmpty();
    }
  }

  @Test
  void aStreamWithAnInStreamErrorIsNotRetried() throws Exception {
    String stream = "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n";
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(stream));
        SluiceClient client = client(server.baseUrl())) {
      FinalMessage message = client.complete(Fixtures.hello());
      assertThat(message.error()).hasValueSatisfying(f -> {
        assertThat(f.message()).contains("boom");
      });
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  @Test
  void aSuccessfulStreamEndsDone() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      assertThat(client.complete(Fixtures.hello()).outcome()).isInstanceOf(Done.class);
    }
  }

  @Test
  void nonStreamingCallsRetryToo() throws Exception {
    String body = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
        + "\"finish_reason\":\"stop\"}]}";
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(502, ERROR), Answer.json(200, body));
        SluiceClient client = client(server.baseUrl())) {
      assertThat(client.complete(Fixtures.hello().withStream(false)).text()).isEqualTo("ok");
      assertThat(server.requests()).isEqualTo(2);
    }
  }
}
