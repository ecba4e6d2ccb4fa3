package io.sluice.core.internal.codec.chat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.sluice.core.event.Failed;
import io.sluice.core.internal.codec.Retries;
import io.sluice.core.internal.json.JsonChecks;
import io.sluice.core.internal.json.JsonFields;
import java.io.IOException;

/**
 * OpenAI-style errors, in a stream or in a body: {@code {"error":{"message","type","param","code"}}},
 * and Mistral's flat {@code {"object":"error","message","type","param","code"}} whose message may
 * itself be an object (pydantic {@code detail[]}).
 */
final class ChatErrors {
  private ChatErrors() {}

  /** The provider's words: type, code (string, number or empty) and message. */
  record Info(String type, String code, String message) {}

  /** Reads the value of an {@code error} field: an object, or (some servers) a bare string. */
  static Info readError(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return new Info("", "", p.getText());
    }
    if (t != JsonToken.START_OBJECT) {
      String text = t.isScalarValue() ? p.getText() : JsonChecks.copyToString(p);
      return new Info("", "", text);
    }
    String type = "";
    String code = "";
    String message = "";
    while (JsonFields.next(p)) {
      switch (p.currentName()) {
        case "type" -> type = JsonFields.text(p, "");
        case "code" -> code = readCode(p);
        case "message" -> message = readMessage(p);
        default -> p.skipChildren();
      }
    }
    return new Info(type, code, message);
  }

  /** A {@code code}: string, number (compatible servers send HTTP statuses) or null. */
  static String readCode(JsonParser p) throws IOException {
    JsonToken v = p.currentToken();
    if (v == JsonToken.VALUE_STRING || v.isNumeric() || v.isBoolean()) {
      return p.getText();
    }
    p.skipChildren();
    return "";
  }

  /** A {@code message}: a string, or an object kept as its JSON text (Mistral 422 details). */
  static String readMessage(JsonParser p) throws IOException {
    JsonToken v = p.currentToken();
    if (v == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (v == JsonToken.VALUE_NULL) {
      return "";
    }
    return v.isScalarValue() ? p.getText() : JsonChecks.copyToString(p);
  }

  /** An in-stream error (the HTTP status was 200): status and retryability follow the type. */
  static Failed inStream(Info info) {
    int status = numericStatus(info.code());
    if (status == 0) {
      status = statusOfType(info.type());
    }
    return new Failed(typeOrDefault(info), info.code(), messageOrDefault(info), status,
        retryable(info, status));
  }

  /** An error body that came with {@code httpStatus}. */
  static Failed ofBody(int httpStatus, Info info) {
    int status = httpStatus >= 400 ? httpStatus : statusOfType(info.type());
    return new Failed(typeOrDefault(info), info.code(), messageOrDefault(info), status,
        retryable(info, status));
  }

  private static String typeOrDefault(Info info) {
    return info.type().isEmpty() ? "api_error" : info.type();
  }

  private static String messageOrDefault(Info info) {
    return info.message().isEmpty() ? "the provider reported an error without a message"
        : info.message();
  }

  private static boolean retryable(Info info, int status) {
    // A 429 for an exhausted quota will not heal by retrying (docs/wire-formats.md §e).
    if (Retries.quotaExhausted(info.type(), info.code())) {
      return false;
    }
    return status > 0 ? Retries.retryableStatus(status) : retryableType(info.type());
  }

  private static boolean retryableType(String type) {
    switch (type) {
      case "server_error":
      case "api_error":
      case "internal_error":
      case "overloaded_error":
      case "overloaded":
      case "service_unavailable":
      case "timeout":
      case "timeout_error":
      case Failed.TRUNCATED:
        return true;
      default:
        return false;
    }
  }

  /** The HTTP status an in-stream error type corresponds to, or 0. */
  private static int statusOfType(String type) {
    switch (type) {
      case "server_error":
      case "api_error":
      case "internal_error":
        return 500;
      case "overloaded_error":
        return 529;
      case "overloaded":
      case "service_unavailable":
        return 503;
      case "rate_limit_error":
      case "rate_limit_exceeded":
        return 429;
      default:
        return 0;
    }
  }

  /** A numeric code in the HTTP range is the status (vercel keeps such codes as the status). */
  private static int numericStatus(String code) {
    if (code.length() != 3) {
      return 0;
    }
    for (int i = 0; i < 3; i++) {
      if (code.charAt(i) < '0' || code.charAt(i) > '9') {
        return 0;
      }
    }
    int status = Integer.parseInt(code);
    return status >= 400 && status <= 599 ? status : 0;
  }
}
