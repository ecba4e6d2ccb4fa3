package io.sluice.core.internal.codec.responses;

import io.sluice.core.event.Failed;
import io.sluice.core.internal.codec.Retries;

/**
 * Turns a Responses error (an {@code error} event, {@code response.error}, an error body) into a
 * {@link Failed}. An in-stream error has no HTTP status, so the status is inferred from the error
 * type or code where OpenAI documents one (docs/wire-formats.md §e): quota and rate limits are 429,
 * server errors 500.
 */
final class ResponsesErrors {
  private ResponsesErrors() {}

  /**
   * The failure for an error; {@code type} falls back to the code, then to {@code fallbackType}.
   * A known {@code status} (an error body's HTTP status, a WebSocket error's {@code status}) wins
   * over the inferred one.
   */
  static Failed of(ResponsesJson.Error e, int status, String fallbackType) {
    String type = !e.type().isEmpty() ? e.type() : !e.code().isEmpty() ? e.code() : fallbackType;
    int http = status > 0 ? status : inferStatus(type, e.code());
    String message = e.message().isEmpty() ? "the provider reported an error" : e.message();
    return new Failed(type, e.code(), message, http, retryable(http, type, e.code()));
  }

  /** OpenAI's retry rule (408, 409, 429, 5xx; Anthropic's 529 too), except exhausted quota. */
  static boolean retryable(int status, String type, String code) {
    if (Retries.quotaExhausted(type, code)) {
      return false; // a 429 that no retry can fix (docs/wire-formats.md §e)
    }
    return Retries.retryableStatus(status);
  }

  /** The HTTP status an error type or code stands for, or 0 when unknown. */
  static int inferStatus(String type, String code) {
    int byCode = statusOf(code);
    return byCode != 0 ? byCode : statusOf(type);
  }

  private static int statusOf(String word) {
    return switch (word) {
      case "rate_limit_exceeded", "rate_limit_error", "insufficient_quota", "tokens", "requests",
          "slow_down" -> 429;
      case "server_error", "api_error", "internal_error" -> 500;
      case "server_is_overloaded", "overloaded_error" -> 503;
      case "invalid_request_error", "invalid_prompt", "context_length_exceeded",
          "unsupported_parameter" -> 400;
      case "authentication_error", "invalid_api_key" -> 401;
      case "permission_error" -> 403;
      case "not_found_error", "model_not_found", "previous_response_not_found" -> 404;
      case "timeout_error" -> 504;
      default -> 0;
    };
  }
}
