package io.sluice.gateway.internal.exchange;

import io.sluice.core.event.Failed;
import io.sluice.core.message.FinalMessage;
import io.sluice.gateway.internal.upstream.UpstreamAttempt;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A 2xx non-streaming answer: read whole (bounded by twice {@code limits.max-body-bytes}), then
 * forwarded as it is on a pass-through or decoded and re-encoded in the client's format.
 */
final class BodyRelay {
  private final Exchange ex;
  private final UpstreamAttempt attempt;
  private final HttpClientResponse upstream;
  private final Buffer body = Buffer.buffer();
  private final long max;
  private boolean over;

  public BodyRelay(Exchange ex, UpstreamAttempt attempt, HttpClientResponse upstream) {
    this.ex = ex;
    this.attempt = attempt;
    this.upstream = upstream;
    this.max = 2L * ex.gw.limits.maxBodyBytes();
  }

  public void start() {
    upstream.handler(b -> {
      attempt.firstToken();
      ex.readFromUpstream(b.length());
      if (body.length() + b.length() > max && !over) {
        over = true;
        ex.cancelUpstream();
        attempt.end();
        ex.fail(new Failed(Failed.LIMIT, "", "the upstream's answer is larger than " + max
            + " bytes (twice limits.max-body-bytes)", 502, false), Failed.LIMIT);
        return;
      }
      body.appendBuffer(b);
    });
    upstream.exceptionHandler(attempt::transportFailed);
    upstream.endHandler(v -> onEnd());
  }

  private void onEnd() {
    if (over || ex.done()) {
      return;
    }
    byte[] bytes = body.getBytes();
    if (!UpstreamAttempt.looksLikeJson(bytes)) {
      // Typed as JSON, or not typed at all (the attempt checked the type): what came is no JSON
      // object, so it is no answer, whatever a client's parser would make of it.
      attempt.wrongAnswer(upstream, UpstreamAttempt.NOT_JSON,
          UpstreamAttempt.expected("a JSON body", upstream) + " and a body that is no JSON",
          new byte[0]);
      return;
    }
    attempt.end();
    FinalMessage message = null;
    String errorClass = "";
    try {
      message = attempt.codec().decodeResponse(bytes);
      ex.accounting.accept(message);
      ex.responseMade(message.id());
    } catch (RuntimeException e) {
      errorClass = "unreadable_response";
    }
    ex.response.setStatusCode(upstream.statusCode());
    if (attempt.passThrough()) {
      ex.passHeaders(upstream.headers(), true);
      String type = upstream.getHeader("content-type");
      ex.response.headers().set("Content-Type", type == null ? "application/json" : type);
      ex.end(upstream.statusCode(), errorClass, Buffer.buffer(bytes));
    } else if (message == null) {
      ex.fail(new Failed(Failed.MALFORMED, "", "the upstream's answer could not be read", 502,
          false), Failed.MALFORMED);
      return;
    } else {
      ex.passHeaders(upstream.headers(), false);
      ex.response.headers().set("Content-Type", "application/json");
      byte[] encoded = ex.door.codec().encodeResponse(message);
      ex.end(upstream.statusCode(), errorClass, Buffer.buffer(encoded));
    }
  }
}
