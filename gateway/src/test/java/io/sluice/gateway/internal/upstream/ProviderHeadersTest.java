package io.sluice.gateway.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderHeadersTest {

  private static MultiMap forwarded(MultiMap from) {
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    ProviderHeaders.forward(from, List.of("x-team"), to);
    return to;
  }

  @Test
  void allowedHeadersCrossAndCredentialsDoNot() {
    MultiMap to = forwarded(MultiMap.caseInsensitiveMultiMap()
        .add("Anthropic-Beta", "tools").add("X-Team", "a").add("Authorization", "Bearer k")
        .add("Cookie", "c").add("X-Sluice-Mock", "tps=2"));
    assertThat(to.names()).containsExactlyInAnyOrder("Anthropic-Beta", "X-Team",
        "X-Sluice-Mock");
  }

  @Test
  void aHeaderTheClientsConnectionHeaderNamesStaysAtTheGateway() {
    // RFC 9110 §7.6.1: names listed in Connection are for the next hop alone.
    MultiMap to = forwarded(MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive, X-Team").add("X-Team", "a").add("traceparent", "00-1"));
    assertThat(to.names()).containsExactly("traceparent");
  }
}
