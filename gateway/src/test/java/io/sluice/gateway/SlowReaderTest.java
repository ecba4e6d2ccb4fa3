package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A client that stops reading pauses the upstream read: the gateway buffers a bounded amount. */
class SlowReaderTest {
  static final long TOTAL = 512L * 1024 * 1024;
  static final Buffer EVENT = Buffer.buffer("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
      + "x".repeat(16 * 1024) + "\"}}]}\n\n");

  final AtomicLong written = new AtomicLong();
  final AtomicBoolean waitingForDrain = new AtomicBoolean();
  volatile CountDownLatch drained = new CountDownLatch(1);

  void pump(HttpServerResponse response) {
    waitingForDrain.set(false);
    drained.countDown();
    while (!response.writeQueueFull() && written.get() < TOTAL) {
      response.write(EVENT);
      written.addAndGet(EVENT.length());
    }
    if (written.get() >= TOTAL) {
      response.end();
      return;
    }
    drained = new CountDownLatch(1);
    waitingForDrain.set(true);
    response.drainHandler(v -> pump(response));
  }

  @Test
  void theUpstreamIsPausedWhileTheClientDoesNotRead() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      pump(call.request.response());
    });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(java.util.List.of(
            new GatewayConfig.Route("*", java.util.List.of(
                GatewayConfig.Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withLimits(GatewayLimits.defaults().withTimeouts(
                java.time.Duration.ofSeconds(30), java.time.Duration.ofMillis(200))));
        RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions",
            FailuresTest.CHAT_STREAM)) {
      client.readUntil("\r\n\r\n"); // then reads nothing more
      // Socket buffers fill first; then, with back-pressure, nothing drains the upstream any more.
      // Without it the gateway would keep reading (and buffering) as fast as the upstream writes.
      boolean quiet = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!quiet && System.nanoTime() < deadline && written.get() < TOTAL) {
        Awaits.until(waitingForDrain::get);
        quiet = !drained.await(500, TimeUnit.MILLISECONDS);
      }
      assertThat(quiet).isTrue();
      assertThat(written.get()).isLessThan(64L * 1024 * 1024);
      // Paused for the client, the upstream is not idle: the 200 ms idle timeout did not cut it.
      assertThat(up.calls.get(0).closedAtNanos).isNotDone();
    }
  }
}
