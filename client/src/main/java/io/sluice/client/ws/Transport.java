package io.sluice.client.ws;

import java.util.Locale;

/** How a turn of an OpenAI Responses conversation reaches the provider. */
public enum Transport {
  /** {@code POST /v1/responses} with an SSE answer, as {@link io.sluice.client.SluiceClient} does. */
  SSE,
  /**
   * The session's WebSocket ({@code wss://…/v1/responses}). A failure to connect or to send is
   * the caller's error; nothing falls back.
   */
  WEBSOCKET,
  /**
   * The WebSocket, and HTTP SSE for the turn when the socket cannot be opened, the request cannot
   * be sent, or the socket closes before the turn delivered its first event. The default.
   */
  AUTO;

  /** {@code sse}, {@code websocket} or {@code auto}, in any case. */
  public static Transport of(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Transport t : values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(wanted)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown transport '" + name + "' (use sse, websocket or auto)");
  }
}
