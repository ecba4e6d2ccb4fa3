package io.sluice.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The client's timeouts, each separate. A timeout that fires before the response headers arrive
 * throws {@link StreamTimeoutException}; once the stream has started it ends the stream with
 * {@code Failed(type="timeout")} naming the timeout, and closes the connection.
 *
 * @param connect opening the TCP (and TLS) connection. Default {@value #DEFAULT_CONNECT_SECONDS} s.
 * @param responseHeaders from sending the request to its response headers. Default
 *     {@value #DEFAULT_RESPONSE_HEADERS_SECONDS} s: a non-streaming answer sends its headers only
 *     once the whole answer is ready.
 * @param firstEvent from sending the request to the first model event (time to first token).
 *     Default {@value #DEFAULT_FIRST_EVENT_SECONDS} s, since reasoning models may think for minutes.
 * @param idle the longest silence while the client waits for bytes of a started stream. Any byte
 *     counts, comments and pings included; a slow reader that has not asked for more is never
 *     idle. Default {@value #DEFAULT_IDLE_SECONDS} s.
 * @param total the whole call, retries included, or {@link Duration#ZERO} for none (the default),
 *     so that a long healthy stream is never cut.
 */
public record ClientTimeouts(
    Duration connect, Duration responseHeaders, Duration firstEvent, Duration idle,
    Duration total) {

  /** The default connect timeout, in seconds. */
  public static final long DEFAULT_CONNECT_SECONDS = 10;
  /** The default response-headers timeout, in seconds. */
  public static final long DEFAULT_RESPONSE_HEADERS_SECONDS = 600;
  /** The default first-event timeout, in seconds. */
  public static final long DEFAULT_FIRST_EVENT_SECONDS = 600;
  /** The default idle timeout, in seconds. */
  public static final long DEFAULT_IDLE_SECONDS = 120;

  private static final ClientTimeouts DEFAULTS = new ClientTimeouts(
      Duration.ofSeconds(DEFAULT_CONNECT_SECONDS),
      Duration.ofSeconds(DEFAULT_RESPONSE_HEADERS_SECONDS),
      Duration.ofSeconds(DEFAULT_FIRST_EVENT_SECONDS), Duration.ofSeconds(DEFAULT_IDLE_SECONDS),
      Duration.ZERO);

  /** Checks that each timeout is positive (the total: not negative). */
  public ClientTimeouts {
    positive(connect, "connect");
    positive(responseHeaders, "responseHeaders");
    positive(firstEvent, "firstEvent");
    positive(idle, "idle");
    Objects.requireNonNull(total, "total");
    if (total.isNegative()) {
      throw new IllegalArgumentException("total must not be negative, was " + total);
    }
  }

  /**
   * The documented defaults.
   *
   * @return the defaults
   */
  public static ClientTimeouts defaults() {
    return DEFAULTS;
  }

  /**
   * These timeouts with another connect timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public ClientTimeouts withConnect(Duration value) {
    return new ClientTimeouts(value, responseHeaders, firstEvent, idle, total);
  }

  /**
   * These timeouts with another response-headers timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public ClientTimeouts withResponseHeaders(Duration value) {
    return new ClientTimeouts(connect, value, firstEvent, idle, total);
  }

  /**
   * These timeouts with another first-event timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public ClientTimeouts withFirstEvent(Duration value) {
    return new ClientTimeouts(connect, responseHeaders, value, idle, total);
  }

  /**
   * These timeouts with another idle timeout.
   *
   * @param value the timeout
   * @return the copy
   */
  public ClientTimeouts withIdle(Duration value) {
    return new ClientTimeouts(connect, responseHeaders, firstEvent, value, total);
  }

  /** A limit on the whole call; {@link Duration#ZERO} removes it. */
  public ClientTimeouts withTotal(Duration value) {
    return new ClientTimeouts(connect, responseHeaders, firstEvent, idle, value);
  }

  /** The total limit, when one is set. */
  public Optional<Duration> totalLimit() {
    return total.isZero() ? Optional.empty() : Optional.of(total);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }
}
