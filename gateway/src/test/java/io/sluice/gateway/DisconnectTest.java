package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that leaves cancels the upstream at once, in every phase. */
class DisconnectTest {
  static final String STREAM = FailuresTest.CHAT_STREAM;

  private static long millisToUpstreamClose(LoopbackUpstream.Call call, long clientClosedAt)
      throws Exception {
    long closedAt = call.closedAtNanos.get(5, TimeUnit.SECONDS);
    return (closedAt - clientClosedAt) / 1_000_000;
  }

  @Test
  void midStreamTheUpstreamSeesTheCloseWithin100ms() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      client.readUntil("\"Hi\"");
      client.close();
      long closed = System.nanoTime();
      assertThat(millisToUpstreamClose(up.calls.get(0), closed)).isLessThan(100);
      Awaits.until(() -> gw.log.size() == 1);
      assertThat(gw.log.get(0)).contains(" 499 ", "error=client_closed");
    }
  }

  @Test
  void waitingForTheFirstByteTheUpstreamSeesTheCloseWithin100ms() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> { });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      Awaits.until(() -> up.calls.size() == 1);
      client.close();
      long closed = System.nanoTime();
      assertThat(millisToUpstreamClose(up.calls.get(0), closed)).isLessThan(100);
    }
  }

  @Test
  void aQueuedClientThatLeavesIsRemovedFromTheQueue() throws Exception {
    GatewayConfig config = GatewayConfig.of(List.of(new Route("*",
        List.of(Target.of(UpstreamKind.OPENAI_CHAT, "http://127.0.0.1:1/v1")))));
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.startStream());
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl())))))
            .withLimits(config.limits().withConcurrency(1, 1)))) {
      RawClient holder = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      Awaits.until(() -> up.calls.size() == 1);
      RawClient queued = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      queued.readUntil("text/event-stream"); // a waiting streaming client gets its headers at once
      queued.close();
      Awaits.until(() -> gw.log.size() == 1);
      assertThat(gw.log.get(0)).contains(" 499 ");
      // The queue (size 1) has room again: the next client waits instead of getting a 429.
      RawClient next = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      assertThat(next.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 200");
      holder.close();
      Awaits.until(() -> up.calls.size() == 2); // the lease passed to the next in line
      next.close();
      assertThat(up.calls).hasSize(2);
    }
  }
}
