package io.sluice.gateway;

import io.sluice.core.StreamLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's limits, every one settable in {@code sluice.yaml} under {@code limits:}, with
 * documented defaults (docs/limits.md, docs/gateway.md "Where each limit sits"). Build them with
 * {@link #builder()}; a {@code with...} method changes one from an existing set.
 *
 * @param maxBodyBytes largest request body accepted; more is a 413 ({@code limits.max-body-bytes})
 * @param maxHeaderBytes largest request head accepted ({@code limits.max-header-bytes})
 * @param concurrencyPerKey requests in flight per upstream key ({@code limits.concurrency-per-key})
 * @param queueSize requests waiting per target beyond that; more is a 429
 *     ({@code limits.queue-size})
 * @param heartbeat interval of {@code : heartbeat} comments to a waiting streaming client
 *     ({@code limits.heartbeat})
 * @param connectTimeout connecting to an upstream ({@code limits.connect-timeout})
 * @param firstTokenTimeout from sending the request to the first model event, or to a
 *     non-streaming answer's body ({@code limits.first-token-timeout}); as in the client, 600 s,
 *     since reasoning models may think for minutes
 * @param idleTimeout longest silence of an upstream mid-stream; any byte counts, and a stream
 *     paused for a slow client is never idle ({@code limits.idle-timeout}); as in the client
 * @param streamBufferBytes bytes buffered per stream for a slow client before the upstream read
 *     pauses ({@code limits.stream-buffer-bytes})
 * @param maxAttempts upstream attempts per request before the first byte, across keys and targets
 *     ({@code limits.max-attempts})
 * @param totalTimeout the longest a request may take from its arrival to its end, queue and
 *     retries included, or {@link Duration#ZERO} for none, the default, as in the client: a
 *     healthy stream of a long answer may run for many minutes ({@code limits.total-timeout})
 * @param maxEventBytes the most bytes of one upstream SSE event the gateway reads for its books
 *     and translations; more ends the stream with a {@code limit_exceeded} error
 *     ({@code limits.max-event-bytes}; the library's {@link StreamLimits#maxEventBytes()})
 * @param maxErrorBodyBytes the most bytes of an upstream's error answer (or of a 2xx that is no
 *     event stream) kept to tell the client; the rest is read and dropped
 *     ({@code limits.max-error-body-bytes})
 * @param maxUpstreamMessageBytes the largest message (and frame) accepted from an upstream
 *     Responses WebSocket, which may carry a whole {@code response.completed}
 *     ({@code limits.max-upstream-message-bytes})
 * @param requestHeadTimeout the longest a client connection may take to send a whole request
 *     head after it opens; then it is closed ({@code limits.request-head-timeout})
 * @param bodyTimeout the longest silence of a client while it sends a request body; then 408
 *     and the connection closes ({@code limits.body-timeout}), as nginx's client_body_timeout
 * @param keepAliveTimeout the longest a client connection may sit between requests
 *     ({@code limits.keep-alive-timeout})
 * @param webSocketIdleTimeout the longest a client WebSocket may sit with no turn in flight and no
 *     message from its client ({@code limits.websocket-idle-timeout})
 * @param maxConnections open client connections, all addresses together; more are closed at once
 *     ({@code limits.max-connections})
 * @param maxConnectionsPerClient open client connections from one IP address
 *     ({@code limits.max-connections-per-client})
 * @param quotaCoolDown how long a key rests after a 429 that waiting does not cure, such as
 *     OpenAI's {@code insufficient_quota} (a billing matter), instead of the Retry-After or one
 *     second of a passing rate limit ({@code limits.quota-cool-down})
 * @param drainDelay on SIGTERM, how long the gateway keeps accepting connections after it reports
 *     not ready, so that endpoints and load balancers stop sending first
 *     ({@code server.drain.delay}; may be zero)
 * @param drainTimeout how long streams in flight may go on after that before each is ended with a
 *     terminal error in its client's format ({@code server.drain.timeout}; may be zero)
 * @param warmUp at start, before it listens, how long at most the gateway runs synthetic streams
 *     through its own code on loopback, so that its first burst of real streams does not meet
 *     code the JIT has not compiled yet; it ends sooner once the JIT compilers have settled
 *     ({@code server.warm-up}; zero for none; docs/gateway.md)
 */
public record GatewayLimits(
    int maxBodyBytes, int maxHeaderBytes, int concurrencyPerKey, int queueSize,
    Duration heartbeat, Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
    int streamBufferBytes, int maxAttempts, Duration totalTimeout, int maxEventBytes,
    int maxErrorBodyBytes, int maxUpstreamMessageBytes, Duration requestHeadTimeout,
    Duration bodyTimeout, Duration keepAliveTimeout, Duration webSocketIdleTimeout,
    int maxConnections, int maxConnectionsPerClient, Duration quotaCoolDown,
    Duration drainDelay, Duration drainTimeout, Duration warmUp) {

  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
  public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
  public static final int DEFAULT_CONCURRENCY_PER_KEY = 64;
  public static final int DEFAULT_QUEUE_SIZE = 256;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(600);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
  public static final int DEFAULT_STREAM_BUFFER_BYTES = 256 * 1024;
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  /** None: an endless healthy stream ends when its client leaves. */
  public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ZERO;
  /** 8 MiB, as in the library: tool-call arguments of several megabytes do occur. */
  public static final int DEFAULT_MAX_EVENT_BYTES = StreamLimits.DEFAULT_MAX_EVENT_BYTES;
  /** 1 MiB: an error that says what went wrong is far shorter. */
  public static final int DEFAULT_MAX_ERROR_BODY_BYTES = 1024 * 1024;
  /** 64 MiB: a {@code response.completed} repeats the whole answer. */
  public static final int DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES = 64 * 1024 * 1024;
  /** 30 s: Envoy's recommended request_headers_timeout is 10 s, nginx's client_header_timeout 60 s. */
  public static final Duration DEFAULT_REQUEST_HEAD_TIMEOUT = Duration.ofSeconds(30);
  /** 60 s between two reads of a body, nginx's client_body_timeout. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
  /** 75 s, nginx's keepalive_timeout: longer than the 60 s idle pools of most HTTP clients. */
  public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(75);
  /** 120 s between turns: a person's time to read an answer and type the next question. */
  public static final Duration DEFAULT_WEBSOCKET_IDLE_TIMEOUT = Duration.ofSeconds(120);
  /**
   * 10,000: each streaming connection costs a second socket upstream, and a process's hard limit
   * on open files is often 20,000 or more; beyond it the gateway could not even answer
   * {@code /healthz}.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  /** 1,000: one address cannot take the whole gateway; raise it behind a load balancer. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 1_000;
  /** 10 minutes: a quota is topped up by a person, and the key is tried again after that. */
  public static final Duration DEFAULT_QUOTA_COOL_DOWN = Duration.ofMinutes(10);
  /** 5 s: Kubernetes' endpoint removal reaches kube-proxy and load balancers in a few seconds. */
  public static final Duration DEFAULT_DRAIN_DELAY = Duration.ofSeconds(5);
  /** 90 s: most answers finish well within it; longer ones end with a terminal error. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(90);
  /**
   * At most 10 s of synthetic streams, ended sooner once the JIT compilers have settled (a few
   * seconds on 2 cores): within the 30 s the startup probe of deploy/ gives a pod, and long
   * enough for C2 to compile what a burst runs, which a fixed half second on a cold JVM was not
   * (docs/gateway.md, "Start-up warm-up").
   */
  public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(10);

  public GatewayLimits {
    positive("max-body-bytes", maxBodyBytes);
    positive("max-header-bytes", maxHeaderBytes);
    positive("concurrency-per-key", concurrencyPerKey);
    if (queueSize < 0) {
      throw new IllegalArgumentException("limits.queue-size must not be negative, was " + queueSize);
    }
    positive("heartbeat", heartbeat);
    positive("connect-timeout", connectTimeout);
    positive("first-token-timeout", firstTokenTimeout);
    positive("idle-timeout", idleTimeout);
    positive("stream-buffer-bytes", streamBufferBytes);
    positive("max-attempts", maxAttempts);
    Objects.requireNonNull(totalTimeout, "total-timeout");
    if (totalTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "limits.total-timeout must not be negative (0 for none), was " + totalTimeout);
    }
    positive("max-event-bytes", maxEventBytes);
    positive("max-error-body-bytes", maxErrorBodyBytes);
    positive("max-upstream-message-bytes", maxUpstreamMessageBytes);
    positive("request-head-timeout", requestHeadTimeout);
    positive("body-timeout", bodyTimeout);
    positive("keep-alive-timeout", keepAliveTimeout);
    positive("websocket-idle-timeout", webSocketIdleTimeout);
    positive("max-connections", maxConnections);
    positive("max-connections-per-client", maxConnectionsPerClient);
    positive("quota-cool-down", quotaCoolDown);
    notNegative("server.drain.delay", drainDelay);
    notNegative("server.drain.timeout", drainTimeout);
    notNegative("server.warm-up", warmUp);
  }

  private static final GatewayLimits DEFAULTS = builder().build();

  public static GatewayLimits defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these limits, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The library's stream limits for what the gateway reads from upstreams. */
  public StreamLimits streamLimits() {
    return new StreamLimits(maxEventBytes);
  }

  public GatewayLimits withMaxBodyBytes(int v) {
    return toBuilder().maxBodyBytes(v).build();
  }

  public GatewayLimits withConcurrency(int perKey, int queue) {
    return toBuilder().concurrencyPerKey(perKey).queueSize(queue).build();
  }

  public GatewayLimits withHeartbeat(Duration v) {
    return toBuilder().heartbeat(v).build();
  }

  public GatewayLimits withTimeouts(Duration firstToken, Duration idle) {
    return toBuilder().firstTokenTimeout(firstToken).idleTimeout(idle).build();
  }

  public GatewayLimits withStreamBufferBytes(int v) {
    return toBuilder().streamBufferBytes(v).build();
  }

  /** {@link Duration#ZERO} for none. */
  public GatewayLimits withTotalTimeout(Duration v) {
    return toBuilder().totalTimeout(v).build();
  }

  /**
   * Builds {@link GatewayLimits} by name; each setter is documented on the component of the same
   * name, and {@link #build()} checks them all.
   */
  public static final class Builder {
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int concurrencyPerKey = DEFAULT_CONCURRENCY_PER_KEY;
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private Duration heartbeat = DEFAULT_HEARTBEAT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration firstTokenTimeout = DEFAULT_FIRST_TOKEN_TIMEOUT;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private int streamBufferBytes = DEFAULT_STREAM_BUFFER_BYTES;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration totalTimeout = DEFAULT_TOTAL_TIMEOUT;
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
    private int maxErrorBodyBytes = DEFAULT_MAX_ERROR_BODY_BYTES;
    private int maxUpstreamMessageBytes = DEFAULT_MAX_UPSTREAM_MESSAGE_BYTES;
    private Duration requestHeadTimeout = DEFAULT_REQUEST_HEAD_TIMEOUT;
    private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
    private Duration keepAliveTimeout = DEFAULT_KEEP_ALIVE_TIMEOUT;
    private Duration webSocketIdleTimeout = DEFAULT_WEBSOCKET_IDLE_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    private Duration quotaCoolDown = DEFAULT_QUOTA_COOL_DOWN;
    private Duration drainDelay = DEFAULT_DRAIN_DELAY;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private Duration warmUp = DEFAULT_WARM_UP;

    private Builder() {}

    private Builder(GatewayLimits l) {
      maxBodyBytes = l.maxBodyBytes;
      maxHeaderBytes = l.maxHeaderBytes;
      concurrencyPerKey = l.concurrencyPerKey;
      queueSize = l.queueSize;
      heartbeat = l.heartbeat;
      connectTimeout = l.connectTimeout;
      firstTokenTimeout = l.firstTokenTimeout;
      idleTimeout = l.idleTimeout;
      streamBufferBytes = l.streamBufferBytes;
      maxAttempts = l.maxAttempts;
      totalTimeout = l.totalTimeout;
      maxEventBytes = l.maxEventBytes;
      maxErrorBodyBytes = l.maxErrorBodyBytes;
      maxUpstreamMessageBytes = l.maxUpstreamMessageBytes;
      requestHeadTimeout = l.requestHeadTimeout;
      bodyTimeout = l.bodyTimeout;
      keepAliveTimeout = l.keepAliveTimeout;
      webSocketIdleTimeout = l.webSocketIdleTimeout;
      maxConnections = l.maxConnections;
      maxConnectionsPerClient = l.maxConnectionsPerClient;
      quotaCoolDown = l.quotaCoolDown;
      drainDelay = l.drainDelay;
      drainTimeout = l.drainTimeout;
      warmUp = l.warmUp;
    }

    public Builder maxBodyBytes(int v) {
      maxBodyBytes = v;
      return this;
    }

    public Builder maxHeaderBytes(int v) {
      maxHeaderBytes = v;
      return this;
    }

    public Builder concurrencyPerKey(int v) {
      concurrencyPerKey = v;
      return this;
    }

    public Builder queueSize(int v) {
      queueSize = v;
      return this;
    }

    public Builder heartbeat(Duration v) {
      heartbeat = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder firstTokenTimeout(Duration v) {
      firstTokenTimeout = v;
      return this;
    }

    public Builder idleTimeout(Duration v) {
      idleTimeout = v;
      return this;
    }

    public Builder streamBufferBytes(int v) {
      streamBufferBytes = v;
      return this;
    }

    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    /** {@link Duration#ZERO} for none. */
    public Builder totalTimeout(Duration v) {
      totalTimeout = v;
      return this;
    }

    public Builder maxEventBytes(int v) {
      maxEventBytes = v;
      return this;
    }

    public Builder maxErrorBodyBytes(int v) {
      maxErrorBodyBytes = v;
      return this;
    }

    public Builder maxUpstreamMessageBytes(int v) {
      maxUpstreamMessageBytes = v;
      return this;
    }

    public Builder requestHeadTimeout(Duration v) {
      requestHeadTimeout = v;
      return this;
    }

    public Builder bodyTimeout(Duration v) {
      bodyTimeout = v;
      return this;
    }

    public Builder keepAliveTimeout(Duration v) {
      keepAliveTimeout = v;
      return this;
    }

    public Builder webSocketIdleTimeout(Duration v) {
      webSocketIdleTimeout = v;
      return this;
    }

    public Builder maxConnections(int v) {
      maxConnections = v;
      return this;
    }

    public Builder maxConnectionsPerClient(int v) {
      maxConnectionsPerClient = v;
      return this;
    }

    public Builder quotaCoolDown(Duration v) {
      quotaCoolDown = v;
      return this;
    }

    public Builder drainDelay(Duration v) {
      drainDelay = v;
      return this;
    }

    public Builder drainTimeout(Duration v) {
      drainTimeout = v;
      return this;
    }

    public Builder warmUp(Duration v) {
      warmUp = v;
      return this;
    }

    /** The limits; an invalid value fails here, naming its {@code limits.} setting. */
    public GatewayLimits build() {
      return new GatewayLimits(maxBodyBytes, maxHeaderBytes, concurrencyPerKey, queueSize,
          heartbeat, connectTimeout, firstTokenTimeout, idleTimeout, streamBufferBytes,
          maxAttempts, totalTimeout, maxEventBytes, maxErrorBodyBytes, maxUpstreamMessageBytes,
          requestHeadTimeout, bodyTimeout, keepAliveTimeout, webSocketIdleTimeout, maxConnections,
          maxConnectionsPerClient, quotaCoolDown, drainDelay, drainTimeout, warmUp);
    }
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException("limits." + name + " must be positive, was " + v);
    }
  }

  private static void notNegative(String setting, Duration d) {
    Objects.requireNonNull(d, setting);
    if (d.isNegative()) {
      throw new IllegalArgumentException(setting + " must not be negative, was " + d);
    }
  }

  /** How long {@code server.drain.delay} and {@code server.drain.timeout} may take together. */
  public GatewayLimits withDrain(Duration delay, Duration timeout) {
    return toBuilder().drainDelay(delay).drainTimeout(timeout).build();
  }

  /** With {@code server.warm-up} at {@code budget}; zero for none. */
  public GatewayLimits withWarmUp(Duration budget) {
    return toBuilder().warmUp(budget).build();
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("limits." + name + " must be positive, was " + d);
    }
  }
}
