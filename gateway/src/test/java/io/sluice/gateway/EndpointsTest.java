package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @Test
  void healthzModelsAndMetricsAnswer() throws Exception {
    try (LoopbackUpstream up = LoopbackUpstream.streaming(PassThroughTest.CHAT);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.OPENAI_CHAT, up.baseUrl())) {
      assertThat(gw.get("/healthz").body()).contains("ok");
      assertThat(gw.get("/v1/models").body()).contains("\"id\":\"*\"", "\"object\":\"list\"");
      gw.send(gw.post("/v1/chat/completions", PassThroughTest.CHAT_REQUEST).build());
      Awaits.until(() -> gw.log.size() == 1);
      HttpResponse<String> metrics = gw.get("/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("sluice_gateway_active_streams",
          "sluice_gateway_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 1.0",
          "gen_ai_server_request_duration_seconds_count",
          "gen_ai_client_token_usage_sum{error_type=\"\",gen_ai_operation_name=\"chat\"");
    }
  }

  @Test
  void anUnknownPathIs404() throws Exception {
    try (GatewayHarness gw = new GatewayHarness(GatewayConfig.of(java.util.List.of()))) {
      assertThat(gw.get("/v2/nothing").statusCode()).isEqualTo(404);
    }
  }
}
