package io.sluice.client.ws;

import io.sluice.client.ClientException;

/**
 * A turn was started on a session whose previous turn is still in flight: a connection carries one
 * response at a time, so the second turn is rejected rather than queued. Finish or close the first
 * turn's stream, then start the next.
 */
public final class SessionBusyException extends ClientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param sessionId the busy session
   */
  public SessionBusyException(String sessionId) {
    super("session '" + sessionId + "' has a turn in flight: one response at a time per "
        + "connection; finish or close its stream first", false);
  }
}
