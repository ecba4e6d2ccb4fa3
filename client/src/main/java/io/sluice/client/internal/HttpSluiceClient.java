package io.sluice.client.internal;

import io.sluice.client.ClientException;
import io.sluice.client.EventStream;
import io.sluice.client.ProviderSettings;
import io.sluice.client.RequestOptions;
import io.sluice.client.SluiceClient;
import io.sluice.client.StreamTimeoutException;
import io.sluice.core.codec.CodecException;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The client on the JDK HttpClient, whose connection pool all calls share. */
public final class HttpSluiceClient implements SluiceClient {

  /** One daemon timer thread for every client: timeouts and retry delays only, never I/O. */
  private static final ScheduledExecutorService TIMER = DaemonTimer.create("sluice-client-timer");

  private final ClientConfig config;
  private final Endpoint endpoint;
  private final HttpClient http;
  private final Delayer delayer;
  private final Set<Exchange> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  public HttpSluiceClient(ClientConfig config, Delayer delayer) {
    KeyCheck.check(config.settings());
    this.config = config;
    this.endpoint = new Endpoint(config.settings());
    this.http = HttpClient.newBuilder()
        .connectTimeout(config.timeouts().connect())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.delayer = delayer != null ? delayer
        : (delay, task) -> TIMER.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public ProviderSettings settings() {
    return config.settings();
  }

  @Override
  public EventStream stream(ChatRequest request, RequestOptions options) {
    Objects.requireNonNull(options, "options");
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    byte[] body = encode(request.withStream(true));
    Exchange[] self = new Exchange[1];
    Exchange exchange = new Exchange(http, endpoint, config, CallConfig.of(config, options), TIMER,
        delayer, body, () -> live.remove(self[0]),
        new Signals(config.listener(), endpoint, request.model()));
    self[0] = exchange;
    live.add(exchange);
    exchange.start();
    return exchange.events();
  }

  @Override
  public FinalMessage complete(ChatRequest request, RequestOptions options) {
    if (request.stream()) {
      try (EventStream events = stream(request, options)) {
        return events.finish();
      }
    }
    return completeWhole(request, CallConfig.of(config, options));
  }

  private byte[] encode(ChatRequest request) {
    RequestFit.check(config.settings().kind(), request);
    try {
      return endpoint.codec.encodeRequest(request);
    } catch (CodecException e) {
      throw new ClientException("cannot encode the request: " + e.getMessage(), false, e);
    }
  }

  /** A non-streaming call: retried like a stream's start, its body read whole (bounded). */
  private FinalMessage completeWhole(ChatRequest request, CallConfig call) {
    byte[] body = encode(request);
    int limit = config.limits().maxEventBytes();
    int errorLimit = config.limits().maxErrorBodyBytes();
    long deadline = call.timeouts().totalLimit()
        .map(total -> System.nanoTime() + total.toNanos()).orElse(Long.MAX_VALUE);
    for (int attempt = 0; ; attempt++) {
      CompletableFuture<HttpResponse<BoundedBody.Bytes>> future = http.sendAsync(
          endpoint.request(body, false, call.timeouts().responseHeaders(), call.headers()),
          info -> new BoundedBody(info.statusCode() / 100 == 2 ? limit : errorLimit));
      HttpResponse<BoundedBody.Bytes> response;
      ClientException failure;
      try {
        response = await(future, deadline, call);
        failure = null;
      } catch (ExecutionException e) {
        response = null;
        failure = Failures.io(endpoint, e, call.timeouts());
      }
      java.util.function.Function<String, Optional<String>> headers = name -> Optional.empty();
      if (response != null) {
        byte[] bytes = response.body().bytes();
        if (response.statusCode() / 100 == 2) {
          if (response.body().truncated()) {
            throw new ClientException("the answer is longer than " + limit
                + " bytes (StreamLimits.maxEventBytes)", false);
          }
          try {
            return endpoint.codec.decodeResponse(bytes);
          } catch (CodecException e) {
            throw new ClientException("cannot read the answer: " + e.getMessage(), false, e);
          }
        }
        failure = Failures.answer(endpoint, call.retryPolicy(), config.clock(),
            response.statusCode(), response.headers(), bytes, false);
        headers = Endpoint.lookup(response.headers());
      }
      if (!failure.retryable() || attempt >= call.retryPolicy().maxRetries()) {
        throw failure;
      }
      Duration delay = call.retryPolicy().delay(attempt, headers, config.clock(),
          config.random());
      CompletableFuture<Void> waited = new CompletableFuture<>();
      delayer.after(delay, () -> waited.complete(null));
      try {
        await(waited, deadline, call);
      } catch (ExecutionException e) {
        throw failure;
      }
    }
  }

  private <T> T await(CompletableFuture<T> future, long deadline, CallConfig call)
      throws ExecutionException {
    try {
      if (deadline == Long.MAX_VALUE) {
        return future.get();
      }
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StreamTimeoutException(StreamTimeoutException.Timeout.TOTAL,
          call.timeouts().total());
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted while waiting for the answer", false, e);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Exchange exchange : live) {
      exchange.events().close(); // its consumer sees the cancelled terminal event
    }
  }

  @Override
  public String toString() {
    return "SluiceClient[" + config.settings() + "]";
  }
}
