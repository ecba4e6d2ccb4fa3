package io.sluice.gateway.internal.ledger;

import io.sluice.gateway.GatewayException;

/** A ledger operation refused for a reason the caller can show: an HTTP status and a message. */
public final class LedgerException extends GatewayException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public LedgerException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
