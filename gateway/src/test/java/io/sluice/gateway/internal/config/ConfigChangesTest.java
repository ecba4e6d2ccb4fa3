package io.sluice.gateway.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.Price;
import io.sluice.gateway.UpstreamKind;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a reload applies, and what it keeps for a restart. */
class ConfigChangesTest {
  static final Price CHEAP = new Price(BigDecimal.ONE, BigDecimal.ONE, BigDecimal.ONE,
      BigDecimal.ONE, BigDecimal.ONE);
  static final Price DEAR = new Price(BigDecimal.TEN, BigDecimal.TEN, BigDecimal.TEN,
      BigDecimal.TEN, BigDecimal.TEN);

  static GatewayConfig config(LedgerSettings state, List<String> hosts) {
    return GatewayConfig.of(List.of(new Route("m", List.of(Target.of(UpstreamKind.OPENAI_CHAT,
            "http://127.0.0.1:9"))))).withHost("127.0.0.1")
        .withBrowserAccess(hosts, List.of()).withLedger(state);
  }

  @Test
  void newPricesAndAllowListsApplyWhileTheSharedStateWaitsForARestart() {
    GatewayConfig running = config(LedgerSettings.DEFAULTS.withPrices(Map.of("m", CHEAP))
        .withRedis("redis://127.0.0.1:6379", false), List.of());
    GatewayConfig next = config(LedgerSettings.DEFAULTS.withPrices(Map.of("m", DEAR))
        .withReserveCap(100).withRedis("redis://10.0.0.9:6379", true)
        .withRedisTimeout(Duration.ofMillis(80)), List.of("gw.internal"));
    ConfigChanges c = ConfigChanges.of(running, next, "127.0.0.1");
    assertThat(c.effective().ledger().prices()).isEqualTo(Map.of("m", DEAR));
    assertThat(c.effective().ledger().reserveCap()).isEqualTo(100);
    assertThat(c.effective().allowedHosts()).containsExactly("gw.internal");
    assertThat(c.effective().ledger().redis()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(c.effective().ledger().failOpen()).isFalse();
    assertThat(c.effective().ledger().redisTimeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.restartNeeded()).anyMatch(l -> l.startsWith("state.redis changed"))
        .anyMatch(l -> l.startsWith("state.on-failure changed"))
        .anyMatch(l -> l.startsWith("state.timeout changed"));
  }

  @Test
  void anUnchangedFileNeedsNoRestart() {
    GatewayConfig running = config(LedgerSettings.DEFAULTS.withPrices(Map.of("m", CHEAP)),
        List.of("gw.internal"));
    ConfigChanges c = ConfigChanges.of(running, running, "127.0.0.1");
    assertThat(c.restartNeeded()).isEmpty();
    assertThat(c.effective()).isEqualTo(running);
  }
}
