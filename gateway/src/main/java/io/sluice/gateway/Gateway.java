package io.sluice.gateway;

import io.sluice.gateway.internal.config.BindCheck;
import io.sluice.gateway.internal.server.GatewayServer;
import io.sluice.gateway.internal.telemetry.StderrLog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A running gateway: OpenAI- and Anthropic-compatible front doors that stream every token from the
 * routed upstream as it arrives and keep the books. See docs/gateway.md.
 */
public final class Gateway implements AutoCloseable {
  private final Vertx vertx;
  private final GatewayServer server;
  private final int port;
  private final String host;

  private Gateway(Vertx vertx, GatewayServer server, int port, String host) {
    this.vertx = vertx;
    this.server = server;
    this.port = port;
    this.host = host;
  }

  /** Starts a gateway that logs one line per request to standard error. */
  public static Gateway start(GatewayConfig config) {
    return start(config, new StderrLog("sluice gateway: "));
  }

  /** Starts a gateway that hands its one line per request to {@code requestLog}. */
  public static Gateway start(GatewayConfig config, Consumer<String> requestLog) {
    if (!config.host().isEmpty()) {
      BindCheck.check(config, config.host()); // an empty host binds loopback when keyless
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      GatewayServer server = new GatewayServer(vertx, config, requestLog);
      int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
      int port = server.listen(loops).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      if (config.accessKeys().isEmpty() && !BindCheck.loopback(server.bindHost())) {
        requestLog.accept(BindCheck.warning(server.bindHost(), port));
      }
      return new Gateway(vertx, server, port, server.bindHost());
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

  /** Stops accepting requests, closes every connection and flushes the usage log. */
  @Override
  public void close() {
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
