package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.core.event.Failed;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.event.TextDelta;
import io.sluice.core.message.FinalMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import io.sluice.core.RetryPolicy;

/** Closing a stream ends it with exactly one Failed(cancelled), whichever way it is read. */
class CancellationTest {
  private static final Failed CANCELLED_SHAPE =
      new Failed(Failed.CANCELLED, "", "the stream was closed", 0, false);

  /** A server that sends one event and then holds the stream open until the client leaves. */
  private static RawServer oneEventThenSilence() throws Exception {
    return new RawServer(conn -> {
      conn.sseHead();
      conn.chunk(Fixtures.chatDelta("Hel"));
    });
  }

  private static SluiceClient client(RawServer server) {
    return Fixtures.chat(server.baseUrl()).retryPolicy(RetryPolicy.none()).build();
  }

  private static List<Failed> terminals(List<StreamEvent> events) {
    List<Failed> out = new ArrayList<>();
    for (StreamEvent e : events) {
      if (e instanceof StreamEvent.Terminal) {
        out.add((Failed) e);
      }
    }
    return out;
  }

  @Test
  void aLoopIteratingAfterCloseEndsWithTheCancelledEvent() throws Exception {
    try (RawServer server = oneEventThenSilence();
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      List<StreamEvent> seen = new ArrayList<>();
      for (StreamEvent event : events) {
        seen.add(event);
        if (event instanceof TextDelta) {
          events.close();
        }
      }
      assertThat(seen.get(seen.size() - 1)).isEqualTo(CANCELLED_SHAPE);
      assertThat(terminals(seen)).hasSize(1);
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void iteratingAStreamClosedBeforeItsFirstEventGivesOnlyTheCancelledEvent() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.awaitClientClose());
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      events.close();
      assertThat(Fixtures.list(events)).containsExactly(CANCELLED_SHAPE);
    }
  }

  @Test
  void aBlockedIteratorWokenByCloseFromAnotherThreadGetsTheCancelledEvent() throws Exception {
    try (RawServer server = new RawServer(conn -> conn.sseHead());
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      assertThat(server.requestRead.await(10, TimeUnit.SECONDS)).isTrue();
      Iterator<StreamEvent> it = events.iterator();
      CompletableFuture<StreamEvent> waiting = CompletableFuture.supplyAsync(it::next);
      events.close();
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(CANCELLED_SHAPE);
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void finishReportsACloseFromAnotherThreadAsCancelledNotTruncated() throws Exception {
    CountDownLatch firstChunkSent = new CountDownLatch(1);
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          conn.chunk(Fixtures.chatDelta("Hel"));
          firstChunkSent.countDown();
        });
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      CompletableFuture<FinalMessage> finished = CompletableFuture.supplyAsync(events::finish);
      assertThat(firstChunkSent.await(10, TimeUnit.SECONDS)).isTrue();
      events.close();
      FinalMessage message = finished.get(10, TimeUnit.SECONDS);
      assertThat(message.outcome()).isEqualTo(CANCELLED_SHAPE);
      assertThat(message.error()).hasValueSatisfying(f -> assertThat(f.retryable()).isFalse());
    }
  }

  @Test
  void textThrowsTheCancelledEventOfAClosedStream() throws Exception {
    try (RawServer server = oneEventThenSilence();
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      events.close();
      assertThatThrownBy(events::text).isInstanceOfSatisfying(StreamFailedException.class,
          e -> {
            assertThat(e.failed().type()).isEqualTo(Failed.CANCELLED);
            assertThat(e.retryable()).isFalse();
          });
    }
  }

  @Test
  void aListenerReceivesTheCancelledEventBeforeCloseReturns() throws Exception {
    List<StreamEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    try (RawServer server = oneEventThenSilence();
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      events.listen(event -> {
        seen.add(event);
        first.countDown();
      });
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture.runAsync(events::close).get(10, TimeUnit.SECONDS);
      List<StreamEvent> atClose = List.copyOf(seen);
      assertThat(atClose.get(atClose.size() - 1)).isEqualTo(CANCELLED_SHAPE);
      assertThat(terminals(atClose)).hasSize(1);
      assertThat(server.clientClosed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen).isEqualTo(atClose);
    }
  }

  @Test
  void aSubscriberGetsTheCancelledEventAtItsNextDemand() throws Exception {
    List<StreamEvent> seen = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    CountDownLatch completed = new CountDownLatch(1);
    Flow.Subscription[] subscription = new Flow.Subscription[1];
    try (RawServer server = oneEventThenSilence();
        SluiceClient client = client(server)) {
      EventStream events = client.stream(Fixtures.hello());
      events.subscribe(new Flow.Subscriber<StreamEvent>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription[0] = s;
          s.request(1);
        }

        @Override
        public void onNext(StreamEvent item) {
          seen.add(item);
          first.countDown();
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {
          completed.countDown();
        }
      });
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
      events.close();
      assertThat(seen).hasSize(1); // no demand: nothing pushed
      subscription[0].request(1);
      assertThat(completed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(seen.get(seen.size() - 1)).isEqualTo(CANCELLED_SHAPE);
    }
  }

  @Test
  void closingTheClientCancelsItsStreams() throws Exception {
    try (RawServer server = oneEventThenSilence()) {
      SluiceClient client = client(server);
      EventStream events = client.stream(Fixtures.hello());
      Iterator<StreamEvent> it = events.iterator();
      assertThat(it.next()).isNotInstanceOf(StreamEvent.Terminal.class);
      client.close();
      StreamEvent last = null;
      while (it.hasNext()) {
        last = it.next();
      }
      assertThat(last).isEqualTo(CANCELLED_SHAPE);
    }
  }
}
