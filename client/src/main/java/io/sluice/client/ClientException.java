package io.sluice.client;

import io.sluice.core.SluiceException;

/**
 * A call failed before its stream started: the root of the client's exceptions. Once a stream has
 * started, a failure is a {@code Failed} event instead, which only the methods that promise a whole
 * answer turn into a {@link StreamFailedException}. Messages never carry an API key.
 */
public class ClientException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /** Whether sending the same request again could succeed. */
  private final boolean retryable;

  /**
   * Creates the exception.
   *
   * @param message what failed; never holds a key
   * @param retryable whether sending the same request again could succeed
   */
  public ClientException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  /**
   * Creates the exception.
   *
   * @param message what failed; never holds a key
   * @param retryable whether sending the same request again could succeed
   * @param cause the underlying failure
   */
  public ClientException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether sending the same request again could succeed. */
  public boolean retryable() {
    return retryable;
  }
}
