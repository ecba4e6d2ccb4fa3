package io.sluice.core.event;

/**
 * The response's metadata, as soon as the provider names it.
 *
 * @param id the provider's response id ({@code chatcmpl-…}, {@code resp_…}, {@code msg_…}), or empty
 * @param model the model that answers, or empty
 * @param created creation time in epoch seconds, or 0 when not given
 * @param requestId the provider's request id from the HTTP headers where the transport knows it,
 *     or empty
 */
public record ResponseStarted(String id, String model, long created, String requestId)
    implements StreamEvent {

  /** Checks that no component is null. */
  public ResponseStarted {
    Checks.notNull(id, model, requestId);
  }
}
