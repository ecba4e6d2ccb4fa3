package io.sluice.core.sse;

/**
 * One dispatched Server-Sent Event.
 *
 * @param name the value of the block's last {@code event} field, or empty when it had none
 * @param data the data lines joined with LF, without the trailing LF (WHATWG HTML §9.2.6)
 * @param lastEventId the stream's last-event-ID string at dispatch; it persists across events
 */
public record SseEvent(String name, String data, String lastEventId) {

  /** Checks that no component is null. */
  public SseEvent {
    if (name == null || data == null || lastEventId == null) {
      throw new NullPointerException("SseEvent components must not be null");
    }
  }

  /** A data-only event, as OpenAI Chat Completions sends them. */
  public static SseEvent of(String data) {
    return new SseEvent("", data, "");
  }

  /** A named event without an id. */
  public static SseEvent of(String name, String data) {
    return new SseEvent(name, data, "");
  }

  /** The event type as a browser reports it: the name, or {@code message} when there is none. */
  public String type() {
    return name.isEmpty() ? "message" : name;
  }
}
