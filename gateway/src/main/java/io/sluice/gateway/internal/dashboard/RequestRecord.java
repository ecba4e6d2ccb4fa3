package io.sluice.gateway.internal.dashboard;

/**
 * One finished request as the dashboard shows it: the fields of its usage entry, no API key (the
 * client key's id, the upstream key's position) and output text only when the usage log is
 * configured to keep content.
 */
public record RequestRecord(
    long timeMillis, long endMillis, String keyId, String door, String model, String upstream,
    String upstreamKey, int status, long firstTokenMillis, long durationMillis, long tokensIn,
    long tokensOut, long cacheReadTokens, long cacheWriteTokens, long reasoningTokens,
    String finishReason, String errorClass, String outputText) {

  /** An answer the client did not get whole: an error status or an error class. */
  public boolean failed() {
    return status >= 400 || !errorClass.isEmpty();
  }
}
