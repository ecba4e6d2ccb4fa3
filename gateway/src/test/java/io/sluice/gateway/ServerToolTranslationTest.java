package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * A real Anthropic web search capture behind a Chat front door: the search the provider ran is
 * no tool call for the client, so it never reaches the client as {@code tool_calls}; what Chat
 * cannot carry is counted on {@code /metrics}.
 */
class ServerToolTranslationTest {

  static final String WEB_SEARCH = "vercel-ai/anthropic/anthropic-web-search-tool.1.chunks.txt";

  /** vercel's chunk files hold one payload a line; Anthropic names each event by its type. */
  static String asSse(String chunks) {
    StringBuilder sse = new StringBuilder();
    for (String line : chunks.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String type = line.substring(line.indexOf("\"type\":\"") + 8);
      type = type.substring(0, type.indexOf('"'));
      sse.append("event: ").append(type).append("\ndata: ").append(line).append("\n\n");
    }
    return sse.toString();
  }

  @Test
  void aChatClientNeverReceivesAServerToolAsAToolCall() throws Exception {
    String capture = asSse(CorpusReplayTest.corpus(WEB_SEARCH));
    assertThat(capture).contains("\"server_tool_use\"");
    try (LoopbackUpstream up = CorpusReplayTest.replaying(capture);
        GatewayHarness gw = GatewayHarness.routingAllTo(UpstreamKind.ANTHROPIC, up.baseUrl())) {
      HttpResponse<String> r = gw.send(gw.post("/v1/chat/completions",
          PassThroughTest.CHAT_REQUEST).build());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).doesNotContain("tool_calls").doesNotContain("srvtoolu_")
          .contains("tech news").endsWith("data: [DONE]\n\n");
      // The search's results cited in the text travel as Chat URL annotations.
      assertThat(r.body()).contains("\"annotations\":[{\"type\":\"url_citation\"");
      Awaits.until(() -> gw.log.size() == 1);
      HttpResponse<String> metrics = gw.get("/metrics");
      // One server_tool_use and one web_search_tool_result have no Chat form.
      assertThat(metrics.body())
          .contains("sluice_gateway_translation_dropped_total{route=\"/v1/chat/completions\"} 2.0");
    }
  }
}
