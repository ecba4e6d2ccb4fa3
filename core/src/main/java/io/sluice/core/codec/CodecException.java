package io.sluice.core.codec;

import io.sluice.core.SluiceException;

/** A body could not be decoded or encoded; the message is safe to show a client. */
public final class CodecException extends SluiceException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
