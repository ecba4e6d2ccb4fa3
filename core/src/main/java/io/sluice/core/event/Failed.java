package io.sluice.core.event;

/**
 * The stream failed. It is the last event; whatever content arrived before it stands.
 *
 * @param type the provider's error type ({@code overloaded_error}, {@code server_error}, …) or one of
 *     sluice's own: {@value #TRUNCATED}, {@value #MALFORMED}, {@value #LIMIT}, {@value #TRANSPORT},
 *     {@value #TIMEOUT}, {@value #CANCELLED}
 * @param code the provider's error code, or empty
 * @param message a message safe to show a client
 * @param httpStatus the HTTP status the error corresponds to, or 0 when unknown
 * @param retryable whether sending the same request again could succeed
 */
public record Failed(String type, String code, String message, int httpStatus, boolean retryable)
    implements StreamEvent.Terminal {

  /** The input ended without the format's terminal marker. */
  public static final String TRUNCATED = "stream_truncated";
  /** An event could not be parsed; the message holds a bounded excerpt. */
  public static final String MALFORMED = "malformed_event";
  /** An event exceeded a configured limit. */
  public static final String LIMIT = "limit_exceeded";
  /** The connection failed. */
  public static final String TRANSPORT = "transport_error";
  /** A timeout fired; the message names which. */
  public static final String TIMEOUT = "timeout";
  /** The caller cancelled the stream. */
  public static final String CANCELLED = "cancelled";

  /** Checks that no component is null. */
  public Failed {
    Checks.notNull(type, code, message);
  }
}
