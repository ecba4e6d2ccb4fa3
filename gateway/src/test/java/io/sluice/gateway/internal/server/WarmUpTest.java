package io.sluice.gateway.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.UpstreamKind;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up warm-up: it runs every kind of stream through a throwaway gateway, leaves nothing
 * behind, counts nothing in the gateway it warms, and returns its failures instead of throwing.
 */
class WarmUpTest {
  /**
   * A budget no test reaches: each ends after its count of streams, or at its first failure, so
   * that a slow machine makes it slower, not different.
   */
  private static final Duration LONG = Duration.ofSeconds(60);
  /** Time enough to set up, however busy the machine: only the budget and the count end a test. */
  private static final long GRACE = TimeUnit.SECONDS.toNanos(60);

  /** On the gateway's own transport, epoll where Linux has it (see {@link #refuses}). */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The synthetic upstream, recording what each call came as. */
  private static final class Recording implements Handler<HttpServerRequest> {
    final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final SyntheticUpstream upstream = new SyntheticUpstream();

    @Override
    public void handle(HttpServerRequest req) {
      seen.add(req.version() + " " + req.path());
      upstream.handle(req);
    }
  }

  @Test
  void everyKindOfStreamRunsOverHttp1AndHttp2() {
    Recording upstream = new Recording();

    WarmUp.Outcome outcome = WarmUp.run(vertx, LONG, 2, upstream, 8, GRACE);

    assertThat(outcome.failure()).isEmpty();
    assertThat(outcome.streams()).isEqualTo(8);
    assertThat(upstream.seen).contains(HttpVersion.HTTP_2 + " /v1/chat/completions",
        HttpVersion.HTTP_1_1 + " /v1/chat/completions", HttpVersion.HTTP_2 + " /v1/messages");
  }

  @Test
  void theBudgetEndsItAndTheStreamsInFlightThenEnd() {
    WarmUp.Outcome outcome = WarmUp.run(vertx, Duration.ofMillis(300), 2, new SyntheticUpstream(),
        Integer.MAX_VALUE, GRACE);

    // Streams ended or, on a busy machine, were cut off after the budget: neither is a failure.
    assertThat(outcome.failure()).isEmpty();
    assertThat(refuses(outcome.port())).isTrue();
    assertThat(refuses(outcome.upstreamPort())).isTrue();
  }

  @Test
  void itEndsOnceTheCompilersHaveSettledAfterItsLeastStreams() {
    // A compiler that never compiles: settled from the first full window on.
    JitSettle quiet = new JitSettle(() -> 0);

    WarmUp.Outcome outcome = WarmUp.run(vertx, LONG, 2, new SyntheticUpstream(),
        Integer.MAX_VALUE, GRACE, quiet, 40);

    assertThat(outcome.failure()).isEmpty();
    assertThat(outcome.settled()).isTrue();
    assertThat(outcome.streams()).isGreaterThanOrEqualTo(40);
    assertThat(outcome.millis()).isLessThan(LONG.toMillis());
    assertThat(refuses(outcome.port())).isTrue();
  }

  @Test
  void whileTheCompilersKeepCompilingItRunsItsWholeBudget() {
    AtomicLong compiled = new AtomicLong();
    JitSettle busy = new JitSettle(() -> compiled.addAndGet(JitSettle.PERIOD_MILLIS));
    Duration budget = Duration.ofMillis(1500);

    WarmUp.Outcome outcome = WarmUp.run(vertx, budget, 2, new SyntheticUpstream(),
        Integer.MAX_VALUE, GRACE, busy, 0);

    assertThat(outcome.failure()).isEmpty();
    assertThat(outcome.settled()).isFalse();
    assertThat(outcome.streams()).isPositive();
    assertThat(outcome.millis()).isGreaterThanOrEqualTo(budget.toMillis());
  }

  @Test
  void outOfTimeWhileSettingUpItStillLeavesNoListenerBehind() {
    Set<String> deployed = Set.copyOf(vertx.deploymentIDs());

    // No time at all: the listeners are still being deployed when the warm-up gives up.
    WarmUp.Outcome outcome = WarmUp.run(vertx, LONG, 2, new SyntheticUpstream(), 8, 1);

    assertThat(outcome.failure()).isEmpty(); // out of time is not a failure
    assertThat(outcome.streams()).isZero();
    // Undeployed once their deployment is done, though the warm-up stopped waiting for it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Set.copyOf(vertx.deploymentIDs()).equals(deployed) && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll, don't hog a core
    }
    assertThat(vertx.deploymentIDs()).containsExactlyInAnyOrderElementsOf(deployed);
  }

  @Test
  void itLeavesNoServerVerticleOrThreadBehind() {
    Set<String> deployed = Set.copyOf(vertx.deploymentIDs());
    long writers = usageLogThreads();

    WarmUp.Outcome outcome = WarmUp.run(vertx, LONG, 2, new SyntheticUpstream(), 8, GRACE);

    assertThat(outcome.streams()).isEqualTo(8);
    assertThat(outcome.port()).isPositive();
    assertThat(outcome.upstreamPort()).isPositive();
    assertThat(refuses(outcome.port())).as("the throwaway gateway's port").isTrue();
    assertThat(refuses(outcome.upstreamPort())).as("the synthetic upstream's port").isTrue();
    assertThat(vertx.deploymentIDs()).containsExactlyInAnyOrderElementsOf(deployed);
    assertThat(usageLogThreads()).isEqualTo(writers);
  }

  @Test
  void aFailingUpstreamEndsItWithAFailureAndTheGatewayStillStarts() throws Exception {
    Set<String> deployed = Set.copyOf(vertx.deploymentIDs());

    WarmUp.Outcome outcome = WarmUp.run(vertx, LONG, 2,
        req -> req.response().setStatusCode(500).end("{\"error\":{\"message\":\"broken\"}}"),
        8, GRACE);

    assertThat(outcome.failure()).hasValueSatisfying(why -> assertThat(why).contains("answered"));
    assertThat(outcome.streams()).isZero();
    assertThat(refuses(outcome.port())).isTrue();
    assertThat(vertx.deploymentIDs()).containsExactlyInAnyOrderElementsOf(deployed);
    GatewayServer server = new GatewayServer(vertx, WarmUp.config("http://127.0.0.1:1/v1"),
        line -> { });
    int port = server.listen(2).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
    server.close();
  }

  @Test
  void theGatewayItWarmsCountsLogsAndShowsNoneOfItsStreams(@TempDir Path dir) throws Exception {
    Path usage = dir.resolve("usage.jsonl");
    List<String> requestLog = new CopyOnWriteArrayList<>();
    GatewayConfig config = GatewayConfig.of(List.of(new Route("*",
            List.of(Target.of(UpstreamKind.SAME_AS_CLIENT, "http://127.0.0.1:1/v1")))))
        .withHost("127.0.0.1").withPort(0).withUsageLog(usage.toString(), false);
    GatewayServer gateway = new GatewayServer(vertx, config, requestLog::add);
    int port = gateway.listen(2).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    WarmUp.Outcome outcome = WarmUp.run(vertx, LONG, 2, new SyntheticUpstream(), 8, GRACE);

    assertThat(outcome.failure()).isEmpty();
    assertThat(outcome.streams()).isEqualTo(8);
    String metrics = get(port, "/metrics").body();
    assertThat(metrics).doesNotContain("warm-up").doesNotContain("sluice_gateway_requests_total{");
    assertThat(metrics).contains("sluice_gateway_active_streams 0.0");
    HttpResponse<String> dashboard = get(port, "/dashboard/state");
    assertThat(dashboard.statusCode()).isEqualTo(200);
    assertThat(dashboard.body()).doesNotContain("warm-up");
    gateway.close(); // flushes the usage log
    assertThat(requestLog).isEmpty();
    assertThat(Files.exists(usage) ? Files.readString(usage) : "").isEmpty();
  }

  private static long usageLogThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("sluice-usage-log")).count();
  }

  /**
   * Whether the port refuses connections: at once on epoll, the transport the gateway runs on
   * where Linux has it. On Java NIO, the fallback elsewhere, the JDK closes a listening socket that
   * is registered with a selector only at that selector's next select, a moment after Vert.x
   * reports the server closed; a connection made in between is accepted by the kernel and then
   * reset (about 1 run in 300 here). There the port gets until that select, bounded.
   */
  private boolean refuses(int port) {
    long deadline = System.nanoTime()
        + (vertx.isNativeTransportEnabled() ? 0 : TimeUnit.SECONDS.toNanos(5));
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      } catch (IOException refused) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
