package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@code sluice gateway --config bad.yaml} exits non-zero with one line naming the setting, and
 * starts nothing; the banner says what was bound.
 */
class GatewayConfigCliTest {
  private static final String ROUTE = """
      routes:
        - model: "*"
          targets: [{kind: same-as-client, base-url: "http://127.0.0.1:9/v1"}]
      """;

  @TempDir
  Path dir;

  private CliRun gateway(String yaml) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, yaml);
    return CliRun.of("gateway", "--config", file.toString(), "--port", "0");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "'access_keys: []\n'|unknown key 'access_keys' at the top level",
      "'limits:\n  idle-timout: 5s\n'|unknown key 'idle-timout' in limits",
      "'limits:\n  heartbeat: 0\n'|limits.heartbeat must be positive",
      "'server:\n  host: 0.0.0.0\n'|server.host is 0.0.0.0",
      "'server:\n  port: 99999\n'|server.port must be 0..65535",
  })
  void aBadConfigExitsWithOneLineNamingTheSetting(String yaml, String message) throws Exception {
    CliRun run = gateway(yaml + ROUTE);
    assertThat(run.status()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run.err().strip()).startsWith("sluice gateway: ").contains(message)
        .doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void anEmptyConfigExitsNamingTheRoutes() throws Exception {
    CliRun run = gateway("");
    assertThat(run.status()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run.err().strip()).contains("routes").doesNotContain("\n");
  }

  @Test
  void aBaseUrlWithABadPortExitsNamingTheTarget() throws Exception {
    CliRun run = gateway("""
        routes:
          - model: m
            targets: [{base-url: "http://user:pw@h.example:99999/v1"}]
        """);
    assertThat(run.status()).isEqualTo(Main.EXIT_USAGE);
    assertThat(run.err()).contains("routes[0].targets[0]").doesNotContain("pw@");
  }

  @Test
  void theBannerOfALoopbackGatewaySaysLoopbackOnly() {
    assertThat(GatewayCommand.banner("127.0.0.1", 8080, true, 0))
        .contains("listening on 127.0.0.1:8080 (loopback only")
        .contains("no access keys configured, so it lets every local caller in")
        .doesNotContain("WARNING");
  }

  @Test
  void theBannerOfAPublicGatewayWithoutKeysWarns() {
    String banner = GatewayCommand.banner("0.0.0.0", 8080, false, 0);
    assertThat(banner).contains("listening on 0.0.0.0:8080 (all interfaces")
        .contains("WARNING").contains("server.public-without-keys")
        .doesNotContain("loopback only");
  }

  @Test
  void theBannerOfAGatewayWithKeysSaysSo() {
    assertThat(GatewayCommand.banner("0.0.0.0", 8080, false, 2))
        .contains("all interfaces").contains("2 access key(s)").doesNotContain("WARNING");
  }
}
