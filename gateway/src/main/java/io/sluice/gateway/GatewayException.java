package io.sluice.gateway;

import io.sluice.core.SluiceException;

/** The gateway could not start or its configuration is invalid; the message never holds a secret. */
public class GatewayException extends SluiceException {
  private static final long serialVersionUID = 1L;

  public GatewayException(String message) {
    super(message);
  }

  public GatewayException(String message, Throwable cause) {
    super(message, cause);
  }
}
