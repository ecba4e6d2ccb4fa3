package io.sluice.gateway.internal.telemetry;

/**
 * What one request's end tells the meters and its span: everything is measured by the exchange
 * before it calls {@link GatewayMetrics#finished}, so the meters only record.
 *
 * @param door the front door's path ({@code /v1/chat/completions})
 * @param key the gateway key's id, or empty on an open gateway
 * @param target the last target's label ({@code openai-chat https://api.openai.com/v1}), or empty
 *     when no attempt was made
 * @param provider the last target's {@code gen_ai.provider.name}, or empty
 * @param requestModel the model the client asked for
 * @param responseModel the model the upstream said it used, or empty
 * @param errorType the {@code error.type}, or empty when the request succeeded
 * @param durationNanos from arrival to the end
 * @param firstTokenNanos from arrival to the first token, or -1 without one
 * @param upstreamFirstTokenNanos from the last attempt's send to its first token, or -1
 * @param outputSpanNanos from the first token to the end of the output, or -1
 */
public record Finished(String door, String key, String target, String provider,
    String requestModel, String responseModel, int status, String errorType, boolean stream,
    long durationNanos, long firstTokenNanos, long upstreamFirstTokenNanos, long outputSpanNanos,
    long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
    long reasoningTokens, long bytesToClient, long bytesFromUpstream) {}
