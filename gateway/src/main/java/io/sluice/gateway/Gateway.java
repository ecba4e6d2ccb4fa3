package io.sluice.gateway;

import io.sluice.gateway.internal.config.BindCheck;
import io.sluice.gateway.internal.config.ConfigWatcher;
import io.sluice.gateway.internal.server.BufferPool;
import io.sluice.gateway.internal.server.GatewayServer;
import io.sluice.gateway.internal.server.WarmUp;
import io.sluice.gateway.internal.telemetry.StderrLog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A running gateway: OpenAI- and Anthropic-compatible front doors that stream every token from the
 * routed upstream as it arrives and keep the books. See docs/gateway.md.
 */
public final class Gateway implements AutoCloseable {
  private final Vertx vertx;
  private final GatewayServer server;
  private final int port;
  private final String host;
  private final Consumer<String> log;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean drainStarted = new AtomicBoolean();
  /** Counted down to cut a drain short: its delay and timeout end at once. */
  private final CountDownLatch hurry = new CountDownLatch(1);
  /** Counted down when the drain has closed the gateway. */
  private final CountDownLatch drained = new CountDownLatch(1);
  private final Object reloading = new Object();

  /** How long ending the streams still open after {@code server.drain.timeout} may take. */
  private static final Duration SHUT_DOWN_GRACE = Duration.ofSeconds(5);

  private Gateway(Vertx vertx, GatewayServer server, int port, String host,
      Consumer<String> log) {
    this.vertx = vertx;
    this.server = server;
    this.port = port;
    this.host = host;
    this.log = log;
  }

  /**
   * Starts a gateway that logs one line per request, and a line for each reload and drain step,
   * to standard error.
   */
  public static Gateway start(GatewayConfig config) {
    // The request log is written in batches by the usage log's thread; the events come from
    // signal and drain threads at any time, so they go straight to the (synchronized) stream.
    return start(config, new StderrLog("sluice gateway: "),
        line -> System.err.println("sluice gateway: " + line));
  }

  /**
   * Starts a gateway that hands its one line per request, and its line for each reload and drain
   * step, to {@code log}, which must take lines from any thread.
   */
  public static Gateway start(GatewayConfig config, Consumer<String> log) {
    return start(config, log, log);
  }

  /**
   * Keeps Netty's buffer pool in its full mode for the rest of the process, unless
   * {@code -Dio.netty.allocator.lowMemory} is set. At a maximum heap of 512 MiB or less Netty
   * switches to a low-memory mode that pools no buffer larger than 16,896 bytes and makes all
   * event loops share one pool under a lock, which costs a gateway allocation and CPU
   * (docs/deploying.md). {@link #start} calls this. Netty reads the setting once, when it first
   * makes a buffer, so an application that uses Netty before it starts a gateway (its own
   * Vert.x or Netty servers) calls this before them.
   */
  public static void useFullBufferPool() {
    BufferPool.useFullMode();
  }

  private static Gateway start(GatewayConfig config, Consumer<String> requestLog,
      Consumer<String> events) {
    useFullBufferPool();
    if (!config.host().isEmpty()) {
      BindCheck.check(config, config.host()); // an empty host binds loopback when keyless
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      GatewayServer server = new GatewayServer(vertx, config, requestLog);
      int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
      warmUp(vertx, config.limits().warmUp(), loops, events);
      int port = server.listen(loops).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      if (config.accessKeys().isEmpty() && !BindCheck.loopback(server.bindHost())) {
        requestLog.accept(BindCheck.warning(server.bindHost(), port));
      }
      return new Gateway(vertx, server, port, server.bindHost(), events);
    } catch (ExecutionException e) {
      vertx.close();
      throw new GatewayException("cannot listen on port " + config.port() + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      vertx.close();
      throw new GatewayException("the gateway did not start", e);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * Runs {@code server.warm-up} before the gateway listens: the first burst of real streams then
   * meets compiled code. It ends once the JIT compilers have settled, or at its budget, and says
   * which, with how long it took: that is how much later the gateway listens. A warm-up that
   * fails is logged, and the gateway starts anyway. What it warms (the JIT's compiled code,
   * loaded classes) belongs to the process, so a second gateway started in the same JVM (tests,
   * an application that embeds several) does not run it again.
   */
  private static void warmUp(Vertx vertx, Duration budget, int loops, Consumer<String> events) {
    if (budget.isZero() || !WarmUp.firstInThisProcess()) {
      return;
    }
    // Said first: on a small machine the start waits for it for seconds, with nothing else shown.
    events.accept("warming up before listening (server.warm-up: up to " + budget.toMillis()
        + " ms)");
    WarmUp.Outcome outcome;
    try {
      outcome = WarmUp.run(vertx, budget, loops);
    } catch (RuntimeException e) { // WarmUp returns its failures; this is a bug of its own
      outcome = new WarmUp.Outcome(0, false, 0, java.util.Optional.of(e.toString()), 0, 0);
    }
    int streams = outcome.streams();
    if (outcome.failure().isPresent()) {
      events.accept("warm-up (server.warm-up) stopped after " + streams
          + " streams, the gateway starts without it: " + outcome.failure().get());
    } else {
      events.accept("warm-up (server.warm-up): " + streams + " synthetic streams in "
          + outcome.millis() + " ms, " + (outcome.settled() ? "until the JIT compilers settled"
              : "its whole budget of " + budget.toMillis() + " ms"));
    }
  }

  public int port() {
    return port;
  }

  /** The address it listens on: loopback only when no access keys are configured. */
  public String host() {
    return host;
  }

  /** True when it listens on a loopback address only, so no other machine can reach it. */
  public boolean loopbackOnly() {
    return BindCheck.loopback(host);
  }

  /** The configuration requests arriving now are served with. */
  public GatewayConfig config() {
    return server.config();
  }

  /**
   * Serves requests arriving from now on with {@code next}: routes, targets, access keys, limits
   * and prices. Requests under way finish with the configuration they started with. Settings
   * the running listener was built with ({@code server.port}, {@code server.host}, ...) wait
   * for a restart; the returned lines name each one that changed.
   *
   * @throws GatewayException when {@code next} cannot run as it is; the running configuration
   *     stays
   */
  public List<String> reload(GatewayConfig next) {
    return server.reload(next);
  }

  /**
   * Reads {@code file} again (as {@link GatewayConfig#load}), applies {@code adjust} (a
   * command line's {@code --port}, say) and reloads it, logging the outcome: a file that cannot
   * be read or is invalid is refused with the error, which names the setting, and the running
   * configuration stays.
   *
   * @return true when the new configuration is in effect
   */
  public boolean reloadFile(Path file, UnaryOperator<GatewayConfig> adjust) {
    synchronized (reloading) {
      GatewayConfig next;
      try {
        next = adjust.apply(GatewayConfig.load(file));
      } catch (RuntimeException e) { // GatewayException, or a limit's IllegalArgumentException
        log.accept("reload of " + file + " refused, the running configuration stays: "
            + (e.getMessage() == null ? e.toString() : e.getMessage()));
        return false;
      }
      try {
        List<String> restart = reload(next);
        log.accept("reloaded " + file + ": " + next.routes().size() + " routes, "
            + next.accessKeys().size() + " access keys");
        for (String line : restart) {
          log.accept("reload: " + line);
        }
        return true;
      } catch (GatewayException e) {
        log.accept("reload of " + file + " refused, the running configuration stays: "
            + e.getMessage());
        return false;
      }
    }
  }

  /**
   * Reloads {@code file} (as {@link #reloadFile}) whenever its content changes, checked every
   * {@code period}; close the result to stop.
   */
  public AutoCloseable watch(Path file, Duration period, UnaryOperator<GatewayConfig> adjust) {
    return ConfigWatcher.start(file, period, () -> reloadFile(file, adjust), log);
  }

  /** Requests and WebSocket sessions under way now. */
  public int inFlight() {
    return server.inFlight();
  }

  /** True from the start of a drain: {@code /readyz} answers 503. */
  public boolean draining() {
    return server.draining();
  }

  /** Drains with the running configuration's {@code server.drain.delay} and timeout. */
  public void drain() {
    GatewayLimits limits = server.config().limits();
    drain(limits.drainDelay(), limits.drainTimeout());
  }

  /**
   * Shuts down without cutting anyone off: {@code /readyz} answers 503 at once while requests are
   * still served for {@code delay}, so that load balancers stop sending; then no new connection
   * is accepted and requests under way may finish for up to {@code timeout}; then each one still
   * open ends with a terminal error in its client's format; then the usage log is flushed and the
   * gateway closed. Every request that arrived is logged once. Blocks the calling thread for at
   * most delay + timeout + a few seconds; {@link #hurry} cuts it short. A second call (SIGTERM
   * after Ctrl-C, say) waits for the first to end.
   */
  public void drain(Duration delay, Duration timeout) {
    if (!drainStarted.compareAndSet(false, true)) {
      try {
        drained.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    try {
      server.startDraining();
      log.accept("draining: /readyz answers 503; new connections accepted for "
          + millis(delay) + " more (server.drain.delay)");
      hurry.await(delay.toMillis(), TimeUnit.MILLISECONDS);
      server.stopAccepting(timeout.plus(SHUT_DOWN_GRACE));
      log.accept("draining: no new connections; " + server.inFlight()
          + " requests under way get up to " + millis(timeout) + " to end (server.drain.timeout)");
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean idle = false;
      while (!idle && hurry.getCount() > 0 && System.nanoTime() < deadline) {
        idle = server.awaitIdle(Math.min(deadline - System.nanoTime(), 100_000_000L));
      }
      if (!idle && server.inFlight() > 0) {
        log.accept("draining: ending the " + server.inFlight()
            + " requests still under way with an error");
        server.shutDownOpen("the gateway is shutting down (server.drain.timeout passed)");
        if (!server.awaitIdle(SHUT_DOWN_GRACE.toNanos())) {
          log.accept("draining: " + server.inFlight() + " requests did not end within "
              + millis(SHUT_DOWN_GRACE) + "; closing their connections");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      close();
      log.accept("drained: the gateway is closed and the usage log flushed");
      drained.countDown();
    }
  }

  /** Cuts a drain under way short: its delay and timeout end now (a second Ctrl-C). */
  public void hurry() {
    hurry.countDown();
  }

  private static String millis(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** Stops accepting requests, closes every connection and flushes the usage log. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Closing: the connections are gone either way.
    } finally {
      server.close(); // after the event loops: every finished request's entry is queued by now
    }
  }
}
