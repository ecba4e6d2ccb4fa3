package io.sluice.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The provider answered with an error: a non-2xx status, or a 2xx whose body is not an event
 * stream (a JSON error, a proxy's HTML page). Carries what the provider said about it.
 */
public final class ApiException extends ClientException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status. */
  private final int status;
  /** The provider's error type, or empty. */
  private final String type;
  /** The provider's error code, or empty. */
  private final String code;
  /** The provider's own message. */
  private final String providerMessage;
  /** The provider's request id, or empty. */
  private final String requestId;
  /** The provider's Retry-After, or null. */
  private final Duration retryAfter;

  /**
   * @param type the provider's error type, or empty
   * @param code the provider's error code, or empty
   * @param providerMessage the provider's message
   * @param requestId the request id header, or empty
   * @param retryAfter what the server asked to wait, when it said
   */
  public ApiException(int status, String type, String code, String providerMessage,
      String requestId, Optional<Duration> retryAfter, boolean retryable) {
    super(format(status, type, code, providerMessage, requestId), retryable);
    this.status = status;
    this.type = Objects.requireNonNull(type, "type");
    this.code = Objects.requireNonNull(code, "code");
    this.providerMessage = Objects.requireNonNull(providerMessage, "providerMessage");
    this.requestId = Objects.requireNonNull(requestId, "requestId");
    this.retryAfter = retryAfter.orElse(null);
  }

  private static String format(int status, String type, String code, String message,
      String requestId) {
    StringBuilder sb = new StringBuilder("HTTP ").append(status);
    if (!type.isEmpty()) {
      sb.append(' ').append(type);
    }
    if (!code.isEmpty() && !code.equals(type)) {
      sb.append(" (").append(code).append(')');
    }
    sb.append(": ").append(message);
    if (!requestId.isEmpty()) {
      sb.append(" [request id ").append(requestId).append(']');
    }
    return sb.toString();
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The provider's error type ({@code rate_limit_error}, {@code invalid_request_error}, …). */
  public String type() {
    return type;
  }

  /**
   * The provider's error code.
   *
   * @return the code, or empty
   */
  public String code() {
    return code;
  }

  /** The provider's own message. */
  public String providerMessage() {
    return providerMessage;
  }

  /** The provider's request id ({@code x-request-id} or {@code request-id} header). */
  public Optional<String> requestId() {
    return requestId.isEmpty() ? Optional.empty() : Optional.of(requestId);
  }

  /** What the server asked to wait before retrying ({@code retry-after-ms}, {@code Retry-After}). */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
