package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueAndHeartbeatTest {
  static final String STREAM = FailuresTest.CHAT_STREAM;

  private static GatewayConfig config(String baseUrl, GatewayLimits limits) {
    return GatewayConfig.of(List.of(new Route("*",
        List.of(Target.of(UpstreamKind.OPENAI_CHAT, baseUrl))))).withLimits(limits);
  }

  @Test
  void aFullQueueAnswers429WithRetryAfter() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.startStream());
        GatewayHarness gw = new GatewayHarness(config(up.baseUrl(),
            GatewayLimits.defaults().withConcurrency(1, 0)))) {
      RawClient holder = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      Awaits.until(() -> up.calls.size() == 1);
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", STREAM).build());
      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.headers().firstValue("retry-after")).isPresent();
      assertThat(r.body()).contains("queues are full");
      holder.close();
    }
  }

  @Test
  void aQueuedStreamingClientGetsHeartbeats() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> call.startStream());
        GatewayHarness gw = new GatewayHarness(config(up.baseUrl(),
            GatewayLimits.defaults().withConcurrency(1, 4).withHeartbeat(Duration.ofMillis(50))))) {
      RawClient holder = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM);
      Awaits.until(() -> up.calls.size() == 1);
      try (RawClient queued = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM)) {
        String got = queued.readUntil(": heartbeat\n\n");
        assertThat(got).startsWith("HTTP/1.1 200").contains("text/event-stream");
      }
      holder.close();
    }
  }

  @Test
  void aLongTimeToFirstTokenGetsHeartbeatsThenTheStream() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> { });
        GatewayHarness gw = new GatewayHarness(config(up.baseUrl(),
            GatewayLimits.defaults().withHeartbeat(Duration.ofMillis(50))))) {
      try (RawClient client = new RawClient(gw.gateway.port(), "/v1/chat/completions", STREAM)) {
        client.readUntil(": heartbeat\n\n");
        Awaits.until(() -> up.calls.size() == 1);
        LoopbackUpstream.Call call = up.calls.get(0);
        up.run(() -> {
          call.startStream();
          call.write(PassThroughTest.CHAT);
          call.end();
        });
        assertThat(client.readUntil("data: [DONE]")).contains("Hello");
      }
    }
  }

  @Test
  void aFirstTokenTimeoutIs504WhenNothingWasSent() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> { });
        GatewayHarness gw = new GatewayHarness(config(up.baseUrl(), GatewayLimits.defaults()
            .withTimeouts(Duration.ofMillis(200), Duration.ofSeconds(5))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          STREAM.replace("\"stream\":true", "\"stream\":false")).build());
      assertThat(r.statusCode()).isEqualTo(504);
      assertThat(r.body()).contains("limits.first-token-timeout");
    }
  }

  @Test
  void anIdleUpstreamEndsTheStreamWithATerminalError() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n");
    });
        GatewayHarness gw = new GatewayHarness(config(up.baseUrl(), GatewayLimits.defaults()
            .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(200))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", STREAM).build());
      assertThat(r.body()).contains("\"Hi\"", "\"finish_reason\":\"error\"",
          "limits.idle-timeout").endsWith("data: [DONE]\n\n");
    }
  }

  @Test
  void theIdleTimeoutWaitsForTheFirstTokenWhichTheFirstTokenTimeoutGoverns() throws Exception {
    // A reasoning model: its head at once, then a silence longer than the idle timeout.
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      io.vertx.core.Vertx.currentContext().owner().setTimer(900, id -> {
        call.write("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":"
            + "{\"content\":\"Thought\"}}]}\n\ndata: [DONE]\n\n");
        call.end();
      });
    });
        GatewayHarness gw = new GatewayHarness(config(up.baseUrl(), GatewayLimits.defaults()
            .withTimeouts(Duration.ofSeconds(30), Duration.ofMillis(200))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions", STREAM).build());
      assertThat(r.body()).contains("\"Thought\"").doesNotContain("limits.idle-timeout")
          .endsWith("data: [DONE]\n\n");
    }
  }

  @Test
  void aFirstTokenTimeoutAfterTheStreamBeganIsATerminalError() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.startStream();
      call.write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
          + "\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
          + "\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n");
    });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.ANTHROPIC, up.baseUrl())))))
            .withLimits(GatewayLimits.defaults()
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages", FailuresTest.MESSAGES_STREAM)
          .build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("event: message_start")
          .contains("event: error", "limits.first-token-timeout");
      assertThat(up.calls.get(0).closedAtNanos.get(5, java.util.concurrent.TimeUnit.SECONDS))
          .isPositive();
    }
  }
}
