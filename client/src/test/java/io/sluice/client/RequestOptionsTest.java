package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import io.sluice.core.RetryPolicy;

/** One call's headers, timeouts, retries and idempotency key, over the client's. */
class RequestOptionsTest {
  private static final String ERROR = "{\"error\":{\"message\":\"later\",\"type\":\"server_error\"}}";

  private static SluiceClient client(String baseUrl) {
    return SluiceClient.builder(ProviderSettings.builder(ProviderKind.OPENAI_CHAT)
            .baseUrl(baseUrl).apiKey("sk-test-secret-123456").header("x-tenant", "client")
            .build())
        .delayer(new Fixtures.RecordingDelayer()).build();
  }

  @Test
  void aCallsHeadersGoOutAndWinOverTheClientsOfTheSameName() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      client.complete(Fixtures.hello(), RequestOptions.builder()
          .header("X-Tenant", "call").header("x-trace", "t-1").build());
      client.complete(Fixtures.hello());
      LoopbackHttp.Received first = server.received.get(0);
      assertThat(first.headers().get("x-tenant")).containsExactly("call");
      assertThat(first.headers().getFirst("x-trace")).isEqualTo("t-1");
      LoopbackHttp.Received second = server.received.get(1);
      assertThat(second.headers().get("x-tenant")).containsExactly("client");
      assertThat(second.headers().containsKey("x-trace")).isFalse();
    }
  }

  @Test
  void theIdempotencyKeyGoesOutOnEveryAttempt() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(503, ERROR), Answer.json(503, ERROR),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      String text = client.stream(Fixtures.hello(),
          RequestOptions.builder().idempotencyKey("idem-42").build()).text();
      assertThat(text).isEqualTo("Hello, world");
      assertThat(server.received).hasSize(3).allSatisfy(r ->
          assertThat(r.headers().getFirst("idempotency-key")).isEqualTo("idem-42"));
    }
  }

  @Test
  void aCallsRetryPolicyReplacesTheClients() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(503, ERROR),
            Answer.sse(Fixtures.CHAT_HELLO));
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello(),
          RequestOptions.builder().retryPolicy(RetryPolicy.none()).build()))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
      assertThat(server.requests()).isEqualTo(1);
    }
  }

  @Test
  void aCallsFirstEventTimeoutReplacesTheClients() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.sseHead());
        SluiceClient client = client(server.baseUrl())) {
      List<StreamEvent> events = Fixtures.list(client.stream(Fixtures.hello(),
          RequestOptions.builder().firstEventTimeout(Duration.ofMillis(300)).build()));
      Failed failed = (Failed) events.get(events.size() - 1);
      assertThat(failed.type()).isEqualTo(Failed.TIMEOUT);
      assertThat(failed.message()).contains("firstEvent timeout").contains("300 ms");
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aHeaderTheHttpClientOwnsIsRefused() {
    assertThatThrownBy(() -> RequestOptions.builder().header("Host", "example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Host");
    assertThatThrownBy(() -> RequestOptions.builder().header("x-a", "1\r\nx-b: 2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toStringNamesHeadersButNeverTheirValues() {
    RequestOptions options = RequestOptions.builder().header("authorization", "Bearer sk-secret")
        .idempotencyKey("idem-secret").build();
    assertThat(options.toString()).contains("authorization").doesNotContain("sk-secret")
        .doesNotContain("idem-secret");
  }
}
