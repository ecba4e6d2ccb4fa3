package io.sluice.client;

/** The connection could not be opened or broke before the response headers arrived. */
public final class TransportException extends ClientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the I/O failure
   */
  public TransportException(String message, Throwable cause) {
    super(message, true, cause);
  }
}
