package io.sluice.core.codec;

import io.sluice.core.SluiceException;

/** A body could not be decoded or encoded; the message is safe to show a client. */
public final class CodecException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be coded, safe to show a client
   */
  public CodecException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what could not be coded, safe to show a client
   * @param cause the parser's exception
   */
  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
