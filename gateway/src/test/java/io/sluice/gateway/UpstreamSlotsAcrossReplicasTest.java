package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.core.codec.ChatDialect;
import io.sluice.gateway.GatewayConfig.LedgerSettings;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upstream key's concurrency counted across replicas through a real redis-server: the loopback
 * upstream counts what it has in flight itself, and one replica runs in a JVM of its own so that
 * it can be killed with {@code kill -9}.
 */
class UpstreamSlotsAcrossReplicasTest {

  /** What the upstream has in flight, and the most it ever had. */
  static final class InFlight {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
  }

  /**
   * Streams {@code chunks} deltas, one every {@code everyMillis}, then the end. A call leaves the
   * count when its end is sent (the gateway may hand the key on from then) or when its
   * connection closes (a replica that died); {@code chunks} < 0 streams until then.
   */
  static Consumer<LoopbackUpstream.Call> paced(InFlight count, int chunks, long everyMillis) {
    return call -> {
      count.most.accumulateAndGet(count.now.incrementAndGet(), Math::max);
      AtomicBoolean out = new AtomicBoolean();
      Runnable leave = () -> {
        if (out.compareAndSet(false, true)) {
          count.now.decrementAndGet();
        }
      };
      call.closedAtNanos.thenRun(leave);
      Vertx vertx = Vertx.currentContext().owner();
      call.startStream();
      AtomicInteger sent = new AtomicInteger();
      vertx.setPeriodic(everyMillis, id -> {
        if (out.get() || sent.get() >= 600) { // 600: a bound on a stream held open
          vertx.cancelTimer(id);
          return;
        }
        if (chunks < 0 || sent.getAndIncrement() < chunks) {
          call.write(delta());
          return;
        }
        vertx.cancelTimer(id);
        leave.run();
        call.write(LimitsTest.chatStream(5, 1));
        call.end();
      });
    };
  }

  static String delta() {
    return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"gpt-x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},"
        + "\"finish_reason\":null}]}\n\n";
  }

  static GatewayHarness replica(LoopbackUpstream up, RedisServer redis, int concurrency) {
    Target target = new Target(UpstreamKind.OPENAI_CHAT, ChatDialect.OPENAI, up.baseUrl(), "",
        List.of("sk-up"), concurrency);
    return new GatewayHarness(GatewayConfig.of(List.of(new Route("*", List.of(target))))
        .withHost("127.0.0.1")
        // 50 ms by default; this machine's load (many builds on two cores) needs more slack.
        .withLedger(LedgerSettings.DEFAULTS.withRedis(redis.uri(), false)
            .withRedisTimeout(Duration.ofSeconds(2))));
  }

  static CompletableFuture<HttpResponse<String>> stream(GatewayHarness gw) {
    return gw.http.sendAsync(gw.post("/v1/chat/completions", LimitsTest.chat("gpt-x", 10))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Slots held in Redis for every upstream key, expired ones included. */
  static long slotsInRedis(RedisServer redis) {
    return (Long) RedisProbe.call(redis, "EVAL", "local n = 0 "
        + "for _, k in ipairs(redis.call('KEYS', 'sluice:slots:*')) do "
        + "n = n + redis.call('ZCARD', k) end return n", "0");
  }

  @Test
  void anUpstreamKeyCarriesNoMoreThanItsConcurrencyAcrossThreeReplicas() throws Exception {
    InFlight count = new InFlight();
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = new LoopbackUpstream(paced(count, 3, 20))) {
      List<GatewayHarness> gws = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          gws.add(replica(up, redis, 2));
        }
        RedisProbe.awaitSubscribers(redis, 3);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          answers.add(stream(gws.get(i % 3)));
        }
        for (CompletableFuture<HttpResponse<String>> a : answers) {
          HttpResponse<String> r = a.get(90, TimeUnit.SECONDS);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.body()).contains("data: [DONE]");
        }
        assertThat(up.calls).hasSize(30);
        assertThat(count.most.get()).isEqualTo(2); // each replica alone would have let 2 go
        for (GatewayHarness gw : gws) { // every grant was Redis's, none the local fallback's
          assertThat(gw.get("/metrics").body()).doesNotContain("slot_local");
        }
        Awaits.until(() -> slotsInRedis(redis) == 0);
      } finally {
        gws.forEach(GatewayHarness::close);
      }
    }
  }

  /** A replica in a JVM of its own, killable with {@code kill -9}. */
  static final class ChildReplica implements AutoCloseable {
    final Process process;
    final int port;
    final List<String> output = new CopyOnWriteArrayList<>();

    ChildReplica(Path config) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp",
          System.getProperty("java.class.path"), ReplicaProcess.class.getName(),
          config.toString()).redirectErrorStream(true).start();
      CompletableFuture<Integer> listening = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            output.add(line);
            if (line.startsWith("port ")) {
              listening.complete(Integer.parseInt(line.substring(5).trim()));
            }
          }
        } catch (java.io.IOException e) {
          listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("the replica exited: "
            + output));
      }, "replica-output");
      reader.setDaemon(true);
      reader.start();
      try {
        port = listening.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        process.destroyForcibly();
        throw e;
      }
    }

    /** {@code kill -9}: no goodbye, no lease given back. */
    void kill() throws Exception {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void aSlotOfAReplicaKilledMidStreamExpiresAndTheNextRequestIsServed(@TempDir Path dir)
      throws Exception {
    InFlight count = new InFlight();
    AtomicInteger n = new AtomicInteger();
    Consumer<LoopbackUpstream.Call> held = paced(count, -1, 100);
    Consumer<LoopbackUpstream.Call> quick = paced(count, 2, 20);
    try (RedisServer redis = RedisServer.start();
        LoopbackUpstream up = new LoopbackUpstream(
            call -> (n.getAndIncrement() == 0 ? held : quick).accept(call))) {
      Path yaml = dir.resolve("sluice.yaml");
      Files.writeString(yaml, """
          server: {host: 127.0.0.1, port: 0, warm-up: 0}
          routes:
            - model: "*"
              targets:
                - kind: openai-chat
                  base-url: %s
                  api-keys: ["sk-up"]
                  concurrency: 1
          state:
            redis: %s
            timeout: 2s
            lease-ttl: 3s
          """.formatted(up.baseUrl(), redis.uri()));
      try (ChildReplica child = new ChildReplica(yaml);
          GatewayHarness other = replica(up, redis, 1)) {
        RedisProbe.awaitSubscribers(redis, 2);
        var toChild = other.http.sendAsync(other.post("/v1/chat/completions",
                LimitsTest.chat("gpt-x", 10)).uri(java.net.URI.create(
                    "http://127.0.0.1:" + child.port + "/v1/chat/completions")).build(),
            HttpResponse.BodyHandlers.ofLines());
        Awaits.until(() -> count.now.get() == 1); // the child holds the key's one slot
        assertThat(toChild.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        HttpResponse<Stream<String>> waiting = other.http.sendAsync(other.post(
                "/v1/chat/completions", LimitsTest.chat("gpt-x", 10))
            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofLines())
            .get(20, TimeUnit.SECONDS);
        // A queued streaming request gets its head at once; the upstream has not seen it.
        assertThat(waiting.statusCode()).isEqualTo(200);
        assertThat(up.calls).hasSize(1);

        child.kill();
        long killed = System.nanoTime();
        CompletableFuture<String> body = CompletableFuture.supplyAsync(
            () -> waiting.body().collect(Collectors.joining("\n")));
        String served = body.get(60, TimeUnit.SECONDS);
        long waitedMillis = (System.nanoTime() - killed) / 1_000_000;
        System.out.println("served " + waitedMillis + " ms after the holder was killed");
        assertThat(served).contains("data: [DONE]");
        assertThat(up.calls).hasSize(2);
        assertThat(count.most.get()).isEqualTo(1);
        // Not on a message (the dead send none) but once the lease ran out: 3 s after the last
        // renewal, which came at most 1 s before the kill.
        assertThat(waitedMillis).isGreaterThanOrEqualTo(1000);
        Awaits.until(() -> slotsInRedis(redis) == 0);
      }
    }
  }
}
