package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** How the gateway calls an upstream, and which of the upstream's headers reach the client. */
class UpstreamCallTest {

  @Test
  void aBaseUrlEndingInASlashIsJoinedWithoutADoubleSlash() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT,
            up.baseUrl() + "/")) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          PassThroughTest.CHAT_REQUEST).build());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(up.calls).extracting(c -> c.path).containsExactly("/v1/chat/completions");
    }
  }

  @Test
  void aPassThroughCopiesTheUpstreamsHeadersButNotItsHopByHopOnes() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.request.response().putHeader("openai-processing-ms", "42")
          .putHeader("x-request-id", "req_1").putHeader("Keep-Alive", "timeout=5");
      call.startStream();
      call.write(PassThroughTest.CHAT);
      call.end();
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          PassThroughTest.CHAT_REQUEST).build());

      assertThat(r.headers().firstValue("openai-processing-ms")).hasValue("42");
      assertThat(r.headers().firstValue("x-request-id")).hasValue("req_1");
      assertThat(r.headers().firstValue("keep-alive")).isEmpty();
      assertThat(r.headers().allValues("content-type")).containsExactly(
          "text/event-stream; charset=utf-8");
    }
  }

  @Test
  void aTranslationCopiesOnlyTheUpstreamsRequestIds() throws Exception {
    try (LoopbackUpstream up = new LoopbackUpstream(call -> {
      call.request.response().putHeader("request-id", "req_a")
          .putHeader("anthropic-ratelimit-requests-remaining", "5");
      call.startStream();
      call.write(Http2UpstreamTest.ANTHROPIC);
      call.end();
    });
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.ANTHROPIC, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          PassThroughTest.CHAT_REQUEST).build());

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("request-id")).hasValue("req_a");
      assertThat(r.headers().firstValue("anthropic-ratelimit-requests-remaining")).isEmpty();
    }
  }
}
