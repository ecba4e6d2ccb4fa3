package io.sluice.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.event.Done;
import io.sluice.core.event.StreamEvent;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackPressureTest {
  private static final int EVENTS = 200_000; // about 40 MB, far beyond any socket buffer

  @Test
  void aSlowSubscriberSlowsTheServerDown() throws Exception {
    AtomicLong written = new AtomicLong();
    String event = Fixtures.chatDelta("x".repeat(40));
    try (RawServer server = new RawServer(conn -> {
          conn.sseHead();
          StringBuilder batch = new StringBuilder();
          for (int i = 0; i < EVENTS; i++) {
            batch.append(event);
            if (batch.length() > 16 * 1024) {
              conn.chunk(batch.toString());
              written.addAndGet(batch.length());
              batch.setLength(0);
            }
          }
          batch.append("data: [DONE]\n\n");
          conn.chunk(batch.toString());
          written.addAndGet(batch.length());
          conn.write("0\r\n\r\n");
        });
        SluiceClient client = Fixtures.chat(server.baseUrl()).build();
        EventStream events = client.stream(Fixtures.hello())) {
      AtomicLong received = new AtomicLong();
      CountDownLatch first = new CountDownLatch(1);
      CountDownLatch done = new CountDownLatch(1);
      Flow.Subscription[] subscription = new Flow.Subscription[1];
      events.subscribe(new Flow.Subscriber<StreamEvent>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription[0] = s;
          s.request(1);
        }

        @Override
        public void onNext(StreamEvent item) {
          received.incrementAndGet();
          first.countDown();
          if (item instanceof Done) {
            done.countDown();
          }
        }

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
      });
      assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
      long total = (long) EVENTS * event.length();
      long stable = awaitStable(written);
      assertThat(stable).as("bytes the server could write while the subscriber took one event")
          .isLessThan(total / 4);
      assertThat(received.get()).isEqualTo(1);
      subscription[0].request(Long.MAX_VALUE);
      assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(received.get()).isGreaterThan(EVENTS);
    }
  }

  /** Waits until the counter stops moving for a while, and returns it. */
  private static long awaitStable(AtomicLong counter) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    long last = -1;
    int still = 0;
    for (int i = 0; i < 200 && still < 5; i++) {
      never.await(50, TimeUnit.MILLISECONDS);
      long now = counter.get();
      still = now == last ? still + 1 : 0;
      last = now;
    }
    return last;
  }
}
