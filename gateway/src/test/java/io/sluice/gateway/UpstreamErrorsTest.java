package io.sluice.gateway;

import static io.sluice.gateway.FaultMatrixTest.oneLogLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the client is told when an upstream refuses: a 429 on the last key carries the provider's
 * own error, a quota that waiting does not cure is no rate limit, and a 2xx stream that begins
 * with an error is a failed attempt like a 5xx.
 */
class UpstreamErrorsTest {
  static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached for m on"
      + " requests per min\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}";
  static final String NO_QUOTA = "{\"error\":{\"message\":\"You exceeded your current quota, please"
      + " check your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":null,"
      + "\"code\":\"insufficient_quota\"}}";

  @Test
  void a429OnTheLastKeyPassesTheProvidersErrorToAClientOfItsFormat() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.request.response().putHeader("Retry-After", "7");
      call.answer(429, "application/json", RATE_LIMITED);
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl(),
            "k1")) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          FailuresTest.CHAT_STREAM).build());

      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).isEqualTo(RATE_LIMITED);
      assertThat(r.headers().firstValue("retry-after")).hasValue("7");
      assertThat(oneLogLine(gw)).contains(" 429 ", "error=keys_cooling");
      assertThat(up.calls).hasSize(1);
    }
  }

  @Test
  void a429OnTheLastKeyIsTheProvidersErrorInATranslatedClientsFormat() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(429, "application/json", RATE_LIMITED));
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl(),
            "k1")) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages",
          FailuresTest.MESSAGES_STREAM).build());

      assertThat(r.statusCode()).isEqualTo(429);
      assertThat(r.body()).contains("\"type\":\"error\"", "\"rate_limit_error\"",
          "Rate limit reached for m on requests per min").doesNotContain("cooling down");
    }
  }

  @Test
  void anExhaustedQuotaIsNotRetriedAndItsKeyRestsForTheQuotaCoolDown() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      if (call.headers.get("authorization").equals("Bearer k1")) {
        call.answer(429, "application/json", NO_QUOTA);
      } else {
        call.startStream();
        call.write(PassThroughTest.CHAT);
        call.end();
      }
    });
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "k1", "k2")))))
            .withLimits(GatewayLimits.builder().quotaCoolDown(Duration.ofSeconds(900))
                .build()))) {
      HttpResponse<String> first = gw.send(gw.post("/v1/chat/completions",
          FailuresTest.CHAT_STREAM).build());

      // Told as it is, once: another attempt would meet the same bill.
      assertThat(first.statusCode()).isEqualTo(429);
      assertThat(first.body()).isEqualTo(NO_QUOTA);
      assertThat(oneLogLine(gw)).contains(" 429 ", "error=quota_exhausted");
      assertThat(up.calls).hasSize(1);
      // k1 rests for the quota cool-down, not a rate limit's second: k2 serves from now on.
      for (int i = 0; i < 2; i++) {
        assertThat(gw.send(gw.post("/v1/chat/completions", FailuresTest.CHAT_STREAM).build())
            .statusCode()).isEqualTo(200);
      }
      assertThat(up.calls).extracting(c -> c.headers.get("authorization"))
          .containsExactly("Bearer k1", "Bearer k2", "Bearer k2");
    }
  }

  @Test
  void aKeyWhoseQuotaIsExhaustedCoolsForTheConfiguredTime() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(
            call -> call.answer(429, "application/json", NO_QUOTA));
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.OPENAI_CHAT, up.baseUrl(), "k1")))))
            .withLimits(GatewayLimits.builder().quotaCoolDown(Duration.ofSeconds(900))
                .build()))) {
      gw.send(gw.post("/v1/chat/completions", FailuresTest.CHAT_STREAM).build());

      HttpResponse<String> next = gw.send(gw.post("/v1/chat/completions",
          FailuresTest.CHAT_STREAM).build());

      assertThat(next.statusCode()).isEqualTo(429);
      // Not the one second of a rate limit without Retry-After: most of the 900 s are left.
      assertThat(Long.parseLong(next.headers().firstValue("retry-after").orElseThrow()))
          .isBetween(800L, 900L);
      assertThat(up.calls).hasSize(1);
    }
  }

  static final String OVERLOADED = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_0","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":3,"output_tokens":1}}}

      event: error
      data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

      """;

  @Test
  void aStreamThatBeginsWithAnErrorFailsOverToTheNextTarget() throws Exception {
    try (LoopbackUpstream overloaded = LoopbackUpstream.streaming(OVERLOADED);
        LoopbackUpstream good = LoopbackUpstream.streaming(Http2UpstreamTest.ANTHROPIC);
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.ANTHROPIC, overloaded.baseUrl()),
            Target.of(UpstreamKind.ANTHROPIC, good.baseUrl()))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages",
          FailuresTest.MESSAGES_STREAM).build());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(Http2UpstreamTest.ANTHROPIC);
      assertThat(overloaded.calls).hasSize(1);
      assertThat(good.calls).hasSize(1);
      assertThat(oneLogLine(gw)).contains(" 200 ").doesNotContain("error=");
    }
  }

  @Test
  void aReframedChatStreamThatBeginsWithAnErrorSendsNoneOfItBeforeFailingOver() throws Exception {
    // The client did not ask for usage, so the gateway re-frames the stream to drop the usage
    // chunk it asked for: the error event must not be framed out after the hand-back.
    try (LoopbackUpstream overloaded = LoopbackUpstream.streaming("data: {\"error\":{\"message\":"
            + "\"overloaded\",\"type\":\"server_error\"}}\n\ndata: [DONE]\n\n");
        LoopbackUpstream good = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.OPENAI_CHAT, overloaded.baseUrl()),
            Target.of(UpstreamKind.OPENAI_CHAT, good.baseUrl()))))))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          FailuresTest.CHAT_STREAM).build());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("overloaded").contains("\"Hello\"")
          .endsWith("data: [DONE]\n\n");
      assertThat(overloaded.calls).hasSize(1);
      assertThat(good.calls).hasSize(1);
    }
  }

  @Test
  void aStreamThatBeginsWithAnErrorOnTheLastAttemptCarriesTheError() throws Exception {
    try (LoopbackUpstream overloaded = LoopbackUpstream.streaming(OVERLOADED);
        GatewayHarness gw = new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.ANTHROPIC, overloaded.baseUrl())))))
            .withLimits(GatewayLimits.builder().maxAttempts(2).build()))) {
      HttpResponse<String> r = gw.send(gw.post("/v1/messages",
          FailuresTest.MESSAGES_STREAM).build());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(OVERLOADED);
      assertThat(overloaded.calls).hasSize(2);
    }
  }
}
