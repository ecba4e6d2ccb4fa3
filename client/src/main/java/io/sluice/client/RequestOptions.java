package io.sluice.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import io.sluice.core.RetryPolicy;

/**
 * Settings of one call, merged over the client's: {@code client.stream(request, options)}. What is
 * not set here comes from the client. Headers win over the client's headers and defaults of the
 * same name (case-insensitive); each timeout set here replaces the client's; a retry policy
 * replaces the client's; an idempotency key goes out as {@code Idempotency-Key} on every attempt,
 * retries included, so that a server that honours it answers a retried request once.
 *
 * <p>The connect timeout belongs to the client's connection pool and cannot be set per call.
 * Immutable; {@link #toString()} never shows header values or the key.
 */
public final class RequestOptions {
  /** The header that carries {@link Builder#idempotencyKey}. */
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  /** Headers the JDK HttpClient sets itself and refuses from callers. */
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  private static final RequestOptions NONE = builder().build();

  private final Map<String, String> headers;
  private final Duration responseHeaders;
  private final Duration firstEvent;
  private final Duration idle;
  private final Duration total;
  private final RetryPolicy retryPolicy;
  private final String idempotencyKey;

  private RequestOptions(Builder b) {
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.responseHeaders = b.responseHeaders;
    this.firstEvent = b.firstEvent;
    this.idle = b.idle;
    this.total = b.total;
    this.retryPolicy = b.retryPolicy;
    this.idempotencyKey = b.idempotencyKey;
  }

  /** Nothing set: the client's settings apply. */
  public static RequestOptions none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The call's own headers, in the order set; {@code Idempotency-Key} is not among them. */
  public Map<String, String> headers() {
    return headers;
  }

  public Optional<RetryPolicy> retryPolicy() {
    return Optional.ofNullable(retryPolicy);
  }

  public Optional<String> idempotencyKey() {
    return Optional.ofNullable(idempotencyKey);
  }

  /** The client's timeouts with this call's over them. */
  public ClientTimeouts timeouts(ClientTimeouts client) {
    ClientTimeouts t = client;
    if (responseHeaders != null) {
      t = t.withResponseHeaders(responseHeaders);
    }
    if (firstEvent != null) {
      t = t.withFirstEvent(firstEvent);
    }
    if (idle != null) {
      t = t.withIdle(idle);
    }
    if (total != null) {
      t = t.withTotal(total);
    }
    return t;
  }

  @Override
  public String toString() {
    // Header values may hold tokens: names only.
    return "RequestOptions[headers=" + headers.keySet()
        + (responseHeaders != null ? ", responseHeaders=" + responseHeaders : "")
        + (firstEvent != null ? ", firstEvent=" + firstEvent : "")
        + (idle != null ? ", idle=" + idle : "")
        + (total != null ? ", total=" + total : "")
        + (retryPolicy != null ? ", " + retryPolicy : "")
        + (idempotencyKey != null ? ", idempotencyKey=***" : "") + "]";
  }

  /** Collects a call's options; every setter takes a value, never null. */
  public static final class Builder {
    private final Map<String, String> headers = new LinkedHashMap<>();
    private Duration responseHeaders;
    private Duration firstEvent;
    private Duration idle;
    private Duration total;
    private RetryPolicy retryPolicy;
    private String idempotencyKey;

    private Builder() {}

    /**
     * A header for this call; it wins over a client header or default of the same name.
     *
     * @throws IllegalArgumentException for a name the HTTP client sets itself ({@code host},
     *     {@code content-length}, …) or one that is not a header name
     */
    public Builder header(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String lower = name.trim().toLowerCase(Locale.ROOT);
      if (lower.isEmpty() || !lower.chars().allMatch(Builder::tokenChar)) {
        throw new IllegalArgumentException("not a header name: '" + name + "'");
      }
      if (RESTRICTED.contains(lower)) {
        throw new IllegalArgumentException("the header '" + name + "' is set by the HTTP client "
            + "and cannot be set per request");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("the value of header '" + name
            + "' must not contain a line break");
      }
      headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
      headers.put(name.trim(), value);
      return this;
    }

    /** Replaces {@link ClientTimeouts#responseHeaders()} for this call. */
    public Builder responseHeadersTimeout(Duration value) {
      this.responseHeaders = positive(value, "responseHeadersTimeout");
      return this;
    }

    /** Replaces {@link ClientTimeouts#firstEvent()} for this call. */
    public Builder firstEventTimeout(Duration value) {
      this.firstEvent = positive(value, "firstEventTimeout");
      return this;
    }

    /** Replaces {@link ClientTimeouts#idle()} for this call. */
    public Builder idleTimeout(Duration value) {
      this.idle = positive(value, "idleTimeout");
      return this;
    }

    /** Replaces {@link ClientTimeouts#total()} for this call; {@link Duration#ZERO} for none. */
    public Builder totalTimeout(Duration value) {
      Objects.requireNonNull(value, "totalTimeout");
      if (value.isNegative()) {
        throw new IllegalArgumentException("totalTimeout must not be negative, was " + value);
      }
      this.total = value;
      return this;
    }

    /** Replaces the client's {@link RetryPolicy} for this call. */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
      return this;
    }

    /** Sent as {@code Idempotency-Key} on every attempt of the call. */
    public Builder idempotencyKey(String value) {
      Objects.requireNonNull(value, "idempotencyKey");
      if (value.isBlank() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("the idempotency key must be one non-blank line");
      }
      this.idempotencyKey = value;
      return this;
    }

    public RequestOptions build() {
      return new RequestOptions(this);
    }

    private static boolean tokenChar(int c) {
      // RFC 9110 §5.6.2 token characters
      return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
