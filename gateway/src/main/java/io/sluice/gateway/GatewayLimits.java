package io.sluice.gateway;

import java.time.Duration;
import java.util.Objects;

/**
 * The gateway's limits, with documented defaults (docs/gateway.md, "Where each limit sits").
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
 */
public record GatewayLimits(
    int maxBodyBytes, int maxHeaderBytes, int concurrencyPerKey, int queueSize,
    Duration heartbeat, Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
    int streamBufferBytes, int maxAttempts, Duration totalTimeout) {

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
  }

  /** The limits without a total timeout, as before {@code limits.total-timeout} existed. */
  public GatewayLimits(
      int maxBodyBytes, int maxHeaderBytes, int concurrencyPerKey, int queueSize,
      Duration heartbeat, Duration connectTimeout, Duration firstTokenTimeout, Duration idleTimeout,
      int streamBufferBytes, int maxAttempts) {
    this(maxBodyBytes, maxHeaderBytes, concurrencyPerKey, queueSize, heartbeat, connectTimeout,
        firstTokenTimeout, idleTimeout, streamBufferBytes, maxAttempts, DEFAULT_TOTAL_TIMEOUT);
  }

  public static GatewayLimits defaults() {
    return new GatewayLimits(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES,
        DEFAULT_CONCURRENCY_PER_KEY, DEFAULT_QUEUE_SIZE, DEFAULT_HEARTBEAT,
        DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
        DEFAULT_STREAM_BUFFER_BYTES, DEFAULT_MAX_ATTEMPTS, DEFAULT_TOTAL_TIMEOUT);
  }

  public GatewayLimits withMaxBodyBytes(int v) {
    return new GatewayLimits(v, maxHeaderBytes, concurrencyPerKey, queueSize, heartbeat,
        connectTimeout, firstTokenTimeout, idleTimeout, streamBufferBytes, maxAttempts,
        totalTimeout);
  }

  public GatewayLimits withConcurrency(int perKey, int queue) {
    return new GatewayLimits(maxBodyBytes, maxHeaderBytes, perKey, queue, heartbeat,
        connectTimeout, firstTokenTimeout, idleTimeout, streamBufferBytes, maxAttempts,
        totalTimeout);
  }

  public GatewayLimits withHeartbeat(Duration v) {
    return new GatewayLimits(maxBodyBytes, maxHeaderBytes, concurrencyPerKey, queueSize, v,
        connectTimeout, firstTokenTimeout, idleTimeout, streamBufferBytes, maxAttempts,
        totalTimeout);
  }

  public GatewayLimits withTimeouts(Duration firstToken, Duration idle) {
    return new GatewayLimits(maxBodyBytes, maxHeaderBytes, concurrencyPerKey, queueSize,
        heartbeat, connectTimeout, firstToken, idle, streamBufferBytes, maxAttempts, totalTimeout);
  }

  public GatewayLimits withStreamBufferBytes(int v) {
    return new GatewayLimits(maxBodyBytes, maxHeaderBytes, concurrencyPerKey, queueSize,
        heartbeat, connectTimeout, firstTokenTimeout, idleTimeout, v, maxAttempts, totalTimeout);
  }

  /** {@link Duration#ZERO} for none. */
  public GatewayLimits withTotalTimeout(Duration v) {
    return new GatewayLimits(maxBodyBytes, maxHeaderBytes, concurrencyPerKey, queueSize,
        heartbeat, connectTimeout, firstTokenTimeout, idleTimeout, streamBufferBytes, maxAttempts,
        v);
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException("limits." + name + " must be positive, was " + v);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("limits." + name + " must be positive, was " + d);
    }
  }
}
