package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The drain (docs/deploying.md "The drain sequence"), on a gateway in this JVM. */
@Timeout(60)
class DrainTest {
  @TempDir Path dir;
  private final MockProvider mock = MockProvider.start(MockOptions.defaults());
  private GatewayHarness gw;
  private LiveStreams live;

  private GatewayHarness start() {
    GatewayConfig config = GatewayConfig.of(List.of(new Route("*", List.of(
            Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl())))))
        .withUsageLog(dir.resolve("usage.jsonl").toString(), false);
    gw = new GatewayHarness(config);
    live = new LiveStreams(gw.gateway.port(), 16);
    return gw;
  }

  @AfterEach
  void stop() {
    if (live != null) {
      live.close();
    }
    if (gw != null) {
      gw.close();
    }
    mock.close();
  }

  private List<String> usage() throws Exception {
    return Files.readAllLines(dir.resolve("usage.jsonl"));
  }

  @Test
  void readyzIsOkUntilTheDrainThen503WhileHealthzStaysOk() throws Exception {
    start();
    assertThat(gw.get("/readyz").statusCode()).isEqualTo(200);
    Thread drain = new Thread(() -> gw.gateway.drain(Duration.ofSeconds(30), Duration.ZERO));
    drain.start();
    Awaits.until(() -> gw.gateway.draining());
    var ready = gw.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("\"status\":\"not_ready\"", "draining");
    assertThat(gw.get("/healthz").statusCode()).isEqualTo(200);
    gw.gateway.hurry();
    drain.join(10_000);
    assertThat(drain.isAlive()).isFalse();
  }

  @Test
  void requestsAreStillServedDuringTheDelay() throws Exception {
    start();
    Thread drain = new Thread(() -> gw.gateway.drain(Duration.ofSeconds(30), Duration.ZERO));
    drain.start();
    Awaits.until(() -> gw.gateway.draining());
    var answer = gw.send(gw.post("/v1/chat/completions",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
        .header("x-sluice-mock", "tokens=3").build());
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("connection")).hasValue("close");
    gw.gateway.hurry();
    drain.join(10_000);
  }

  @Test
  void noNewConnectionIsAcceptedAfterTheDelay() throws Exception {
    start();
    LiveStreams.Stream open = live.open("/v1/chat/completions", "m", "tps=2, tokens=100");
    live.awaitFirstBytes(10);
    Thread drain = new Thread(() -> gw.gateway.drain(Duration.ofMillis(200), Duration.ofSeconds(30)));
    drain.start();
    Awaits.until(() -> gw.log.stream().anyMatch(l -> l.contains("no new connections")));
    assertThatThrownBy(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", gw.gateway.port()), 2000);
      }
    }).isInstanceOf(ConnectException.class);
    assertThat(open.ended).isNotDone(); // the stream in flight goes on
    gw.gateway.hurry();
    drain.join(10_000);
  }

  @Test
  void streamsThatEndWithinTheTimeoutCompleteAndTheDrainReturnsThen() throws Exception {
    start();
    LiveStreams.Stream s = live.open("/v1/chat/completions", "m", "tps=4, tokens=4");
    live.awaitFirstBytes(10);
    long t0 = System.nanoTime();
    gw.gateway.drain(Duration.ZERO, Duration.ofSeconds(20));
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(s.ended.get()).isEqualTo(200);
    assertThat(s.text()).endsWith("data: [DONE]\n\n").doesNotContain("\"finish_reason\":\"error\"");
    assertThat(tookMs).isLessThan(10_000);
    assertThat(usage()).singleElement().asString().contains("\"status\":200",
        "\"error_class\":\"\"");
  }

  @Test
  void streamsStillOpenAtTheTimeoutEndWithATerminalErrorInTheirFormat() throws Exception {
    start();
    LiveStreams.Stream chat = live.open("/v1/chat/completions", "chat", "tps=2, tokens=200");
    LiveStreams.Stream messages = live.open("/v1/messages", "messages", "tps=2, tokens=200");
    LiveStreams.Stream responses = live.open("/v1/responses", "responses", "tps=2, tokens=200");
    live.awaitFirstBytes(10);
    gw.gateway.drain(Duration.ZERO, Duration.ofMillis(300));
    live.awaitEnded(10);
    String shuttingDown = "the gateway is shutting down (server.drain.timeout passed)";
    assertThat(chat.ended.get()).isEqualTo(200);
    assertThat(chat.text()).contains("\"finish_reason\":\"error\"", shuttingDown)
        .endsWith("data: [DONE]\n\n");
    assertThat(messages.text()).contains("event: error\n", shuttingDown)
        .doesNotContain("message_stop");
    assertThat(responses.text()).contains("event: response.failed\n", shuttingDown)
        .doesNotContain("response.completed");
    assertThat(usage()).hasSize(3).allSatisfy(line -> assertThat(line)
        .doesNotContain("\"error_class\":\"\""));
  }

  @Test
  void aRequestStillWaitingForItsAnswerGetsA503InItsFormat() throws Exception {
    start();
    // HTTP/1.1: Java 17's client fails every stream of an HTTP/2 connection on GOAWAY, which the
    // gateway sends when it stops accepting, though the GOAWAY lets streams under way finish.
    var http1 = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    var waiting = http1.sendAsync(gw.post("/v1/messages",
            "{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi\"}]}")
        .header("x-sluice-mock", "ttft=30s, tokens=3").build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    Awaits.until(() -> gw.gateway.inFlight() == 1);
    gw.gateway.drain(Duration.ZERO, Duration.ofMillis(300));
    var answer = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("\"type\":\"error\"", "shutting down");
    assertThat(usage()).singleElement().asString().contains("\"status\":503");
  }
}
