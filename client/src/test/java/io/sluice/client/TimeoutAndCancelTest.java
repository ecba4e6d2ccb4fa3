package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.RetryPolicy;
import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimeoutAndCancelTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  private static SluiceClient client(String baseUrl, ClientTimeouts timeouts) {
    return Fixtures.chat(baseUrl).timeouts(timeouts).retryPolicy(RetryPolicy.none()).build();
  }

  private static Failed lastFailed(EventStream events) {
    List<StreamEvent> all = Fixtures.list(events);
    assertThat(all.get(all.size() - 1)).isInstanceOf(Failed.class);
    return (Failed) all.get(all.size() - 1);
  }

  @Test
  void responseHeadersTimeoutThrowsBeforeTheStream() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.awaitClientClose());
        SluiceClient client = client(server.baseUrl(),
            ClientTimeouts.defaults().withResponseHeaders(SHORT))) {
      assertThatThrownBy(() -> client.complete(Fixtures.hello()))
          .isInstanceOfSatisfying(StreamTimeoutException.class, e -> {
            assertThat(e.timeout()).isEqualTo(StreamTimeoutException.Timeout.RESPONSE_HEADERS);
            assertThat(e.getMessage()).contains("responseHeaders timeout").contains("300 ms");
          });
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void firstEventTimeoutEndsTheStreamAndClosesTheConnection() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.sseHead());
        SluiceClient client = client(server.baseUrl(),
            ClientTimeouts.defaults().withFirstEvent(SHORT));
        EventStream events = client.stream(Fixtures.hello())) {
      Failed failed = lastFailed(events);
      assertThat(failed.type()).isEqualTo(Failed.TIMEOUT);
      assertThat(failed.message()).contains("firstEvent timeout");
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void idleTimeoutEndsAStalledStreamAndClosesTheConnection() throws Exception {
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(Fixtures.chatDelta("Hel"));
        });
        SluiceClient client = client(server.baseUrl(), ClientTimeouts.defaults().withIdle(SHORT));
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = Fixtures.list(events);
      assertThat(all).anyMatch(e -> e instanceof TextDelta);
      Failed failed = (Failed) all.get(all.size() - 1);
      assertThat(failed.type()).isEqualTo(Failed.TIMEOUT);
      assertThat(failed.message()).contains("idle timeout").contains("ClientTimeouts.idle");
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void beforeTheFirstEventOnlyTheFirstEventTimeoutCountsNotTheIdleOne() throws Exception {
    // A reasoning model: headers at once, then silence longer than the idle timeout, then the
    // answer, all within the first-event timeout.
    Duration idle = Duration.ofMillis(200);
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          long thinkUntil = System.nanoTime() + idle.multipliedBy(5).toNanos();
          new CountDownLatch(1).await(thinkUntil - System.nanoTime(), TimeUnit.NANOSECONDS);
          conn.chunk(Fixtures.chatDelta("thought it over"));
          conn.chunk("data: [DONE]\n\n");
          conn.write("0\r\n\r\n");
        });
        SluiceClient client = client(server.baseUrl(),
            ClientTimeouts.defaults().withIdle(idle).withFirstEvent(Duration.ofSeconds(30)));
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = Fixtures.list(events);
      assertThat(all.get(all.size() - 1)).isNotInstanceOf(Failed.class);
      assertThat(all).contains(new TextDelta(0, 0, "thought it over"));
    }
  }

  @Test
  void aSteadyStreamOutlivesTheIdleTimeout() throws Exception {
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          // The server's pace, well below the idle timeout, above it in sum.
          conn.paced(8, Duration.ofMillis(200), Fixtures.chatDelta("t"));
          conn.chunk("data: [DONE]\n\n");
          conn.write("0\r\n\r\n");
        });
        SluiceClient client = client(server.baseUrl(),
            ClientTimeouts.defaults().withIdle(Duration.ofMillis(1000)));
        EventStream events = client.stream(Fixtures.hello())) {
      List<StreamEvent> all = Fixtures.list(events);
      assertThat(all.get(all.size() - 1)).isNotInstanceOf(Failed.class);
      assertThat(all.stream().filter(e -> e instanceof TextDelta)).hasSize(8);
    }
  }

  @Test
  void totalTimeoutEndsAStreamThatTakesTooLong() throws Exception {
    // The timeout counts from the call's start, so on a starved machine it can fall before the
    // response head arrives: stream() then throws it (a valid outcome, checked below), and the
    // call is tried again with a warmer JVM until the timeout meets a stream already running.
    for (int attempt = 1; ; attempt++) {
      try (RawServer server = new RawServer(conn -> {
            conn.sseHead();
            conn.paced(200, Duration.ofMillis(50), Fixtures.chatDelta("t"));
          });
          SluiceClient client = client(server.baseUrl(),
              ClientTimeouts.defaults().withTotal(Duration.ofSeconds(2)))) {
        EventStream events;
        try {
          events = client.stream(Fixtures.hello());
        } catch (StreamTimeoutException beforeHead) {
          assertThat(beforeHead.timeout()).isEqualTo(StreamTimeoutException.Timeout.TOTAL);
          assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
          assertThat(attempt).as("the head never came within the total timeout").isLessThan(3);
          continue;
        }
        try (events) {
          Failed failed = lastFailed(events);
          assertThat(failed.message()).contains("total timeout");
          assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
        }
        return;
      }
    }
  }

  @Test
  void closingBeforeTheFirstEventClosesTheConnection() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.sseHead());
        SluiceClient client = client(server.baseUrl(), ClientTimeouts.defaults())) {
      EventStream events = client.stream(Fixtures.hello());
      assertThat(server.requestRead.await(10, TimeUnit.SECONDS)).isTrue();
      Iterator<StreamEvent> it = events.iterator();
      CompletableFuture<StreamEvent> waiting = CompletableFuture.supplyAsync(it::next);
      events.close();
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Failed.class,
          f -> assertThat(f.type()).isEqualTo(Failed.CANCELLED));
      assertThat(it.hasNext()).isFalse();
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void closingWhileWaitingForHeadersAbortsTheExchange() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.awaitClientClose());
        SluiceClient client = client(server.baseUrl(), ClientTimeouts.defaults())) {
      EventStream events = client.stream(Fixtures.hello());
      assertThat(server.requestRead.await(10, TimeUnit.SECONDS)).isTrue();
      events.close();
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Fixtures.list(events)).singleElement().isInstanceOfSatisfying(Failed.class,
          f -> assertThat(f.type()).isEqualTo(Failed.CANCELLED));
    }
  }

  @Test
  void closingAfterTheFirstEventFromAnotherThreadStopsDelivery() throws Exception {
    CountDownLatch firstSeen = new CountDownLatch(1);
    List<StreamEvent> seen = new CopyOnWriteArrayList<>();
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          for (int i = 0; i < 10_000 && !conn.socket.isClosed(); i++) {
            conn.chunk(Fixtures.chatDelta("t" + i));
          }
        });
        SluiceClient client = client(server.baseUrl(), ClientTimeouts.defaults())) {
      EventStream events = client.stream(Fixtures.hello());
      events.listen(event -> {
        seen.add(event);
        firstSeen.countDown();
      });
      assertThat(firstSeen.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.runAsync(events::close).get(10, TimeUnit.SECONDS);
      int atClose = seen.size();
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).hasSize(atClose);
      // The one terminal event is the cancellation, delivered before close() returned.
      assertThat(seen.get(atClose - 1)).isInstanceOfSatisfying(Failed.class,
          f -> assertThat(f.type()).isEqualTo(Failed.CANCELLED));
      assertThat(seen).filteredOn(e -> e instanceof StreamEvent.Terminal).hasSize(1);
    }
  }

  @Test
  void cancellingASubscriptionClosesTheConnection() throws Exception {
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(Fixtures.chatDelta("a"));
        });
        SluiceClient client = client(server.baseUrl(), ClientTimeouts.defaults());
        EventStream events = client.stream(Fixtures.hello())) {
      CountDownLatch got = new CountDownLatch(1);
      events.subscribe(new java.util.concurrent.Flow.Subscriber<StreamEvent>() {
        java.util.concurrent.Flow.Subscription s;

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
          s = subscription;
          s.request(1);
        }

        @Override
        public void onNext(StreamEvent item) {
          s.cancel();
          got.countDown();
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
      });
      assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aCancelledCallIsNotRetried() throws Exception {
    Fixtures.RecordingDelayer delayer = new Fixtures.RecordingDelayer();
    try (RawServer server = new RawServer(conn -> conn.awaitClientClose());
        SluiceClient client = Fixtures.chat(server.baseUrl()).delayer(delayer).build()) {
      EventStream events = client.stream(Fixtures.hello());
      assertThat(server.requestRead.await(10, TimeUnit.SECONDS)).isTrue();
      events.close();
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(delayer.delays).isEmpty();
      assertThat(server.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void aSlowReaderIsNeverIdle() throws Exception {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      body.append(Fixtures.chatDelta("t"));
    }
    body.append("data: [DONE]\n\n");
    try (LoopbackHttp server = new LoopbackHttp(LoopbackHttp.Answer.sse(body.toString()));
        SluiceClient client = client(server.baseUrl(),
            ClientTimeouts.defaults().withIdle(Duration.ofMillis(100)));
        EventStream events = client.stream(Fixtures.hello())) {
      Iterator<StreamEvent> it = events.iterator();
      it.next();
      CountDownLatch pause = new CountDownLatch(1);
      assertThat(pause.await(400, TimeUnit.MILLISECONDS)).isFalse(); // the reader dawdles
      StreamEvent last = null;
      while (it.hasNext()) {
        last = it.next();
      }
      assertThat(last).isNotInstanceOf(Failed.class);
    }
  }
}
