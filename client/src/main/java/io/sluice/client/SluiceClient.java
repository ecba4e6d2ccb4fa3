package io.sluice.client;

import io.sluice.client.internal.ClientConfig;
import io.sluice.client.internal.Delayer;
import io.sluice.client.internal.HttpSluiceClient;
import io.sluice.core.RetryPolicy;
import io.sluice.core.StreamLimits;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Streams chats from one provider over the JDK HttpClient. Connections are pooled and reused
 * across calls; share one client. Thread-safe; {@link #close()} releases its threads.
 *
 * <pre>{@code
 * try (SluiceClient client = SluiceClient.create(ProviderSettings.fromEnvironment(ProviderKind.OPENAI_CHAT));
 *      EventStream events = client.stream(ChatRequest.builder("gpt-4o-mini").user("Hi").build())) {
 *   for (StreamEvent event : events) { ... }
 * }
 * }</pre>
 */
public interface SluiceClient extends AutoCloseable {

  /**
   * A client with the default timeouts, retries and limits.
   *
   * @param settings where and how to reach the provider
   * @return the client
   */
  static SluiceClient create(ProviderSettings settings) {
    return builder(settings).build();
  }

  /**
   * Starts a client for one provider.
   *
   * @param settings where and how to reach it
   * @return the builder
   */
  static Builder builder(ProviderSettings settings) {
    return new Builder(settings);
  }

  /**
   * The provider this client talks to.
   *
   * @return the settings
   */
  ProviderSettings settings();

  /**
   * Starts a streaming call (the request's stream flag is set) and returns at once. Retries happen
   * before the first event only, as {@link RetryPolicy} says.
   */
  default EventStream stream(ChatRequest request) {
    return stream(request, RequestOptions.none());
  }

  /**
   * As {@link #stream(ChatRequest)}, with this call's headers, timeouts, retry policy and
   * idempotency key over the client's.
   *
   * @throws ClientException when the request does not fit the provider's format (an option it
   *     has no field for, an {@code extra} field that collides with one the client writes)
   */
  EventStream stream(ChatRequest request, RequestOptions options);

  /**
   * The final message. A streaming request is streamed and assembled; a non-streaming one is sent
   * as such. A stream that fails after it started returns a message whose outcome is the failure.
   *
   * @throws ClientException when the call fails before a stream or answer started
   */
  default FinalMessage complete(ChatRequest request) {
    return complete(request, RequestOptions.none());
  }

  /** As {@link #complete(ChatRequest)}, with this call's options over the client's. */
  FinalMessage complete(ChatRequest request, RequestOptions options);

  /** Releases the client's threads; calls in progress are cancelled. */
  @Override
  void close();

  /** Configures a client. */
  final class Builder {
    private final ProviderSettings settings;
    private ClientTimeouts timeouts = ClientTimeouts.defaults();
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private StreamLimits limits = StreamLimits.defaults();
    private Clock clock = Clock.systemUTC();
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private Delayer delayer;
    private CallListener listener = CallListener.NONE;

    private Builder(ProviderSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Sets the timeouts.
     *
     * @param value the timeouts
     * @return this builder
     */
    public Builder timeouts(ClientTimeouts value) {
      this.timeouts = Objects.requireNonNull(value, "timeouts");
      return this;
    }

    /**
     * Sets the retry policy.
     *
     * @param value the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /**
     * Sets the stream limits.
     *
     * @param value the limits
     * @return this builder
     */
    public Builder limits(StreamLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /** Told what happens under each stream: attempts, retries, first byte, usage, outcome. */
    public Builder listener(CallListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /** The clock that reads HTTP-date Retry-After values (tests). */
    Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /** The jitter source, values in [0, 1) (tests). */
    Builder random(DoubleSupplier value) {
      this.random = Objects.requireNonNull(value);
      return this;
    }

    /** What waits before a retry (tests record the delays and skip the wait). */
    Builder delayer(Delayer value) {
      this.delayer = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     * @throws IllegalArgumentException when the settings point at a provider's own host (or
     *     Azure) without an API key: naming the variable or setting that gives one
     */
    public SluiceClient build() {
      return new HttpSluiceClient(
          new ClientConfig(settings, timeouts, retryPolicy, limits, clock, random, listener),
          delayer);
    }
  }
}
