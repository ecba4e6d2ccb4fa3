package io.sluice.jackson;

import io.sluice.core.SluiceException;

/** JSON from a model did not read as the Java type asked for. */
public final class TypedJsonException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what did not read, and why
   * @param cause the parser's exception, or null
   */
  public TypedJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
