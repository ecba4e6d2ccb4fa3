package io.sluice.mock.internal;

import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;

/** The failures the simulated provider reports, each as the real provider words it. */
final class MockFailures {
  private MockFailures() {}

  /** The format's in-stream error: what a provider sends after HTTP 200 when it fails. */
  static Failed inStream(WireFormat format) {
    switch (format) {
      case ANTHROPIC_MESSAGES:
        return new Failed("overloaded_error", "", "Overloaded", 529, true);
      case OPENAI_RESPONSES:
        return new Failed("server_error", "server_error",
            "The server had an error while processing your request (simulated).", 500, true);
      default:
        return new Failed("server_error", "",
            "The server had an error while processing your request (simulated).", 500, true);
    }
  }

  /** An error response with this status, typed as the format's provider types it. */
  static Failed status(WireFormat format, int status) {
    boolean anthropic = format == WireFormat.ANTHROPIC_MESSAGES;
    String type;
    String code = "";
    switch (status) {
      case 400:
        type = "invalid_request_error";
        break;
      case 401:
        type = anthropic ? "authentication_error" : "invalid_request_error";
        code = anthropic ? "" : "invalid_api_key";
        break;
      case 403:
        type = "permission_error";
        break;
      case 404:
        type = anthropic ? "not_found_error" : "invalid_request_error";
        code = anthropic ? "" : "model_not_found";
        break;
      case 408:
      case 504:
        type = anthropic ? "timeout_error" : "timeout";
        break;
      case 413:
        type = "request_too_large";
        break;
      case 429:
        type = anthropic ? "rate_limit_error" : "requests";
        code = anthropic ? "" : "rate_limit_exceeded";
        break;
      case 529:
        type = "overloaded_error";
        break;
      default:
        type = status >= 500 ? (anthropic ? "api_error" : "server_error")
            : "invalid_request_error";
    }
    boolean retryable = status == 408 || status == 409 || status == 429 || status >= 500;
    return new Failed(type, code, "Simulated HTTP " + status + " from sluice mock", status,
        retryable);
  }

  /** A bad request, with a message safe to show. */
  static Failed badRequest(String message) {
    return new Failed("invalid_request_error", "", message, 400, false);
  }
}
