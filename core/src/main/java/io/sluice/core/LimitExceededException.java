package io.sluice.core;

/** A configured limit was exceeded. The message names the size seen, the limit and the setting. */
public final class LimitExceededException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /** The size seen when the limit was crossed. */
  private final long size;
  /** The limit. */
  private final long limit;
  /** The setting that changes the limit. */
  private final String setting;

  /**
   * Creates the exception.
   *
   * @param what what grew too large, such as {@code an SSE event}
   * @param size the size seen
   * @param limit the limit
   * @param setting the setting that changes the limit
   */
  public LimitExceededException(String what, long size, long limit, String setting) {
    super(what + " of at least " + size + " bytes exceeds the limit of " + limit
        + " bytes (raise it with " + setting + ")");
    this.size = size;
    this.limit = limit;
    this.setting = setting;
  }

  /** The size seen when the limit was crossed; the whole input may be larger. */
  public long size() {
    return size;
  }

  /**
   * The limit that was exceeded.
   *
   * @return the limit, in bytes
   */
  public long limit() {
    return limit;
  }

  /** The setting that changes the limit, for example {@code StreamLimits.maxEventBytes}. */
  public String setting() {
    return setting;
  }
}
