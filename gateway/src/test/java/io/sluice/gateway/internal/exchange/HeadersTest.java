package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class HeadersTest {
  private static final UnaryOperator<String> SAME = v -> v;

  @Test
  void theGatewaysOwnRateLimitHeaderIsKeptAndTheUpstreamsDropped() {
    MultiMap client = MultiMap.caseInsensitiveMultiMap().set("x-ratelimit-limit-requests", "3");
    MultiMap upstream = MultiMap.caseInsensitiveMultiMap()
        .add("X-RateLimit-Limit-Requests", "10000").add("x-request-id", "r1");
    Headers.copyResponse(upstream, client, SAME);
    assertThat(client.getAll("x-ratelimit-limit-requests")).containsExactly("3");
    assertThat(client.get("x-request-id")).isEqualTo("r1");
  }

  @Test
  void anUpstreamRateLimitHeaderTheGatewayDidNotSetPassesWithEveryValue() {
    MultiMap client = MultiMap.caseInsensitiveMultiMap();
    MultiMap upstream = MultiMap.caseInsensitiveMultiMap()
        .add("anthropic-ratelimit-tokens-limit", "1").add("anthropic-ratelimit-tokens-limit", "2");
    Headers.copyResponse(upstream, client, SAME);
    assertThat(client.getAll("anthropic-ratelimit-tokens-limit")).containsExactly("1", "2");
  }

  @Test
  void hopByHopHeadersAndTheContentTypeStayBehindAndValuesAreMasked() {
    MultiMap client = MultiMap.caseInsensitiveMultiMap();
    MultiMap upstream = MultiMap.caseInsensitiveMultiMap().add("Connection", "keep-alive")
        .add("Content-Type", "text/event-stream").add("openai-organization", "org sk-secret");
    Headers.copyResponse(upstream, client, v -> v.replace("sk-secret", "***"));
    assertThat(client.names()).containsExactly("openai-organization");
    assertThat(client.get("openai-organization")).isEqualTo("org ***");
  }

  @Test
  void aTranslationPassesTheRequestIdsAloneMasked() {
    MultiMap client = MultiMap.caseInsensitiveMultiMap();
    MultiMap upstream = MultiMap.caseInsensitiveMultiMap().add("request-id", "id sk-secret")
        .add("anthropic-ratelimit-tokens-limit", "1");
    Headers.copyRequestIds(upstream, client, v -> v.replace("sk-secret", "***"));
    assertThat(client.names()).containsExactly("request-id");
    assertThat(client.get("request-id")).isEqualTo("id ***");
  }
}
