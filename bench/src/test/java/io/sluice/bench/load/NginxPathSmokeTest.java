package io.sluice.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.bench.load.LoadHarness.PathResult;
import io.sluice.bench.load.LoadHarness.ScenarioReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx path of the harness: nginx (a child process, with the configuration the harness
 * writes) in front of the in-process mock, measured in the same run as the direct path and sluice;
 * and without nginx, a note and the other paths. CI installs Debian's nginx; elsewhere the first
 * test is skipped where nginx is absent.
 */
class NginxPathSmokeTest {

  @TempDir
  Path scratch;

  private LoadOptions options(String paths, String nginx) {
    return LoadOptions.parse("--in-process", "--streams", "8", "--events", "20",
        "--mode", "pass", "--paths", paths, "--tps", "200",
        "--warmup", "0.3", "--window", "0.7", "--ramp", "0.05", "--event-loops", "1",
        "--jit-warmup", "0", "--min-streams", "8", "--stream-idle", "3",
        "--scratch", scratch.toString(), "--nginx", nginx);
  }

  @Test
  void relaysStreamsThroughNginxInTheSameRunAsSluice() {
    assumeTrue(Nginx.find("nginx").isPresent(), "nginx is not installed");
    LoadOptions options = options("direct,nginx,sluice", "nginx");

    List<ScenarioReport> reports = new LoadHarness(options).run();

    Map<String, PathResult> run = reports.get(0).runs().get(0);
    assertThat(run).containsOnlyKeys("direct", "nginx", "sluice");
    PathResult nginx = run.get("nginx");
    assertThat(nginx.clients().errors() + nginx.clients().incomplete())
        .as("failed streams; first error: " + nginx.clients().firstError())
        .isLessThan(nginx.clients().completed());
    assertThat(nginx.clients().completed()).isGreaterThanOrEqualTo(8);
    assertThat(nginx.clients().textEvents()).isGreaterThanOrEqualTo(nginx.clients().completed() * 10);
    assertThat(nginx.clients().ttft().getTotalCount()).isPositive();
    // nginx is a process of its own even in-process: its CPU time is read from /proc.
    assertThat(nginx.cpuSeconds()).isNotNaN().isGreaterThanOrEqualTo(0);
    assertThat(Report.markdown(reports, options, "machine"))
        .contains("| nginx |", "sluice ÷ nginx, same run: added TTFT p50 ");
  }

  @Test
  void saysNginxIsMissingAndRunsTheOtherPaths() {
    LoadOptions options = options("direct,nginx", scratch.resolve("no-such-nginx").toString());

    List<ScenarioReport> reports = new LoadHarness(options).run();

    // Whether the direct streams themselves went well on a busy machine is the other tests' part.
    assertThat(reports.get(0).runs().get(0)).containsOnlyKeys("direct");
    assertThat(Report.markdown(reports, options, "machine")).contains("nginx skipped");
  }

  @Test
  void writesAnUnbufferedKeptAliveRelayToTheMock() {
    String conf = Nginx.config(8081, 9091, scratch);

    assertThat(conf).contains("daemon off;", "listen 127.0.0.1:8081", "server 127.0.0.1:9091;",
        "proxy_buffering off;", "proxy_http_version 1.1;", "proxy_set_header Connection \"\";",
        "keepalive 20000;");
  }
}
