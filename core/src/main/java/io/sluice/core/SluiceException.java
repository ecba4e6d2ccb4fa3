package io.sluice.core;

/**
 * The root of sluice's unchecked exceptions. Messages are safe to show a client: they never carry
 * an API key or a bearer token.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SluiceException(String message) {
    super(message);
  }

  public SluiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
