package io.sluice.gateway.internal.accounting;

import io.sluice.gateway.internal.telemetry.LogText;

/**
 * One request's books, written as one JSON line. It holds no API key (only the client key's id
 * and the upstream key's position) and holds text only when the usage log is configured to.
 */
public record UsageEntry(
    long timeMillis, String clientKeyId, String route, String upstream, String model,
    int status, long firstTokenMillis, long durationMillis, long tokensIn, long tokensOut,
    long cacheReadTokens, long cacheWriteTokens, long reasoningTokens, String finishReason,
    String errorClass, String upstreamKey, String outputText, String costUsd,
    String usageSource) {

  /** An entry without a price or a key to book to: its cost is unknown. */
  public UsageEntry(long timeMillis, String clientKeyId, String route, String upstream,
      String model, int status, long firstTokenMillis, long durationMillis, long tokensIn,
      long tokensOut, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens,
      String finishReason, String errorClass, String upstreamKey, String outputText) {
    this(timeMillis, clientKeyId, route, upstream, model, status, firstTokenMillis,
        durationMillis, tokensIn, tokensOut, cacheReadTokens, cacheWriteTokens, reasoningTokens,
        finishReason, errorClass, upstreamKey, outputText, "", "upstream");
  }

  /**
   * The one line per request for the gateway's log. Every text field goes through
   * {@link LogText#value}: a model name is the client's choice and may hold a newline.
   */
  String logLine() {
    // Built by hand: String.format parsed the pattern anew for every request. Sized for a
    // typical line with a model and an upstream, which outgrew 160 and was copied to grow.
    StringBuilder b = new StringBuilder(256).append(orDash(route)).append(' ')
        .append(orDash(clientKeyId)).append(' ').append(status)
        .append(" model=").append(orDash(model))
        .append(" upstream=").append(orDash(upstream))
        .append(" key=").append(orDash(upstreamKey))
        .append(" ttft=").append(firstTokenMillis).append("ms")
        .append(" duration=").append(durationMillis).append("ms")
        .append(" in=").append(tokensIn)
        .append(" out=").append(tokensOut)
        .append(" finish=").append(orDash(finishReason));
    if (!errorClass.isEmpty()) {
      b.append(" error=").append(orDash(errorClass));
    }
    return b.toString();
  }

  private static String orDash(String s) {
    return LogText.value(s);
  }
}
