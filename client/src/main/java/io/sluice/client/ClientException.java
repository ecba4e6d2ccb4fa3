package io.sluice.client;

import io.sluice.core.SluiceException;

/**
 * A call failed before its stream started: the root of the client's exceptions. Once a stream has
 * started, a failure is a {@code Failed} event instead, which only the methods that promise a whole
 * answer turn into a {@link StreamFailedException}. Messages never carry an API key.
 */
public class ClientException extends SluiceException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  public ClientException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public ClientException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether sending the same request again could succeed. */
  public boolean retryable() {
    return retryable;
  }
}
