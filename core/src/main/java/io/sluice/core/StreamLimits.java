package io.sluice.core;

/**
 * The limits that keep a stream's memory bounded, in one place with documented defaults.
 *
 * <p>Every error raised for a limit names the value it saw, the limit, and the setting below that
 * changes it, so that an operator can act on the message alone.
 *
 * <pre>{@code
 * StreamLimits limits = StreamLimits.builder().maxEventBytes(32 << 20).build();
 * }</pre>
 *
 * @param maxEventBytes the most bytes buffered for one SSE event: the data of its lines plus any
 *     unfinished line. Default {@value #DEFAULT_MAX_EVENT_BYTES} (8 MiB), because tool-call arguments
 *     of several megabytes do occur.
 * @param maxErrorBodyBytes the most bytes of an error answer (a non-2xx, or a 2xx that is no
 *     event stream) that the client reads to tell its caller what went wrong; the rest is not read.
 *     Default {@value #DEFAULT_MAX_ERROR_BODY_BYTES} (64 KiB), enough for any provider's JSON
 *     error. An error body cut by it is no longer JSON: the caller then sees its first bytes.
 */
public record StreamLimits(int maxEventBytes, int maxErrorBodyBytes) {

  /** 8 MiB. */
  public static final int DEFAULT_MAX_EVENT_BYTES = 8 * 1024 * 1024;

  /** 64 KiB. */
  public static final int DEFAULT_MAX_ERROR_BODY_BYTES = 64 * 1024;

  private static final StreamLimits DEFAULTS =
      new StreamLimits(DEFAULT_MAX_EVENT_BYTES, DEFAULT_MAX_ERROR_BODY_BYTES);

  /** Checks that every limit is positive, naming the setting that is not. */
  public StreamLimits {
    positive("maxEventBytes", maxEventBytes);
    positive("maxErrorBodyBytes", maxErrorBodyBytes);
  }

  /**
   * Limits with this event size limit and the default for the others.
   *
   * @param maxEventBytes the largest event, in bytes
   */
  public StreamLimits(int maxEventBytes) {
    this(maxEventBytes, DEFAULT_MAX_ERROR_BODY_BYTES);
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
   * Starts from the defaults.
   *
   * @return a builder holding the defaults
   */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /**
   * Starts from these limits.
   *
   * @return a builder holding these limits
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * These limits with another event size limit.
   *
   * @param maxEventBytes the largest event, in bytes
   * @return the copy
   */
  public StreamLimits withMaxEventBytes(int maxEventBytes) {
    return new StreamLimits(maxEventBytes, maxErrorBodyBytes);
  }

  /**
   * These limits with another error body limit.
   *
   * @param maxErrorBodyBytes the most bytes read of an error answer
   * @return the copy
   */
  public StreamLimits withMaxErrorBodyBytes(int maxErrorBodyBytes) {
    return new StreamLimits(maxEventBytes, maxErrorBodyBytes);
  }

  private static void positive(String setting, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(
          "StreamLimits." + setting + " must be positive, was " + value);
    }
  }

  /** Sets limits one by one; {@link #build()} checks them. */
  public static final class Builder {
    private int maxEventBytes;
    private int maxErrorBodyBytes;

    private Builder(StreamLimits from) {
      this.maxEventBytes = from.maxEventBytes;
      this.maxErrorBodyBytes = from.maxErrorBodyBytes;
    }

    /**
     * Sets {@link StreamLimits#maxEventBytes()}.
     *
     * @param value the largest event, in bytes
     * @return this builder
     */
    public Builder maxEventBytes(int value) {
      this.maxEventBytes = value;
      return this;
    }

    /**
     * Sets {@link StreamLimits#maxErrorBodyBytes()}.
     *
     * @param value the most bytes read of an error answer
     * @return this builder
     */
    public Builder maxErrorBodyBytes(int value) {
      this.maxErrorBodyBytes = value;
      return this;
    }

    /**
     * The limits.
     *
     * @return the limits
     * @throws IllegalArgumentException when a limit is not positive, naming it
     */
    public StreamLimits build() {
      return new StreamLimits(maxEventBytes, maxErrorBodyBytes);
    }
  }
}
