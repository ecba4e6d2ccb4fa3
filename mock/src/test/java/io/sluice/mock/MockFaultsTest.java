package io.sluice.mock;

import io.sluice.core.testing.EventGrammar;
import static io.sluice.mock.MockHttp.assumeCodec;
import static io.sluice.mock.MockHttp.body;
import static io.sluice.mock.MockHttp.path;
import static io.sluice.mock.MockHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.sse.SseEvent;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each fault the x-sluice-mock header can ask for, as a client sees it. */
class MockFaultsTest {
  private static MockProvider mock;

  @BeforeAll
  static void start() {
    mock = MockProvider.start(MockOptions.defaults());
  }

  @AfterAll
  static void stop() {
    mock.close();
  }

  private static MockHttp.Answer stream(WireFormat format, String behaviour) {
    assumeCodec(format);
    return post(mock, path(format), body(format, true, false), behaviour);
  }

  private static Failed terminalFailure(WireFormat format, byte[] body) {
    List<StreamEvent> events = MockHttp.events(format, body);
    EventGrammar.check(events);
    StreamEvent last = events.get(events.size() - 1);
    assertThat(last).isInstanceOf(Failed.class);
    return (Failed) last;
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void statusFaultAnswersWithTheStatusRetryAfterAndTheFormatsErrorBody(WireFormat format) {
    MockHttp.Answer answer = stream(format, "fault=status:429;retry-after=2");

    assertThat(answer.status()).isEqualTo(429);
    assertThat(answer.header("Retry-After")).isEqualTo("2");
    Failed failed = WireCodec.of(format).decodeError(429, answer.body());
    assertThat(failed.httpStatus()).isEqualTo(429);
    assertThat(failed.retryable()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void statusFaultWithoutRetryAfterSendsNoRetryAfter(WireFormat format) {
    MockHttp.Answer answer = stream(format, "fault=status:503");

    assertThat(answer.status()).isEqualTo(503);
    assertThat(answer.response().headers().firstValue("Retry-After")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void faultWithTimesStrikesOnlyThatManyRequestsWithTheSameHeader(WireFormat format) {
    String behaviour = "fault=status:503;times=1, id=" + format;

    assertThat(stream(format, behaviour).status()).isEqualTo(503);
    assertThat(stream(format, behaviour).status()).isEqualTo(200);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void dropClosesTheConnectionAfterExactlyNEvents(WireFormat format) throws Exception {
    assumeCodec(format);
    byte[] body = MockHttp.rawStream(mock, path(format), body(format, true, false),
        "fault=drop-after:3");

    assertThat(MockHttp.sse(body)).hasSize(3);
    assertThat(terminalFailure(format, body).type()).isEqualTo(Failed.TRUNCATED);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void malformedSendsOneEventWhoseDataIsNotJson(WireFormat format) {
    MockHttp.Answer answer = stream(format, "fault=malformed-after:2");

    List<SseEvent> events = MockHttp.sse(answer.body());
    assertThatThrownBy(() -> new JsonObject(events.get(2).data()))
        .isInstanceOf(DecodeException.class);
    assertThat(events.size()).isGreaterThan(3);
    assertThat(terminalFailure(format, answer.body()).type()).isEqualTo(Failed.MALFORMED);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void errorSendsTheFormatsInStreamErrorAfterNEvents(WireFormat format) {
    MockHttp.Answer answer = stream(format, "fault=error-after:3");

    assertThat(answer.status()).isEqualTo(200);
    Failed failed = terminalFailure(format, answer.body());
    assertThat(failed.type())
        .isEqualTo(format == WireFormat.ANTHROPIC_MESSAGES ? "overloaded_error" : "server_error");
    assertThat(failed.retryable()).isTrue();
    List<SseEvent> events = MockHttp.sse(answer.body());
    SseEvent last = events.get(events.size() - 1);
    assertThat(events.size()).isGreaterThan(3);
    switch (format) {
      case OPENAI_CHAT:
        // The Chat encoder ends a failed stream with [DONE] too.
        assertThat(events).anyMatch(e -> e.data().startsWith("{")
            && new JsonObject(e.data()).containsKey("error"));
        break;
      case ANTHROPIC_MESSAGES:
        assertThat(last.type()).isEqualTo("error");
        break;
      default:
        assertThat(last.type()).isEqualTo("response.failed");
    }
  }

  @Test
  void errorComesAfterExactlyNEventsWhereEachEventIsOneToken() {
    MockHttp.Answer answer = stream(WireFormat.OPENAI_CHAT, "fault=error-after:3");

    List<SseEvent> events = MockHttp.sse(answer.body());
    assertThat(new JsonObject(events.get(3).data()).containsKey("error")).isTrue();
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void stallKeepsTheConnectionOpenAfterNEvents(WireFormat format) throws Exception {
    assumeCodec(format);
    CountDownLatch twoEvents = new CountDownLatch(1);
    CountDownLatch more = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    StringBuilder received = new StringBuilder();
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create(mock.origin() + path(format)))
        .header(MockProvider.HEADER, "fault=stall-after:2")
        .POST(HttpRequest.BodyPublishers.ofString(body(format, true, false))).build();
    CompletableFuture<HttpResponse<Void>> response = MockHttp.CLIENT.sendAsync(request,
        HttpResponse.BodyHandlers.fromSubscriber(new Flow.Subscriber<List<ByteBuffer>>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(List<ByteBuffer> items) {
            synchronized (received) {
              items.forEach(b -> received.append(StandardCharsets.UTF_8.decode(b)));
              int events = MockHttp.sse(received.toString().getBytes(StandardCharsets.UTF_8))
                  .size();
              if (events >= 2) {
                twoEvents.countDown();
              }
              if (events > 2) {
                more.countDown();
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            ended.countDown();
          }

          @Override
          public void onComplete() {
            ended.countDown();
          }
        }));

    assertThat(twoEvents.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(more.await(300, TimeUnit.MILLISECONDS)).as("an event after the stall").isFalse();
    assertThat(ended.getCount()).as("the connection is still open").isEqualTo(1);
    subscription.get().cancel();
    response.cancel(true);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void dropOfANonStreamingRequestClosesTheConnectionWithoutAnswer(WireFormat format) {
    assumeCodec(format);

    assertThatThrownBy(() -> post(mock, path(format), body(format, false, false),
        "fault=drop-after:0")).isInstanceOf(java.io.UncheckedIOException.class);
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void errorOfANonStreamingRequestAnswersWithTheErrorsStatus(WireFormat format) {
    assumeCodec(format);
    MockHttp.Answer answer = post(mock, path(format), body(format, false, false),
        "fault=error-after:0");

    assertThat(answer.status()).isIn(500, 529);
    assertThat(WireCodec.of(format).decodeError(answer.status(), answer.body()).retryable())
        .isTrue();
  }

  @Test
  void dropAfterZeroSendsHeadersAndNoEvent() throws Exception {
    // Read off the socket: an HTTP client may report a connection closed right behind the head
    // as a failed exchange rather than as an empty body, depending on when it reads the close.
    String body = body(WireFormat.OPENAI_CHAT, true, false);
    String request = "POST " + path(WireFormat.OPENAI_CHAT) + " HTTP/1.1\r\nHost: mock\r\n"
        + "Content-Type: application/json\r\n" + MockProvider.HEADER + ": fault=drop-after:0\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    String answer;
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", mock.port())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\n\r\n");
    assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).isEmpty();
  }
}
