package io.sluice.client.internal;

import io.sluice.client.ApiException;
import io.sluice.client.ClientException;
import io.sluice.client.StreamTimeoutException;
import io.sluice.client.TransportException;
import io.sluice.core.RetryPolicy;
import io.sluice.core.event.Failed;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns error answers and I/O failures into the client's exceptions; the WebSocket transport
 * describes its failures with the same words.
 */
public final class Failures {
  private Failures() {}

  /** An error answer: a non-2xx status, or a 2xx that is not an event stream. */
  static ApiException answer(Endpoint endpoint, RetryPolicy policy, Clock clock, int status,
      HttpHeaders headers, byte[] body, boolean expectedStream) {
    Failed decoded;
    try {
      decoded = endpoint.codec.decodeError(status, body);
    } catch (RuntimeException e) {
      // A codec must not throw here; if one does, the body still reaches the caller.
      String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
      decoded = new Failed("", "", text.isEmpty() ? "HTTP " + status : text, status, false);
    }
    String message = decoded.message();
    if (status / 100 == 2) {
      String type = headers.firstValue("content-type").orElse("no content type");
      message = (expectedStream ? "expected text/event-stream but the answer is " : "the answer is ")
          + type + ": " + message;
    }
    var lookup = Endpoint.lookup(headers);
    return new ApiException(status, decoded.type(), decoded.code(), endpoint.redact(message),
        Endpoint.requestId(headers), RetryPolicy.retryAfter(lookup, clock),
        policy.retryable(status, lookup));
  }

  /** A failure of the exchange before any answer arrived. */
  static ClientException io(Endpoint endpoint, Throwable failure,
      io.sluice.client.ClientTimeouts timeouts) {
    Throwable cause = unwrap(failure);
    if (cause instanceof HttpConnectTimeoutException) {
      return new StreamTimeoutException(StreamTimeoutException.Timeout.CONNECT, timeouts.connect());
    }
    if (cause instanceof HttpTimeoutException) {
      return new StreamTimeoutException(StreamTimeoutException.Timeout.RESPONSE_HEADERS,
          timeouts.responseHeaders());
    }
    if (cause instanceof IOException) {
      return new TransportException("cannot reach " + endpoint.uri.getHost() + ":"
          + port(endpoint.uri) + ": " + describe(cause), cause);
    }
    return new ClientException("the request failed: " + describe(cause), false, cause);
  }

  /** The failure inside the wrappers a future adds. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The exception's class and message, which for I/O failures never hold a header value. */
  public static String describe(Throwable t) {
    String message = t.getMessage();
    String name = t.getClass().getSimpleName();
    return message == null || message.isBlank() ? name : name + ": " + message;
  }

  /** The port a failure names: the URI's own, else its scheme's (https and wss: 443). */
  public static int port(java.net.URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    String scheme = uri.getScheme();
    return scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("wss") ? 443 : 80;
  }
}
