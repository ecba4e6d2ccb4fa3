package io.sluice.gateway.internal.server;

import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayConfig.Route;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.GatewayLimits;
import io.sluice.gateway.UpstreamKind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start-up warm-up ({@code server.warm-up}): before the gateway listens, synthetic streams run
 * through the code every request runs, so that its first real burst does not meet a JVM that
 * interprets its byte code, loads its classes and sizes its buffers one request at a time.
 *
 * <p>A gateway just deployed or scaled up meets at once the traffic its peers carried: at 10,000
 * streams × 2 tokens a second, the first run after a start added 300 to 1,800 ms to the median
 * time to first token, against 10.7 ms for the runs after it (docs/gateway.md, "Start-up
 * warm-up"). The warm-up runs a throwaway copy of the front doors
 * (a {@link GatewayServer} with a configuration of its own) on loopback in front of a
 * {@link SyntheticUpstream}, on the gateway's own Vert.x: HTTP/1.1 in, pass-through and
 * translated streams out over HTTP/1.1 and HTTP/2, decoded, accounted, re-framed and relayed as a
 * real stream is, half of them on connections of their own that the gateway accepts and closes.
 * Its state (meters, usage log, dashboard, ledger) is its own and is closed with it: nothing it
 * does is counted, logged or shown as a request of the gateway.
 *
 * <p>It ends once the JIT compilers have settled ({@link JitSettle}), after {@link #MIN_STREAMS}
 * at least, and at its budget at the latest (streams in flight then finish, within a few more
 * seconds at most). It never stops the gateway from starting: a failure is returned, not thrown.
 * It must not be called on an event loop: it waits.
 */
public final class WarmUp {
  /**
   * Streams in flight at once: enough to run the pools' and queues' paths with the events paced
   * ({@link SyntheticUpstream#PACE_MILLIS}), not so many that the compilers get no core.
   */
  static final int CONCURRENCY = 32;
  /** A bound on streams besides the budget, for a machine where they are very fast. */
  static final int MAX_STREAMS = 20_000;
  /**
   * Streams before the warm-up may end on the compilers having settled: a quiet compiler before
   * the code is hot (the first streams, on a cold JVM, spend their time loading classes) says
   * nothing yet.
   */
  static final int MIN_STREAMS = 1_000;
  /**
   * The throwaway gateway's random port, shared by its event loops: a negative value other than
   * the -1 of a gateway configured with port 0, whose socket it would share on the same Vert.x
   * (the gateway's connections would then reach the warm-up, and the warm-up's the gateway).
   */
  private static final int SHARED_PORT = -7;
  /**
   * How long setting up may take (a cold JVM loads a few thousand classes for it: on a machine
   * so busy that it takes longer, the warm-up gives up rather than hold the start), and how long
   * the streams in flight at the end of the budget may take to end; then they are cut off.
   */
  private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** One kind of stream the warm-up sends: a front door, a model (a route) and its end marker. */
  private record Kind(String path, String model, String terminal) {}

  private static final List<Kind> KINDS = List.of(
      new Kind("/v1/chat/completions", "warm-up-chat", "[DONE]"), // pass-through, HTTP/2
      new Kind("/v1/chat/completions", "warm-up-chat-http1", "[DONE]"),
      new Kind("/v1/chat/completions", "warm-up-translated", "[DONE]"), // Anthropic upstream
      new Kind("/v1/messages", "warm-up-messages", "message_stop")); // same-as-client, HTTP/2

  /**
   * What a warm-up did.
   *
   * @param streams streams that ended as they should
   * @param settled whether it ended on the JIT compilers having settled, before its budget
   * @param failure why it stopped early, when it did
   * @param port the throwaway gateway's port, closed when {@link #run} returns (on Java NIO the
   *     JDK releases a listening socket at its event loop's next select, a moment later); 0 if
   *     none
   * @param upstreamPort the synthetic upstream's port, closed too; 0 if none
   */
  public record Outcome(int streams, boolean settled, long millis, Optional<String> failure,
      int port, int upstreamPort) {}

  private static final java.util.concurrent.atomic.AtomicBoolean RAN =
      new java.util.concurrent.atomic.AtomicBoolean();

  private WarmUp() {}

  /** True once per process: the first gateway started in a JVM warms it up for every other. */
  public static boolean firstInThisProcess() {
    return RAN.compareAndSet(false, true);
  }

  /**
   * Starts synthetic streams through a throwaway gateway on {@code loops} event loops of
   * {@code vertx} until this JVM's JIT compilers have settled, after {@link #MIN_STREAMS} at
   * least, or for {@code budget} at most; lets those in flight end, and closes it: the gateway's
   * start takes that, plus the set-up, the last streams and the close.
   */
  public static Outcome run(Vertx vertx, Duration budget, int loops) {
    return run(vertx, budget, loops, new SyntheticUpstream(), MAX_STREAMS, GRACE_NANOS,
        JitSettle.ofThisJvm(), MIN_STREAMS);
  }

  /**
   * With {@code upstream} answering the throwaway gateway's upstream calls (tests break it), and
   * ending after {@code maxStreams} streams if the budget lasts that long, with {@code graceNanos}
   * for setting up and for the last streams; with no end on the compilers ({@code settle} null).
   */
  static Outcome run(Vertx vertx, Duration budget, int loops,
      Handler<HttpServerRequest> upstream, int maxStreams, long graceNanos) {
    return run(vertx, budget, loops, upstream, maxStreams, graceNanos, null, 0);
  }

  /** Ending early, too, once {@code settle} says so after {@code minStreams} streams. */
  static Outcome run(Vertx vertx, Duration budget, int loops,
      Handler<HttpServerRequest> upstream, int maxStreams, long graceNanos, JitSettle settle,
      int minStreams) {
    long start = System.nanoTime();
    long setUp = start + graceNanos;
    HttpServer provider = null;
    GatewayServer server = null;
    HttpClientAgent client = null;
    Driver driver = null;
    int port = 0;
    Optional<String> failure;
    try {
      provider = await(vertx.createHttpServer(new HttpServerOptions()
              .setHttp2ClearTextEnabled(true) // h2c with prior knowledge, as the targets ask
              .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(CONCURRENCY * 4)))
          .requestHandler(upstream).listen(0, "127.0.0.1"), setUp);
      server = new GatewayServer(vertx, config("http://127.0.0.1:" + provider.actualPort()
          + "/v1"), line -> { });
      port = await(server.listen(loops, SHARED_PORT), setUp);
      client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(CONCURRENCY));
      // The budget counts from the first stream: on a cold JVM on a busy machine setting up may
      // take longer than the whole budget.
      driver = new Driver(vertx.getOrCreateContext(), client, port, budget.toMillis(),
          maxStreams, settle, minStreams);
      failure = await(driver.start(), System.nanoTime() + budget.toNanos() + graceNanos);
    } catch (TimeoutException e) {
      // Out of time, setting up or for the last streams: the start is not held longer. What ran
      // has warmed what it could, and nothing failed.
      failure = driver == null || driver.failure().isEmpty() ? Optional.empty()
          : driver.failure();
    } catch (RuntimeException | ExecutionException e) {
      failure = Optional.of(describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = Optional.of("interrupted");
    } finally {
      if (driver != null) {
        driver.stop();
      }
      // Each bounded: a warm-up that cannot close its own loopback servers is not worth a hang.
      quietly(client == null ? null : client.close()); // cuts off streams still in flight, if any
      if (server != null) {
        awaitIdle(server, graceNanos);
        quietly(server.stopListening()); // its verticles, with their upstream clients
        server.close(); // its usage log, ledger, meters and tracing
      }
      quietly(provider == null ? null : provider.close());
    }
    return new Outcome(driver == null ? 0 : driver.completed, driver != null && driver.settled,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), failure, port,
        provider == null ? 0 : provider.actualPort());
  }

  /**
   * The throwaway gateway's configuration: one route per kind of stream, to the synthetic
   * upstream, with an API key of no value, and limits that queue none of the warm-up's streams.
   */
  static GatewayConfig config(String base) {
    return GatewayConfig.of(List.of(
            new Route("warm-up-chat",
                List.of(Target.of(UpstreamKind.OPENAI_CHAT, base, "sk-warm-up").withHttp2(true))),
            new Route("warm-up-chat-http1",
                List.of(Target.of(UpstreamKind.OPENAI_CHAT, base, "sk-warm-up"))),
            new Route("warm-up-translated",
                List.of(Target.of(UpstreamKind.ANTHROPIC, base, "sk-warm-up").withHttp2(true))),
            new Route("*", List.of(
                Target.of(UpstreamKind.SAME_AS_CLIENT, base, "sk-warm-up").withHttp2(true)))))
        .withHost("127.0.0.1").withPort(0)
        .withLimits(GatewayLimits.builder().concurrencyPerKey(CONCURRENCY * 2).build());
  }

  /** The clients: {@link #CONCURRENCY} slots, each sending one stream after another. */
  private static final class Driver {
    private final Context context;
    private final HttpClientAgent client;
    private final int port;
    private final long budgetMillis;
    private final int maxStreams;
    private final JitSettle settle;
    private final int minStreams;
    private final Promise<Optional<String>> done = Promise.promise();
    private int running;
    private int sent;
    /** Read on the caller's thread once the driver is done (or stopped). */
    private volatile int completed;
    private volatile boolean settled;
    private volatile boolean stopped;
    private volatile Optional<String> failure = Optional.empty();

    Driver(Context context, HttpClientAgent client, int port, long budgetMillis,
        int maxStreams, JitSettle settle, int minStreams) {
      this.maxStreams = maxStreams;
      this.settle = settle;
      this.minStreams = minStreams;
      this.context = context;
      this.client = client;
      this.port = port;
      this.budgetMillis = budgetMillis;
    }

    Future<Optional<String>> start() {
      context.runOnContext(v -> {
        context.owner().setTimer(Math.max(1, budgetMillis), id -> finish());
        if (settle != null) {
          context.owner().setPeriodic(JitSettle.PERIOD_MILLIS, id -> {
            if (!stopped && settle.sample() && completed >= minStreams) {
              settled = true;
              finish();
            }
            if (stopped) {
              context.owner().cancelTimer(id);
            }
          });
        }
        running = CONCURRENCY;
        for (int i = 0; i < CONCURRENCY; i++) {
          next();
        }
      });
      return done.future();
    }

    void stop() {
      stopped = true;
    }

    /** A stream's failure, read off the event loop once the driver has stopped. */
    Optional<String> failure() {
      return failure;
    }

    /** The budget is spent: no stream starts after it; those in flight end. */
    private void finish() {
      stopped = true;
    }

    private void next() {
      if (stopped || failure.isPresent() || sent >= maxStreams) {
        if (--running == 0 || failure.isPresent()) {
          done.tryComplete(failure);
        }
        return;
      }
      // Every other round of kinds on a connection of its own, which the gateway accepts, sets
      // up and closes: a burst after a deployment is mostly new connections, and their code
      // (the accept, the pipeline's set-up, the close) was what the JIT compiled under the first
      // real streams when the warm-up's connections were all kept alive (BENCHMARKS.md,
      // profile note 34).
      boolean ownConnection = sent / KINDS.size() % 2 == 1;
      Kind kind = KINDS.get(sent++ % KINDS.size());
      String body = "{\"model\":\"" + kind.model() + "\",\"stream\":true,\"max_tokens\":64,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Warm up.\"}]}";
      RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(port).setURI(kind.path())
          .putHeader("Content-Type", "application/json");
      if (ownConnection) {
        request.putHeader("Connection", "close");
      }
      client.request(request)
          .compose(req -> req.send(body))
          .compose(res -> res.body().map(b -> {
            String text = b.toString();
            if (res.statusCode() != 200 || !text.contains(kind.terminal())) {
              throw new IllegalStateException("a " + kind.model() + " stream answered "
                  + res.statusCode() + ": " + text.substring(0, Math.min(200, text.length())));
            }
            return text;
          }))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              completed++;
            } else if (failure.isEmpty()) {
              failure = Optional.of(describe(ar.cause()));
            }
            next();
          });
    }
  }

  /** Until the streams cut off have ended in the throwaway gateway: it closes with none open. */
  private static void awaitIdle(GatewayServer server, long graceNanos) {
    try {
      server.awaitIdle(graceNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(Future<T> future, long deadlineNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.toCompletionStage().toCompletableFuture()
        .get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private static void quietly(Future<?> closing) {
    if (closing == null) {
      return;
    }
    try {
      closing.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Closing loopback servers and clients: the caller learns of the warm-up's failure, if
      // any, from its outcome; a close that fails leaves nothing the gateway uses.
    }
  }

  private static String describe(Throwable t) {
    Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
