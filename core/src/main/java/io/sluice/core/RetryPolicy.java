package io.sluice.core;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * When and after how long to retry a request that failed before its first event. The client and
 * the gateway share these rules, so they live here rather than in either of them.
 *
 * <p>Retryable: connect failures and the statuses 408, 409, 429, 500, 502, 503, 504 and
 * Anthropic's 529; an {@code x-should-retry: true|false} header overrides the status either way.
 * The delay is {@code retry-after-ms} if present, else {@code Retry-After} in seconds or as an HTTP
 * date (a date in the past means now), capped by {@link #maxRetryAfter()}; otherwise exponential
 * backoff from {@link #initialBackoff()} doubling to at most {@link #maxBackoff()}, less up to a
 * quarter of jitter. Immutable and thread-safe.
 */
public final class RetryPolicy {

  /** Retries by default. */
  public static final int DEFAULT_MAX_RETRIES = 2;
  /** The longest Retry-After honoured by default. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofSeconds(60);
  /** The first backoff by default. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  /** The longest backoff by default. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(8);

  private static final Set<Integer> RETRYABLE = Set.of(408, 409, 429, 500, 502, 503, 504, 529);
  private static final RetryPolicy DEFAULTS = new RetryPolicy(DEFAULT_MAX_RETRIES,
      DEFAULT_MAX_RETRY_AFTER, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);
  private static final RetryPolicy NONE = new RetryPolicy(0,
      DEFAULT_MAX_RETRY_AFTER, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF);

  private final int maxRetries;
  private final Duration maxRetryAfter;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  private RetryPolicy(int maxRetries, Duration maxRetryAfter, Duration initialBackoff,
      Duration maxBackoff) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, was " + maxRetries);
    }
    this.maxRetries = maxRetries;
    this.maxRetryAfter = requirePositive(maxRetryAfter, "maxRetryAfter");
    this.initialBackoff = requirePositive(initialBackoff, "initialBackoff");
    this.maxBackoff = requirePositive(maxBackoff, "maxBackoff");
  }

  /** Two retries, Retry-After capped at 60 s, backoff 0.5 s doubling to 8 s. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** Never retry. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * This policy with another retry count.
   *
   * @param value the count, 0 for none
   * @return the copy
   */
  public RetryPolicy withMaxRetries(int value) {
    return new RetryPolicy(value, maxRetryAfter, initialBackoff, maxBackoff);
  }

  /**
   * This policy with another Retry-After cap.
   *
   * @param value the cap
   * @return the copy
   */
  public RetryPolicy withMaxRetryAfter(Duration value) {
    return new RetryPolicy(maxRetries, value, initialBackoff, maxBackoff);
  }

  /**
   * This policy with other backoffs.
   *
   * @param initial the first backoff
   * @param max the longest backoff
   * @return the copy
   */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxRetries, maxRetryAfter, initial, max);
  }

  /**
   * How many times a failed call is sent again.
   *
   * @return the count
   */
  public int maxRetries() {
    return maxRetries;
  }

  /**
   * The longest Retry-After honoured; a longer one fails the call at once.
   *
   * @return the duration
   */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * The first backoff, doubled on each retry.
   *
   * @return the backoff
   */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /**
   * The longest backoff.
   *
   * @return the backoff
   */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /**
   * Whether an answer with this status may be retried.
   *
   * @param headers looks up a response header by lower-case name
   */
  public boolean retryable(int status, Function<String, Optional<String>> headers) {
    Optional<String> override = headers.apply("x-should-retry");
    if (override.isPresent()) {
      String value = override.get().trim().toLowerCase(Locale.ROOT);
      if (value.equals("true")) {
        return true;
      }
      if (value.equals("false")) {
        return false;
      }
    }
    return RETRYABLE.contains(status);
  }

  /**
   * How long to wait before retry number {@code retry} (0 for the first retry).
   *
   * @param headers the failed answer's headers by lower-case name; none for a connect failure
   * @param clock tells "now" for an HTTP-date Retry-After
   * @param random a value in [0, 1) for the jitter
   */
  public Duration delay(int retry, Function<String, Optional<String>> headers, Clock clock,
      DoubleSupplier random) {
    Optional<Duration> told = retryAfter(headers, clock);
    if (told.isPresent()) {
      Duration d = told.get();
      return d.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : d;
    }
    double base = initialBackoff.toNanos() * Math.pow(2, Math.min(retry, 30));
    double capped = Math.min(base, maxBackoff.toNanos());
    double jittered = capped * (1 - 0.25 * random.getAsDouble());
    return Duration.ofNanos((long) jittered);
  }

  /** What the server asked for, from {@code retry-after-ms} or {@code Retry-After}. */
  public static Optional<Duration> retryAfter(Function<String, Optional<String>> headers,
      Clock clock) {
    Optional<String> ms = headers.apply("retry-after-ms");
    if (ms.isPresent()) {
      try {
        double value = Double.parseDouble(ms.get().trim());
        if (value >= 0 && Double.isFinite(value)) {
          return Optional.of(Duration.ofNanos((long) (value * 1_000_000)));
        }
      } catch (NumberFormatException e) {
        // An unreadable retry-after-ms falls through to Retry-After, then to backoff.
      }
    }
    Optional<String> after = headers.apply("retry-after");
    if (after.isEmpty()) {
      return Optional.empty();
    }
    String value = after.get().trim();
    try {
      double seconds = Double.parseDouble(value);
      if (seconds >= 0 && Double.isFinite(seconds)) {
        return Optional.of(Duration.ofNanos((long) (seconds * 1_000_000_000)));
      }
      return Optional.empty();
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration until = Duration.between(clock.instant(), when.toInstant());
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  private static Duration requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxRetries=" + maxRetries + ", maxRetryAfter=" + maxRetryAfter
        + ", backoff=" + initialBackoff + ".." + maxBackoff + "]";
  }
}
