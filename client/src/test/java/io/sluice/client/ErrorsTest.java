package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.client.LoopbackHttp.Answer;
import io.sluice.core.RetryPolicy;
import io.sluice.core.StreamLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  private static SluiceClient client(String baseUrl) {
    return Fixtures.chat(baseUrl).retryPolicy(RetryPolicy.none()).build();
  }

  @Test
  void anErrorAnswerBecomesATypedException() throws Exception {
    String body = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\","
        + "\"code\":\"rate_limit_exceeded\",\"param\":null}}";
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(429, body,
            Map.of("x-request-id", "req_7", "retry-after", "2")));
        SluiceClient client = client(server.baseUrl());
        EventStream events = client.stream(Fixtures.hello())) {
      assertThatThrownBy(() -> events.iterator().hasNext())
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.type()).isEqualTo("requests");
            assertThat(e.code()).isEqualTo("rate_limit_exceeded");
            assertThat(e.providerMessage()).isEqualTo("Rate limit reached");
            assertThat(e.requestId()).hasValue("req_7");
            assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(2));
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).isEqualTo(
                "HTTP 429 requests (rate_limit_exceeded): Rate limit reached [request id req_7]");
          });
    }
  }

  @Test
  void aJsonAnswerToAStreamingRequestIsAnErrorNotFedToTheSseReader() throws Exception {
    String body = "{\"error\":{\"message\":\"stream unsupported\",\"type\":\"invalid_request_error\"}}";
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(200, body));
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.getMessage()).contains("expected text/event-stream")
                .contains("application/json").contains("stream unsupported");
          });
    }
  }

  @Test
  void aProxyHtmlPageIsAnError() throws Exception {
    Answer html = new Answer(200, Map.of("content-type", "text/html"),
        "<html><body>Gateway login</body></html>".getBytes(StandardCharsets.UTF_8));
    try (LoopbackHttp server = new LoopbackHttp(html);
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(ApiException.class,
              e -> assertThat(e.getMessage()).contains("text/html").contains("Gateway login"));
    }
  }

  @Test
  void aHugeErrorBodyIsReadOnlyInPart() throws Exception {
    byte[] huge = new byte[8 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'x');
    try (LoopbackHttp server = new LoopbackHttp(new Answer(500, Map.of("content-type", "text/plain"), huge));
        SluiceClient client = client(server.baseUrl())) {
      CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() -> {
        try {
          client.complete(Fixtures.hello());
          return null;
        } catch (ApiException e) {
          return e;
        }
      });
      assertThat(failure.get(20, TimeUnit.SECONDS)).isInstanceOf(ApiException.class);
      assertThat(failure.get().getMessage().length()).isLessThan(2_000);
    }
  }

  @Test
  void aSmallerErrorBodyLimitCutsTheErrorAStreamingCallSees() throws Exception {
    String body = "{\"error\":{\"message\":\"" + "y".repeat(3000)
        + "\",\"type\":\"requests\"}}";
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(429, body));
        SluiceClient client = Fixtures.chat(server.baseUrl()).retryPolicy(RetryPolicy.none())
            .limits(StreamLimits.builder().maxErrorBodyBytes(100).build()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      // Cut at 100 bytes the JSON no longer parses: the caller sees those bytes, no more.
      assertThatThrownBy(() -> events.iterator().hasNext())
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.type()).isNotEqualTo("requests");
            assertThat(e.providerMessage()).isEqualTo("HTTP 429: " + body.substring(0, 100));
          });
    }
  }

  @Test
  void aSmallerErrorBodyLimitCutsTheErrorAWholeCallSees() throws Exception {
    byte[] text = "x".repeat(5000).getBytes(StandardCharsets.UTF_8);
    try (LoopbackHttp server = new LoopbackHttp(
            new Answer(500, Map.of("content-type", "text/plain"), text));
        SluiceClient client = Fixtures.chat(server.baseUrl()).retryPolicy(RetryPolicy.none())
            .limits(StreamLimits.defaults().withMaxErrorBodyBytes(1000)).build()) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.providerMessage())
              .startsWith("HTTP 500: xxx").endsWith("(1000 chars)"));
    }
  }

  @Test
  void theApiKeyNeverAppearsInAnException() throws Exception {
    String body = "{\"error\":{\"message\":\"Incorrect API key provided: sk-test-secret-123456\","
        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
    try (LoopbackHttp server = new LoopbackHttp(Answer.json(401, body));
        SluiceClient client = client(server.baseUrl())) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.getMessage()).doesNotContain("sk-test-secret-123456").contains("***");
            assertThat(e.providerMessage()).doesNotContain("sk-test-secret-123456");
          });
      assertThat(client.toString()).doesNotContain("sk-test-secret-123456");
    }
  }

  @Test
  void anErrorInsideTheStreamIsTheFailedEvent() throws Exception {
    String stream = Fixtures.chatDelta("Hi")
        + "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n";
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(stream));
        SluiceClient client = client(server.baseUrl())) {
      var message = client.complete(Fixtures.hello());
      assertThat(message.text()).isEqualTo("Hi");
      assertThat(message.error()).hasValueSatisfying(f -> {
        assertThat(f.type()).isEqualTo("server_error");
        assertThat(f.message()).contains("overloaded");
      });
    }
  }

  @Test
  void aStreamCutBeforeItsEndIsTruncated() throws Exception {
    try (LoopbackHttp server = new LoopbackHttp(Answer.sse(Fixtures.chatDelta("Hi")));
        SluiceClient client = client(server.baseUrl())) {
      var message = client.complete(Fixtures.hello());
      assertThat(message.error()).hasValueSatisfying(
          f -> assertThat(f.type()).isEqualTo(io.sluice.core.event.Failed.TRUNCATED));
    }
  }
}
