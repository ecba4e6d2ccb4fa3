package io.sluice.core;

/** A configured limit was exceeded. The message names the size seen, the limit and the setting. */
public final class LimitExceededException extends SluiceException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;
  private final String setting;

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

  public long limit() {
    return limit;
  }

  /** The setting that changes the limit, for example {@code StreamLimits.maxEventBytes}. */
  public String setting() {
    return setting;
  }
}
