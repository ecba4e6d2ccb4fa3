package io.sluice.bench.load;

import io.sluice.gateway.Gateway;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.UpstreamKind;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The main class of the harness's child JVMs: {@code mock PORT} runs the simulated provider,
 * {@code gateway PORT MOCK_BASE_URL [http2|http1] [keyed|redis://…]} the gateway configured by
 * {@link #gatewayConfig} ({@code http2}: its targets call the mock over HTTP/2; {@code keyed}: a
 * limited gateway key, admitted and settled by the in-process ledger; a Redis URI: the same key
 * on the shared ledger there, failing closed; {@code traced}, {@code dashboard}, {@code reload}:
 * the plain gateway with that feature at work, see {@link Variants}). It prints
 * {@code ready PORT} once listening, answers {@code heap} on standard input with
 * {@code heap BYTES} (the live heap after a full collection) and {@code alloc} with
 * {@code alloc BYTES} (what its live threads have allocated so far), and stops at the end of its input,
 * so a child never outlives the harness.
 */
public final class ServerMain {

  /** The model name the gateway routes to the simulated provider's Anthropic endpoint. */
  static final String TRANSLATED_MODEL = "translated";

  private ServerMain() {}

  /**
   * The gateway under test, as {@code sluice.yaml} would say it (see docs/benchmarks-load.md): the
   * model {@code translated} goes to the Anthropic Messages endpoint of the simulated provider, so
   * an OpenAI Chat client's stream is translated both ways; every other model passes through to
   * the same endpoint the client called. Limits allow every stream of the largest scenario at
   * once: the defaults would queue beyond 64 per upstream key, which is not what is measured.
   * With {@code http2} both targets have {@code http2: true}: streams share upstream connections.
   */
  /** The gateway key of the keyed paths, and the SHA-256 the gateway is configured with. */
  static final String BENCH_KEY = "sk-bench-0123456789abcdef";

  /**
   * {@link #gatewayConfig} with one gateway key whose limits the harness never reaches, so that
   * every request is admitted, reserved and settled by the ledger: in this process when
   * {@code redis} is empty, else on that Redis (failing closed, the default 50 ms bound).
   */
  static GatewayConfig keyedConfig(String mockBaseUrl, int port, boolean http2, String redis) {
    io.sluice.gateway.KeyLimits limits = io.sluice.gateway.KeyLimits.NONE
        .withRequests(1_000_000_000L, java.time.Duration.ofMinutes(1))
        .withTokens(1_000_000_000_000L);
    GatewayConfig c = gatewayConfig(mockBaseUrl, port, http2).withHost("127.0.0.1").withAccessKeys(List.of(
        new GatewayConfig.AccessKey("bench", sha256(BENCH_KEY), List.of(), 0, limits)));
    return redis.isEmpty() ? c
        : c.withLedger(GatewayConfig.LedgerSettings.DEFAULTS.withRedis(redis, false));
  }

  static String sha256(String secret) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static GatewayConfig gatewayConfig(String mockBaseUrl, int port, boolean http2) {
    return GatewayConfig.of(List.of(
            new Route(TRANSLATED_MODEL,
                List.of(Target.of(UpstreamKind.ANTHROPIC, mockBaseUrl).withHttp2(http2))),
            new Route("*",
                List.of(Target.of(UpstreamKind.SAME_AS_CLIENT, mockBaseUrl).withHttp2(http2)))))
        .withPort(port)
        // Every stream of the scenarios comes from one address, the harness's.
        .withLimits(GatewayLimits.builder().concurrencyPerKey(1_000_000).queueSize(1_000_000)
            .maxConnections(1_000_000).maxConnectionsPerClient(1_000_000)
            .warmUp(warmUp()).build());
  }

  /**
   * {@code server.warm-up}: the default, or {@code -Dsluice.bench.warm-up=SECONDS} among the
   * gateway's JVM options ({@code --gateway-jvm}), 0 for none, to compare a cold start with and
   * without it.
   */
  static java.time.Duration warmUp() {
    String seconds = System.getProperty("sluice.bench.warm-up");
    return seconds == null ? GatewayLimits.DEFAULT_WARM_UP
        : java.time.Duration.ofMillis((long) (Double.parseDouble(seconds) * 1000));
  }

  public static void main(String[] args) throws IOException {
    AutoCloseable server;
    int port;
    switch (args[0]) {
      case "mock" -> {
        MockProvider mock =
            MockProvider.start(MockOptions.defaults().withPort(Integer.parseInt(args[1])));
        server = mock;
        port = mock.port();
      }
      case "gateway" -> {
        // The same start as `sluice gateway`, with its one log line per request to stderr.
        Gateway.useFullBufferPool(); // before the traced variant's sink uses Netty
        boolean http2 = args.length > 3 && args[3].equals("http2");
        String keyed = args.length > 4 ? args[4] : "";
        GatewayConfig config = keyed.isEmpty() || Variants.NAMES.contains(keyed)
            ? gatewayConfig(args[2], Integer.parseInt(args[1]), http2)
            : keyedConfig(args[2], Integer.parseInt(args[1]), http2,
                keyed.equals("keyed") ? "" : keyed);
        if (keyed.equals("traced")) {
          // Every request sampled; spans go over OTLP to a sink in this JVM that answers 200.
          io.vertx.core.Vertx sinkLoop = io.vertx.core.Vertx.vertx();
          int sink;
          try {
            sink = sinkLoop.createHttpServer()
                .requestHandler(req -> req.body().onComplete(b -> req.response().end()))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get()
                .actualPort();
          } catch (Exception e) {
            throw new IOException("the OTLP sink did not start", e);
          }
          config = config.withTelemetry(GatewayConfig.Telemetry.defaults()
              .withTraces("http://127.0.0.1:" + sink + "/v1/traces", 1.0));
        }
        Gateway gateway = Gateway.start(config);
        port = gateway.port();
        server = Variants.around(keyed, gateway, config);
      }
      default -> throw new IllegalArgumentException("unknown server " + args[0]);
    }
    System.out.println("ready " + port);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.equals("heap")) {
        System.out.println("heap " + liveHeap());
        System.out.flush();
      } else if (line.equals("alloc")) {
        System.out.println("alloc " + allocatedBytes());
        System.out.flush();
      }
    }
    try {
      server.close();
    } catch (Exception e) {
      // Exiting anyway.
    }
    System.exit(0);
  }

  /**
   * Bytes allocated so far by the threads alive now (HotSpot's per-thread counters): the event
   * loops and the log writers live as long as the server, so the difference over a window is what
   * the server allocated in it, give or take the threads that ended inside it.
   */
  static long allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }

  static long liveHeap() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
