package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads under load (docs/configuration.md "Reloading"): {@code sluice.reload.reloads} reloads
 * (default 20), alternately a valid change and a broken file, while {@code sluice.reload.streams}
 * streams (default 200; 1,000 in the full version) are open at 2 tokens a second. No stream fails, each new route answers
 * within 1 s of its reload, and each broken file is logged and ignored.
 */
@Timeout(120)
class ReloadUnderLoadTest {
  private static final int STREAMS = Integer.getInteger("sluice.reload.streams", 200);
  private static final int RELOADS = Integer.getInteger("sluice.reload.reloads", 20);
  private static final int TOKENS = 30; // 15 s at 2 a second: open through the reloads

  /**
   * Every stream upstream at once: the default concurrency per key would queue most of them; and
   * every stream comes from this one address, which the per-client connection limit (1,000 by
   * default) would otherwise cut at the full size.
   */
  private static final String LIMITS = "limits:\n  concurrency-per-key: " + (STREAMS + 100)
      + "\n  max-connections-per-client: " + (STREAMS + 100) + "\n";

  @TempDir Path dir;

  /** Each broken file names a different setting, or is no YAML at all. */
  private static final List<String> BROKEN = List.of(
      "limits:\n  max-attempts: lots\n",
      "routes: [\n",
      "routes:\n  - model: x\n    targets:\n      - kind: openai-chat\n",
      "routes:\n  - model: x\n    targets:\n      - kind: carrier-pigeon\n        base-url: http://127.0.0.1:1\n",
      "limits:\n  idle-timeout: soon\n");

  @Test
  void everyStreamCompletesAndEachValidReloadAnswersWithinOneSecond() throws Exception {
    try (MockProvider a = MockProvider.start(MockOptions.defaults());
        MockProvider b = MockProvider.start(MockOptions.defaults())) {
      Path file = dir.resolve("sluice.yaml");
      List<String> models = new ArrayList<>(List.of("live"));
      Files.writeString(file, ReloadTest.yaml(a.baseUrl(), LIMITS, "live"));
      try (GatewayHarness gw = new GatewayHarness(GatewayConfig.load(file));
          LiveStreams live = new LiveStreams(gw.gateway.port(), STREAMS)) {
        for (int i = 0; i < STREAMS; i++) {
          live.open("/v1/chat/completions", "live", "tps=2, tokens=" + TOKENS);
        }
        live.awaitFirstBytes(60);
        long w0 = System.nanoTime();
        assertThat(probe(gw, "live")).isEqualTo(200);
        System.out.printf("reload under load: a request before any reload took %d ms%n",
            (System.nanoTime() - w0) / 1_000_000);
        long slowestMs = 0;
        assertThat(live.streams).as("streams open when the reloads begin")
            .noneMatch(s -> s.ended.isDone());
        for (int r = 0; r < RELOADS; r++) {
          if (r % 2 == 0) {
            String added = "new-" + r;
            models.add(added);
            // The live route moves between the two upstreams: its streams in flight stay put.
            String base = (r / 2) % 2 == 0 ? b.baseUrl() : a.baseUrl();
            Files.writeString(file, ReloadTest.yaml(base, LIMITS, models.toArray(String[]::new)));
            long t0 = System.nanoTime();
            assertThat(gw.gateway.reloadFile(file, UnaryOperator.identity())).isTrue();
            int status = 0;
            while (status != 200 && System.nanoTime() - t0 < 1_000_000_000L) {
              status = probe(gw, added);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(status).as("route %s within 1 s of its reload (%d ms)", added, ms)
                .isEqualTo(200);
            slowestMs = Math.max(slowestMs, ms);
          } else {
            String broken = BROKEN.get((r / 2) % BROKEN.size());
            Files.writeString(file, broken);
            int refusedBefore = refusals(gw);
            assertThat(gw.gateway.reloadFile(file, UnaryOperator.identity())).isFalse();
            assertThat(refusals(gw)).isEqualTo(refusedBefore + 1);
            assertThat(probe(gw, models.get(models.size() - 1))).isEqualTo(200);
          }
        }
        long stillOpen = live.streams.stream().filter(s -> !s.ended.isDone()).count();
        live.awaitEnded(60);
        List<String> failed = new ArrayList<>();
        for (LiveStreams.Stream s : live.streams) {
          String text = s.text();
          if (s.ended.isCompletedExceptionally() || s.status != 200
              || !text.endsWith("data: [DONE]\n\n") || !text.contains("\"finish_reason\":\"stop\"")
              || text.contains("\"finish_reason\":\"error\"")) {
            failed.add(s.status + " " + text.substring(Math.max(0, text.length() - 200)));
          }
        }
        assertThat(failed).as("failed streams").isEmpty();
        System.out.printf("reload under load: %d streams, %d reloads, slowest new route %d ms,"
            + " %d streams still open after the last reload, none failed%n",
            STREAMS, RELOADS, slowestMs, stillOpen);
      }
    }
  }

  private static int probe(GatewayHarness gw, String model) throws Exception {
    return gw.send(gw.post("/v1/chat/completions", "{\"model\":\"" + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        .header("x-sluice-mock", "tokens=1").build()).statusCode();
  }

  private static int refusals(GatewayHarness gw) {
    return (int) gw.log.stream().filter(l -> l.contains("refused, the running configuration stays"))
        .count();
  }
}
