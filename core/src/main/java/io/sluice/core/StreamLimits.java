package io.sluice.core;

/**
 * The limits that keep a stream's memory bounded, in one place with documented defaults.
 *
 * <p>Every error raised for a limit names the value it saw, the limit, and the setting below that
 * changes it, so that an operator can act on the message alone.
 *
 * @param maxEventBytes the most bytes buffered for one SSE event: the data of its lines plus any
 *     unfinished line. Default {@value #DEFAULT_MAX_EVENT_BYTES} (8 MiB), because tool-call arguments
 *     of several megabytes do occur.
 */
public record StreamLimits(int maxEventBytes) {

  /** 8 MiB. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

  private static final StreamLimits DEFAULTS = new StreamLimits(DEFAULT_MAX_EVENT_BYTES);

  /** Checks that every limit is positive. */
  public StreamLimits {
    if (maxEventBytes < 1) {
      throw new IllegalArgumentException("maxEventBytes must be positive, was " + maxEventBytes);
    }
  }

  /**
   * The documented defaults.
   *
   * @return the defaults
   */
  public static StreamLimits defaults() {
    return DEFAULTS;
  }

  /**
   * These limits with another event size limit.
   *
   * @param maxEventBytes the largest event, in bytes
   * @return the copy
   */
  public StreamLimits withMaxEventBytes(int maxEventBytes) {
    return new StreamLimits(maxEventBytes);
  }
}
