package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code state} section of sluice.yaml: shared state between replicas. */
class StateConfigTest {

  private static GatewayConfig parse(String state) {
    return GatewayConfig.parse(ConfigTest.ROUTE + "state:\n" + state, Map.of());
  }

  @Test
  void theLeaseTtlDefaultsToThirtySeconds() {
    assertThat(parse("  redis: redis://127.0.0.1:6379\n").ledger().leaseTtl())
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void readsTheLeaseTtl() {
    assertThat(parse("  redis: redis://127.0.0.1:6379\n  lease-ttl: 3s\n").ledger().leaseTtl())
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aLeaseTtlOutsideOneToSixtySecondsIsAnErrorThatNamesTheSetting() {
    assertThatThrownBy(() -> parse("  lease-ttl: 500ms\n")).isInstanceOf(GatewayException.class)
        .hasMessageContaining("state.lease-ttl").hasMessageContaining("500 ms");
    assertThatThrownBy(() -> parse("  lease-ttl: 2m\n")).isInstanceOf(GatewayException.class)
        .hasMessageContaining("state.lease-ttl");
  }
}
