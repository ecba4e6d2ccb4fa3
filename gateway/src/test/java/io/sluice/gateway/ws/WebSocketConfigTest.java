package io.sluice.gateway.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code websocket: true} in sluice.yaml: a Responses upstream that is relayed to. */
class WebSocketConfigTest {
  private static String yaml(String kind, String websocket) {
    return """
        routes:
          - model: "gpt-*"
            targets:
              - kind: %s
                base-url: https://api.openai.com/v1
                api-keys: [sk-test]
        %s""".formatted(kind, websocket.isEmpty() ? "" : "        websocket: " + websocket);
  }

  @Test
  void aResponsesTargetMayServeTheWebSocket() {
    GatewayConfig c = GatewayConfig.parse(yaml("openai-responses", "true"), Map.of());
    assertThat(c.routes().get(0).targets().get(0).websocket()).isTrue();
  }

  @Test
  void targetsHaveNoWebSocketByDefault() {
    GatewayConfig c = GatewayConfig.parse(yaml("openai-responses", ""), Map.of());
    assertThat(c.routes().get(0).targets().get(0).websocket()).isFalse();
  }

  @Test
  void onlyAResponsesTargetMayServeTheWebSocket() {
    assertThatThrownBy(() -> GatewayConfig.parse(yaml("openai-chat", "true"), Map.of()))
        .isInstanceOf(GatewayException.class).hasMessageContaining("websocket: true");
  }
}
