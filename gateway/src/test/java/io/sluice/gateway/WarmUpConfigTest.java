package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code server.warm-up}: how long the start-up warm-up may run, zero for none. */
class WarmUpConfigTest {

  private static GatewayConfig parse(String server) {
    return GatewayConfig.parse(server + ConfigTest.ROUTE, Map.of());
  }

  @Test
  void itRunsForTenSecondsAtMostUnlessToldOtherwise() {
    assertThat(parse("").limits().warmUp()).isEqualTo(Duration.ofSeconds(10));
    assertThat(GatewayLimits.defaults().warmUp()).isEqualTo(GatewayLimits.DEFAULT_WARM_UP);
  }

  @Test
  void itTakesADurationAndZeroTurnsItOff() {
    assertThat(parse("server:\n  warm-up: 250ms\n").limits().warmUp())
        .isEqualTo(Duration.ofMillis(250));
    assertThat(parse("server:\n  warm-up: 0\n").limits().warmUp()).isZero();
  }

  @Test
  void aNegativeWarmUpIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> parse("server:\n  warm-up: -1s\n"))
        .hasMessageContaining("server.warm-up");
  }

  @Test
  void aReloadThatChangesItSaysItWaitsForARestart() {
    GatewayConfig running = parse("");
    GatewayConfig next = parse("server:\n  warm-up: 0\n");
    assertThat(io.sluice.gateway.internal.config.ConfigChanges.of(running, next, "127.0.0.1")
        .restartNeeded()).anySatisfy(line -> assertThat(line).startsWith("server.warm-up"));
  }
}
