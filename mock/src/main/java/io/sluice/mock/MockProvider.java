package io.sluice.mock;

import io.sluice.mock.internal.MockServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A simulated LLM provider on a real HTTP server: OpenAI Chat Completions, OpenAI Responses and
 * Anthropic Messages, streaming or not, encoded by the core codecs. Each request's behaviour (time
 * to first token, pacing, length, tool calls, reasoning, usage, faults) is set by its
 * {@value #HEADER} header; see {@code docs/mock.md}. It is the upstream of the quick start, the
 * tests and the load benchmarks.
 *
 * <pre>{@code
 * try (MockProvider mock = MockProvider.start(MockOptions.defaults())) {
 *   client.baseUrl(mock.baseUrl()); // http://127.0.0.1:PORT/v1
 * }
 * }</pre>
 */
public final class MockProvider implements AutoCloseable {

  /** The request header that sets the behaviour of one response. */
  public static final String HEADER = MockServer.HEADER;

  private static final long START_TIMEOUT_SECONDS = 30;
  /** HTTP/2 streams one connection may carry at once. */
  static final int MAX_STREAMS = 10_000;

  private final Vertx vertx;
  private final boolean ownsVertx;
  private final HttpServer server;
  private final String host;

  private MockProvider(Vertx vertx, boolean ownsVertx, HttpServer server, String host) {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.server = server;
    this.host = host;
  }

  /** Starts on its own Vert.x instance, which {@link #close()} closes; returns once listening. */
  public static MockProvider start(MockOptions options) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      return start(vertx, options, true);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /** Starts on a Vert.x instance the caller owns and closes; returns once listening. */
  public static MockProvider start(Vertx vertx, MockOptions options) {
    return start(vertx, options, false);
  }

  private static MockProvider start(Vertx vertx, MockOptions options, boolean owns) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    HttpServer server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(options.host()).setPort(options.port())
            // HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on the same port. A gateway that
            // calls it over HTTP/2 puts many streams on one connection; 10,000 per connection
            // (Vert.x's default is 100) lets a load test's streams share a few.
            .setHttp2ClearTextEnabled(true)
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(MAX_STREAMS)))
        .requestHandler(new MockServer(vertx, options.requestLog()));
    try {
      server.listen().toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("sluice mock could not listen on " + options.host() + ":"
          + options.port() + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("sluice mock did not start listening within "
          + START_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting sluice mock", e);
    }
    return new MockProvider(vertx, owns, server, options.host());
  }

  /** The port it listens on. */
  public int port() {
    return server.actualPort();
  }

  /** {@code http://HOST:PORT}: the base URL for clients that add {@code /v1} themselves. */
  public String origin() {
    boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    String h = wildcard ? MockOptions.LOOPBACK : host.contains(":") && !host.startsWith("[")
        ? "[" + host + "]" : host;
    return "http://" + h + ":" + port();
  }

  /** {@code http://HOST:PORT/v1}: the base URL for OpenAI clients. */
  public String baseUrl() {
    return origin() + "/v1";
  }

  /** Stops listening (and closes its own Vert.x instance); waits for both. */
  @Override
  public void close() {
    try {
      server.close().toCompletionStage().toCompletableFuture()
          .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (ownsVertx) {
        vertx.close().toCompletionStage().toCompletableFuture()
            .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("sluice mock did not close cleanly: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "MockProvider[" + origin() + "]";
  }
}
