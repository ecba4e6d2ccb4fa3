package io.sluice.core.internal.codec.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import io.sluice.core.event.Failed;
import io.sluice.core.internal.codec.Retries;
import io.sluice.core.internal.json.JsonFields;
import java.io.IOException;

/**
 * Anthropic's error types and the HTTP statuses they stand for (docs.claude.com "Errors";
 * docs/wire-formats.md §c). An in-stream {@code event: error} arrives after HTTP 200, so its
 * status is recovered from the type.
 */
final class AnthropicErrors {
  private AnthropicErrors() {}

  /** An error object's {@code type} and {@code message}; each null when absent or not a scalar. */
  record Wire(String type, String message) {}

  /**
   * Reads the {@code error} object of an error event or body, the parser on its value; any value
   * but an object reads as an error without type or message.
   */
  static Wire read(JsonParser p) throws IOException {
    String type = null;
    String message = null;
    if (JsonFields.isObject(p)) {
      while (JsonFields.next(p)) {
        switch (p.currentName()) {
          case "type" -> type = JsonFields.text(p, null);
          case "message" -> message = JsonFields.text(p, null);
          default -> p.skipChildren();
        }
      }
    }
    return new Wire(type, message);
  }

  /** The HTTP status an error type corresponds to, or 0 when the type is not Anthropic's. */
  static int statusOf(String type) {
    switch (type) {
      case "invalid_request_error":
        return 400;
      case "authentication_error":
        return 401;
      case "billing_error":
        return 402;
      case "permission_error":
        return 403;
      case "not_found_error":
        return 404;
      case "request_too_large":
        return 413;
      case "rate_limit_error":
        return 429;
      case "api_error":
        return 500;
      case "timeout_error":
        return 504;
      case "overloaded_error":
        return 529;
      default:
        return 0;
    }
  }

  /** The error type Anthropic uses for a status; {@code api_error} for an unknown one. */
  static String typeOf(int status) {
    switch (status) {
      case 400:
        return "invalid_request_error";
      case 401:
        return "authentication_error";
      case 402:
        return "billing_error";
      case 403:
        return "permission_error";
      case 404:
        return "not_found_error";
      case 413:
        return "request_too_large";
      case 429:
        return "rate_limit_error";
      case 504:
        return "timeout_error";
      case 529:
        return "overloaded_error";
      default:
        return "api_error";
    }
  }

  /** The failure for an error of {@code type}; a {@code status} of 0 is taken from the type. */
  static Failed failure(String type, String message, int status) {
    int mapped = status != 0 ? status : statusOf(type);
    return new Failed(type, "", message, mapped, Retries.retryableStatus(mapped));
  }
}
