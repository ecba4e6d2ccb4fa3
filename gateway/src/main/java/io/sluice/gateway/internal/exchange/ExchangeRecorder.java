package io.sluice.gateway.internal.exchange;

import io.sluice.gateway.internal.accounting.Accounting;
import io.sluice.gateway.internal.accounting.UsageEntry;
import io.sluice.gateway.internal.routing.TargetPool;
import io.sluice.gateway.internal.server.FrontDoor;
import io.sluice.gateway.internal.server.GatewayState;
import io.sluice.gateway.internal.server.RequestBody;
import io.sluice.gateway.internal.telemetry.Finished;
import io.sluice.gateway.internal.telemetry.GatewayMetrics;
import io.sluice.gateway.internal.telemetry.RequestSpan;
import io.sluice.gateway.internal.upstream.UpstreamAttempt;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;

/**
 * What one {@link Exchange} leaves behind: its SERVER span and its attempts' spans, the meters
 * (open streams, attempts, bytes moved, the request's summary) and its usage-log entry. It records
 * what the exchange tells it and decides nothing: no branch of the exchange reads it. The exchange
 * calls {@link #finished} once, after its books are settled, so that the meters and the log show
 * what was booked (an estimate replaces a usage the upstream did not send). Lives on the
 * exchange's event loop, like the exchange.
 */
final class ExchangeRecorder {
  private final GatewayState gw;
  private final FrontDoor door;
  private final RequestBody.Scan scan;
  private final String keyId;
  private final long startNanos;
  private final long startMillis;
  /** The request's SERVER span; {@link RequestSpan#NONE} with tracing off. */
  private final RequestSpan span;
  /** The current attempt's target and key labels, which never show a credential. */
  private String upstreamLabel = "";
  private String upstreamKey = "";
  private String provider = "";
  private long bytesToClient;
  private long bytesFromUpstream;

  ExchangeRecorder(GatewayState gw, HttpServerRequest request, FrontDoor door,
      RequestBody.Scan scan, String keyId, long startNanos, long startMillis) {
    this.gw = gw;
    this.door = door;
    this.scan = scan;
    this.keyId = keyId;
    this.startNanos = startNanos;
    this.startMillis = startMillis;
    this.span = gw.tracing.request(request::getHeader, "chat", scan.model(), door.path);
  }

  /** A streaming request began: it counts among the open streams until {@link #streamClosed}. */
  void streamOpened() {
    gw.metrics.streamStarted(door.path);
    gw.dashboard.recorder().streamOpened(door.path, scan.model());
  }

  void streamClosed() {
    gw.metrics.streamEnded(door.path);
    gw.dashboard.recorder().streamClosed(door.path, scan.model());
  }

  /** An attempt begins on {@code lease}: the CLIENT span for it, a child of the request's. */
  RequestSpan.AttemptSpan attemptStarted(TargetPool.Lease lease) {
    // A query string or a user:password may carry a credential: the label never shows them.
    upstreamLabel = lease.pool().label();
    upstreamKey = lease.keyLabel();
    provider = GatewayMetrics.provider(lease.pool().target());
    return span.attempt(provider, upstreamLabel, scan.model(), lease.pool().target().baseUrl());
  }

  /** The current attempt got a 2xx answer. */
  void attemptAnswered() {
    gw.metrics.attempt(upstreamLabel, "ok");
  }

  /** {@code from} failed before its first body byte; its span ends here. */
  void attemptFailed(UpstreamAttempt from, UpstreamAttempt.Failure failure) {
    gw.metrics.upstreamError(failure.kind());
    gw.metrics.attempt(upstreamLabel, failure.kind());
    from.span().end(from.status(), failure.kind());
  }

  void sentToClient(int bytes) {
    bytesToClient += bytes;
  }

  void readFromUpstream(int bytes) {
    bytesFromUpstream += bytes;
  }

  /**
   * The exchange ended with {@code status} at {@code endNanos}, its books settled as
   * {@code booking}: its request meter, its summary ({@link Finished}) for the meters and the
   * dashboard, its spans and its usage-log entry. {@code attempt} is the last attempt, if any;
   * {@code body} the request's, recorded only with content capture on.
   */
  void finished(int status, String errorClass, long endNanos, Accounting accounting,
      UpstreamAttempt attempt, byte[] body, Books.Booking booking) {
    gw.metrics.request(door.path, status);
    var u = accounting.usage;
    long first = accounting.firstTokenNanos();
    Finished f = new Finished(door.path, keyId, upstreamLabel, provider, scan.model(),
        accounting.responseModel, status, errorClass, scan.stream(),
        endNanos - startNanos, first < 0 ? -1 : first - startNanos,
        attempt == null ? -1 : attempt.firstTokenAfterNanos(),
        first < 0 ? -1 : accounting.lastTokenNanos() - first,
        u.inputTokens(), accounting.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(),
        u.reasoningTokens(), bytesToClient, bytesFromUpstream);
    gw.metrics.finished(f);
    if (attempt != null) {
      attempt.span().end(attempt.status(), errorClass);
    }
    span.end(f, accounting.finishReason, gw.tracing.captureContent()
        ? new String(body, StandardCharsets.UTF_8) : "", accounting.text());
    gw.usageLog.write(new UsageEntry(startMillis, keyId, door.path, upstreamLabel, scan.model(),
        status, accounting.firstTokenMillis(), (endNanos - startNanos) / 1_000_000,
        u.inputTokens(), u.outputTokens(), u.cacheReadTokens(), u.cacheWriteTokens(),
        u.reasoningTokens(), accounting.finishReason, errorClass, upstreamKey, accounting.text(),
        booking.cost(), booking.source()));
  }
}
