package io.sluice.gateway.internal;

/**
 * One request's books, written as one JSON line. It holds no API key (only the client key's id
 * and the upstream key's position) and holds text only when the usage log is configured to.
 */
record UsageEntry(
    long timeMillis, String clientKeyId, String route, String upstream, String model,
    int status, long firstTokenMillis, long durationMillis, long tokensIn, long tokensOut,
    long cacheReadTokens, long cacheWriteTokens, long reasoningTokens, String finishReason,
    String errorClass, String upstreamKey, String outputText) {

  /** The one line per request for the gateway's log. */
  String logLine() {
    return String.format(java.util.Locale.ROOT,
        "%s %s %d model=%s upstream=%s key=%s ttft=%dms duration=%dms in=%d out=%d finish=%s%s",
        route, clientKeyId.isEmpty() ? "-" : clientKeyId, status, model,
        upstream.isEmpty() ? "-" : upstream, upstreamKey.isEmpty() ? "-" : upstreamKey,
        firstTokenMillis, durationMillis, tokensIn, tokensOut,
        finishReason.isEmpty() ? "-" : finishReason,
        errorClass.isEmpty() ? "" : " error=" + errorClass);
  }
}
