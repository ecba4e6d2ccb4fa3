package io.sluice.client.ws;

import io.sluice.client.ClientTimeouts;
import io.sluice.client.EventStream;
import io.sluice.client.ProviderKind;
import io.sluice.client.SluiceClient;
import io.sluice.client.internal.ws.SessionRegistry;
import io.sluice.client.internal.ws.WsConfig;
import io.sluice.core.StreamLimits;
import io.sluice.core.message.ChatRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * OpenAI Responses conversations over WebSocket ({@code wss://…/v1/responses}), one connection
 * per session, reused across turns, with HTTP SSE through a {@link SluiceClient} as the fallback.
 *
 * <p>Each call passes the whole conversation, exactly as over HTTP. The session remembers the last
 * response id and which messages the server already holds, and sends only the new ones with
 * {@code previous_response_id}; when the server lost that state ({@code previous_response_not_found})
 * the turn is resent with the full context, once, without the caller noticing. The events are
 * those {@link SluiceClient#stream} delivers, decoded by the same decoder, whatever the transport.
 *
 * <p>One response is in flight per session: a turn started while the previous one's stream is
 * still open throws {@link SessionBusyException}. Turns on different sessions run in parallel.
 * Thread-safe; {@link #close()} releases every session.
 *
 * <pre>{@code
 * try (SluiceClient http = SluiceClient.create(ProviderSettings.fromEnvironment(ProviderKind.OPENAI_RESPONSES));
 *      ResponsesSessions sessions = ResponsesSessions.builder(http).build()) {
 *   FinalMessage first = sessions.stream("chat-1", request).finish();
 *   ...
 *   sessions.release("chat-1");
 * }
 * }</pre>
 */
public interface ResponsesSessions extends AutoCloseable {

  /**
   * Starts sessions that share {@code http}'s settings.
   *
   * @param http the client whose provider, key and HTTP fallback the sessions use
   * @return the builder
   */
  static Builder builder(SluiceClient http) {
    return new Builder(http);
  }

  /** A turn on session {@code sessionId} (created on first use) with the default transport. */
  EventStream stream(String sessionId, ChatRequest request);

  /**
   * A turn with this call's transport. {@link Transport#SSE} leaves the session alone.
   *
   * @throws SessionBusyException when the session's previous turn is still in flight
   */
  EventStream stream(String sessionId, ChatRequest request, Transport transport);

  /** Whether the session exists and its connection is open. */
  boolean live(String sessionId);

  /** Closes the session's connection and forgets its state; a turn in flight is cancelled. */
  void release(String sessionId);

  /** The ids of the sessions held. */
  Set<String> sessionIds();

  /** Releases every session. Does not close the {@link SluiceClient}. */
  @Override
  void close();

  /** Configures the sessions. */
  final class Builder {
    /** Renew a connection this old before a turn; the server ends them at 60 minutes. */
    public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(55);

    private final SluiceClient http;
    private Transport transport = Transport.AUTO;
    private ClientTimeouts timeouts = ClientTimeouts.defaults();
    private StreamLimits limits = StreamLimits.defaults();
    private Duration maxConnectionAge = DEFAULT_MAX_CONNECTION_AGE;
    private Duration warmUpTimeout;
    private Clock clock = Clock.systemUTC();

    private Builder(SluiceClient http) {
      this.http = Objects.requireNonNull(http, "http");
      if (http.settings().kind() != ProviderKind.OPENAI_RESPONSES) {
        throw new IllegalArgumentException("WebSocket sessions speak OpenAI Responses; the client "
            + "is for " + http.settings().kind());
      }
    }

    /** The transport of calls that do not name one; default {@link Transport#AUTO}. */
    public Builder transport(Transport value) {
      this.transport = Objects.requireNonNull(value, "transport");
      return this;
    }

    /**
     * Connect (the WebSocket handshake), first-event and idle timeouts of WebSocket turns; the SSE
     * fallback uses the {@link SluiceClient}'s own.
     */
    public Builder timeouts(ClientTimeouts value) {
      this.timeouts = Objects.requireNonNull(value, "timeouts");
      return this;
    }

    /** The largest message accepted from the server ({@link StreamLimits#maxEventBytes()}). */
    public Builder limits(StreamLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /** A connection at least this old is replaced before the next turn. */
    public Builder maxConnectionAge(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("maxConnectionAge must be positive, was " + value);
      }
      this.maxConnectionAge = value;
      return this;
    }

    /**
     * Before a session's first turn, send {@code response.create} with {@code generate:false}
     * carrying the model, tools and instructions, and chain the turn from it. A warm-up that
     * fails or takes longer than {@code timeout} is logged and the turn goes on without it.
     */
    public Builder warmUp(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the warm-up timeout must be positive, was " + timeout);
      }
      this.warmUpTimeout = timeout;
      return this;
    }

    /** Tells connection ages (tests). */
    Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Builds the sessions.
     *
     * @return the sessions
     */
    public ResponsesSessions build() {
      return new SessionRegistry(http, new WsConfig(transport, timeouts, limits, maxConnectionAge,
          Optional.ofNullable(warmUpTimeout), clock));
    }
  }
}
