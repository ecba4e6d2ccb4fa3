package io.sluice.client;

import io.sluice.core.event.Failed;
import io.sluice.core.message.FinalMessage;

/**
 * A stream ended with a {@link Failed} event where the caller asked for a whole answer
 * ({@link EventStream#text()}, {@link EventStream#finishOrThrow()}): what arrived before the
 * failure is in {@link #partial()}, never returned as if it were the answer.
 */
public final class StreamFailedException extends ClientException {
  private static final long serialVersionUID = 1L;

  private final transient Failed failed;
  private final transient FinalMessage partial;

  public StreamFailedException(Failed failed, FinalMessage partial) {
    super("the stream failed: " + failed.type() + ": " + failed.message(), failed.retryable());
    this.failed = failed;
    this.partial = partial;
  }

  /** The event that ended the stream. */
  public Failed failed() {
    return failed;
  }

  /** The message as far as it came, with {@link #failed()} as its outcome. */
  public FinalMessage partial() {
    return partial;
  }
}
