package io.sluice.core;

/**
 * The root of sluice's unchecked exceptions. Messages are safe to show a client: they never carry
 * an API key or a bearer token.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, safe to show
   */
  public SluiceException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, safe to show
   * @param cause the underlying failure
   */
  public SluiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
