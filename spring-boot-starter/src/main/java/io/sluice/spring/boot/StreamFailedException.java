package io.sluice.spring.boot;

import io.sluice.core.SluiceException;
import io.sluice.core.event.Failed;

/** A stream that had started failed: the error signal of {@link SluiceFlux#text}. */
public final class StreamFailedException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /** The failure; not serialised with the exception. */
  private final transient Failed failed;

  /**
   * Creates the exception.
   *
   * @param failed the stream's terminal failure
   */
  public StreamFailedException(Failed failed) {
    super("the stream failed (" + failed.type() + "): " + failed.message());
    this.failed = failed;
  }

  /**
   * The stream's terminal failure.
   *
   * @return the failure event
   */
  public Failed failed() {
    return failed;
  }
}
