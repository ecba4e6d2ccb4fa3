package io.sluice.client;

import java.time.Duration;
import java.util.Objects;

/** A timeout of {@link ClientTimeouts} fired before the stream started. */
public final class StreamTimeoutException extends ClientException {
  private static final long serialVersionUID = 1L;

  /** Which timeout fired; each names its setting in {@link ClientTimeouts}. */
  public enum Timeout {
    /** Opening the connection. */
    CONNECT("connect"),
    /** Waiting for the response headers. */
    RESPONSE_HEADERS("responseHeaders"),
    /** Waiting for the first model event. */
    FIRST_EVENT("firstEvent"),
    /** Silence in a started stream. */
    IDLE("idle"),
    /** The whole call. */
    TOTAL("total");

    private final String setting;

    Timeout(String setting) {
      this.setting = setting;
    }

    /** The {@link ClientTimeouts} component that sets it. */
    public String setting() {
      return setting;
    }

    /** A message naming the timeout, its value and its setting. */
    public String describe(Duration limit) {
      String what;
      switch (this) {
        case CONNECT:
          what = "no connection within ";
          break;
        case RESPONSE_HEADERS:
          what = "no response headers within ";
          break;
        case FIRST_EVENT:
          what = "no model event within ";
          break;
        case IDLE:
          what = "the stream was silent for ";
          break;
        default:
          what = "the call took longer than ";
          break;
      }
      return setting + " timeout: " + what + format(limit) + " (ClientTimeouts." + setting + ")";
    }

    private static String format(Duration d) {
      long ms = d.toMillis();
      return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
  }

  /** Which timeout fired. */
  private final Timeout timeout;
  /** The timeout's configured value. */
  private final Duration limit;

  /**
   * Creates the exception.
   *
   * @param timeout which timeout fired
   * @param limit its configured value
   */
  public StreamTimeoutException(Timeout timeout, Duration limit) {
    super(timeout.describe(limit), timeout == Timeout.CONNECT);
    this.timeout = Objects.requireNonNull(timeout);
    this.limit = Objects.requireNonNull(limit);
  }

  /**
   * Which timeout fired.
   *
   * @return the timeout
   */
  public Timeout timeout() {
    return timeout;
  }

  /**
   * The timeout's configured value.
   *
   * @return the limit
   */
  public Duration limit() {
    return limit;
  }
}
