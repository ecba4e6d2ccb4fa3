package io.sluice.gateway.internal;

import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.message.ChatRequest;
import io.sluice.gateway.GatewayConfig.Target;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One call to one upstream with one key: builds the body (the client's bytes on a pass-through, a
 * re-encoded request on a translation), sends it, and on the answer's head either hands the body
 * to a relay or reports a failure to the {@link Exchange}, which decides about a retry.
 */
final class UpstreamAttempt {
  /** Error bodies are read up to this size; the rest is not needed to tell the client. */
  private static final int MAX_ERROR_BODY = 1024 * 1024;
  /** The log's and the metrics' name for a 2xx streaming answer that is no event stream. */
  static final String NOT_EVENT_STREAM = "not_event_stream";

  private final Exchange ex;
  private final TargetPool.Lease lease;
  private final Target target;
  final WireCodec upstreamCodec;
  final boolean passThrough;
  private long firstByteTimer = -1;
  /** The stream relay once a 2xx streaming answer began; a late first token ends it. */
  StreamRelay relay;
  private boolean over;

  UpstreamAttempt(Exchange ex, TargetPool.Lease lease) {
    this.ex = ex;
    this.lease = lease;
    this.target = lease.pool().target();
    WireFormat format = formatOf(target, ex.door);
    this.upstreamCodec = format == WireFormat.OPENAI_CHAT
        ? WireCodec.openAiChat(target.dialect()) : WireCodec.of(format);
    this.passThrough = format == ex.door.format;
  }

  static WireFormat formatOf(Target target, FrontDoor door) {
    switch (target.kind()) {
      case OPENAI_CHAT: return WireFormat.OPENAI_CHAT;
      case OPENAI_RESPONSES: return WireFormat.OPENAI_RESPONSES;
      case ANTHROPIC: return WireFormat.ANTHROPIC_MESSAGES;
      case SAME_AS_CLIENT:
      default: return door.format;
    }
  }

  /** Whether the gateway asks a Chat upstream for usage the client did not ask for. */
  boolean stripsUsage() {
    return addsUsage() && !ex.scan.includeUsage();
  }

  private boolean addsUsage() {
    return upstreamCodec.format() == WireFormat.OPENAI_CHAT && ex.scan.stream()
        && target.dialect().acceptsStreamOptions();
  }

  void send() {
    byte[] payload;
    try {
      payload = passThrough
          ? RequestBody.rewrite(ex.body, ex.scan, target.rename(),
              addsUsage() && !ex.scan.includeUsage())
          : translatedBody();
    } catch (CodecException e) {
      ex.attemptFailed("bad_request", false, 0,
          () -> ex.fail(ClientErrors.failure(400, e.getMessage()), "bad_request"));
      return;
    } catch (UnsupportedOperationException e) {
      String message = "translating " + ex.door.path + " to a " + target.kind().configName()
          + " upstream is not supported";
      ex.attemptFailed("unsupported", false, 0,
          () -> ex.fail(ClientErrors.failure(501, message), "unsupported"));
      return;
    }
    FrontDoor upstreamDoor = FrontDoor.of(upstreamCodec.format());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap())
        .setAbsoluteURI(stripSlash(target.baseUrl()) + upstreamDoor.upstreamSuffix());
    Headers.copyRequest(ex.request.headers(), options.getHeaders());
    options.getHeaders().set("Content-Type", "application/json");
    options.getHeaders().set("Accept-Encoding", "identity");
    if (!lease.apiKey().isEmpty()) {
      if (upstreamCodec.format() == WireFormat.ANTHROPIC_MESSAGES) {
        options.getHeaders().set("x-api-key", lease.apiKey());
      } else if (upstreamCodec.format() == WireFormat.OPENAI_CHAT
          && target.dialect() == io.sluice.core.codec.ChatDialect.AZURE) {
        options.getHeaders().set("api-key", lease.apiKey()); // Azure OpenAI's key header
      } else {
        options.getHeaders().set("Authorization", "Bearer " + lease.apiKey());
      }
    }
    if (upstreamCodec.format() == WireFormat.ANTHROPIC_MESSAGES
        && !options.getHeaders().contains("anthropic-version")) {
      options.getHeaders().set("anthropic-version", "2023-06-01");
    }
    firstByteTimer = ex.gw.vertx.setTimer(ex.gw.limits.firstTokenTimeout().toMillis(),
        id -> firstByteTimeout());
    ex.gw.request(target.http2(), options).onComplete(ar -> {
      if (ar.failed()) {
        transportFailed(ar.cause());
        return;
      }
      HttpClientRequest req = ar.result();
      ex.upstreamRequest = req;
      if (ex.upstreamCancelled || over) {
        req.reset(Exchange.CANCEL);
        return;
      }
      req.send(Buffer.buffer(payload)).onComplete(r -> {
        if (r.failed()) {
          transportFailed(r.cause());
        } else {
          try {
            onHead(r.result());
          } catch (RuntimeException e) {
            ex.crashed(e);
          }
        }
      });
    });
  }

  private byte[] translatedBody() {
    ChatRequest decoded = ex.door.codec().decodeRequest(ex.body);
    if (!target.rename().isEmpty()) {
      decoded = decoded.withModel(target.rename());
    }
    return upstreamCodec.encodeRequest(decoded.withStream(ex.scan.stream()));
  }

  private void onHead(HttpClientResponse head) {
    if (over || ex.phase == Exchange.Phase.DONE) {
      return;
    }
    int status = head.statusCode();
    if (status >= 200 && status < 300) {
      if (ex.scan.stream() && !isEventStream(head.getHeader("content-type"))) {
        readNotAnEventStream(head);
      } else if (ex.scan.stream()) {
        new StreamRelay(ex, this, head).start();
      } else {
        new BodyRelay(ex, this, head).start();
      }
      return;
    }
    Buffer error = Buffer.buffer();
    head.handler(b -> {
      if (error.length() < MAX_ERROR_BODY) {
        error.appendBuffer(b);
      }
    });
    head.exceptionHandler(this::transportFailed);
    head.endHandler(v -> upstreamError(head, error.getBytes()));
  }

  private void upstreamError(HttpClientResponse head, byte[] errorBody) {
    if (over) {
      return;
    }
    over = true;
    cancelFirstByteTimer();
    int status = head.statusCode();
    java.util.function.Function<String, Optional<String>> headers =
        n -> Optional.ofNullable(head.getHeader(n));
    boolean retryable = ex.gw.retry.retryable(status, headers);
    long cool = 0;
    if (status == 429) {
      Duration after = RetryPolicy429.coolDown(headers);
      cool = after.toNanos();
    }
    ex.attemptFailed("http_" + status, retryable, cool,
        () -> tellClient(status, errorBody, head));
  }

  /**
   * Whether a 2xx answer to a streaming request is an event stream: {@code text/event-stream},
   * parameters such as {@code charset=utf-8} allowed. An answer without a Content-Type is taken as
   * one, since some OpenAI-compatible servers send none; if it is not, the stream ends truncated.
   */
  static boolean isEventStream(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    int semicolon = contentType.indexOf(';');
    String media = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return media.trim().equalsIgnoreCase("text/event-stream");
  }

  /** A 2xx that is no event stream (a proxy's login page, an error in a 200): read it, bounded. */
  private void readNotAnEventStream(HttpClientResponse head) {
    Buffer body = Buffer.buffer();
    head.handler(b -> {
      if (body.length() < MAX_ERROR_BODY) {
        body.appendBuffer(b);
      }
    });
    head.exceptionHandler(this::transportFailed);
    head.endHandler(v -> notAnEventStream(head, body.getBytes()));
  }

  /**
   * Nothing went to the client yet, so it gets a 502 in its format naming the upstream's status
   * and content type (as the client module's ApiException does); a JSON body is decoded as the
   * upstream's error, so an error sent with a 200 is passed on as that error, key masked. The
   * upstream failed, so the next target may serve: retryable, before the first byte only.
   */
  private void notAnEventStream(HttpClientResponse head, byte[] body) {
    if (over) {
      return;
    }
    over = true;
    cancelFirstByteTimer();
    int status = head.statusCode();
    String type = head.getHeader("content-type");
    String answer = "expected text/event-stream but the upstream answered HTTP " + status + " "
        + (type == null ? "with no content type"
            : StreamDecoder.excerpt(type));
    Failed failure = new Failed(ClientErrors.typeFor(502), "", answer, 502, true);
    if (looksLikeJson(body)) {
      try {
        Failed decoded = mask(upstreamCodec.decodeError(status, body));
        failure = new Failed(decoded.type(), decoded.code(), answer + ": " + decoded.message(),
            502, true);
      } catch (RuntimeException e) {
        // the status and the content type alone still say what happened
      }
    }
    Failed told = failure;
    ex.attemptFailed(NOT_EVENT_STREAM, true, 0, () -> ex.fail(told, NOT_EVENT_STREAM));
  }

  /** The upstream key this attempt sends; empty when the target has none. */
  String apiKey() {
    return lease.apiKey();
  }

  /** The upstream's own words with this attempt's key masked: some repeat the key they refused. */
  String mask(String text) {
    return lease.apiKey().isEmpty() ? text : text.replace(lease.apiKey(), "***");
  }

  Failed mask(Failed failure) {
    String message = mask(failure.message());
    return message.equals(failure.message()) ? failure : new Failed(failure.type(),
        failure.code(), message, failure.httpStatus(), failure.retryable());
  }

  /** A non-2xx answer in the client's format, with the upstream's status. */
  private void tellClient(int status, byte[] unmasked, HttpClientResponse head) {
    String text = new String(unmasked, java.nio.charset.StandardCharsets.UTF_8);
    String masked = mask(text);
    // Re-encoded only when the key was there, so that any other body passes on byte for byte.
    byte[] errorBody = masked.equals(text) ? unmasked
        : masked.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (passThrough && !ex.committed && looksLikeJson(errorBody)) {
      ex.status = status;
      ex.response.setStatusCode(status);
      ex.response.headers().set("Content-Type", "application/json");
      String retryAfter = head.getHeader("retry-after");
      if (retryAfter != null) {
        ex.response.headers().set("Retry-After", retryAfter);
      }
      ex.finish();
      ex.response.end(Buffer.buffer(errorBody));
      return;
    }
    Failed failure;
    try {
      failure = upstreamCodec.decodeError(status, errorBody);
    } catch (RuntimeException e) {
      failure = ClientErrors.failure(status, "upstream answered HTTP " + status);
    }
    failure = mask(failure);
    if (failure.httpStatus() != status) {
      failure = new Failed(failure.type(), failure.code(), failure.message(), status,
          failure.retryable());
    }
    ex.fail(failure, ex.errorClass);
  }

  void transportFailed(Throwable cause) {
    if (over || ex.upstreamCancelled || ex.phase == Exchange.Phase.DONE) {
      over = true; // the gateway cut it (client gone, timeout): the exchange already knows
      cancelFirstByteTimer();
      return;
    }
    over = true;
    cancelFirstByteTimer();
    String message = "upstream connection failed: " + safeMessage(cause);
    ex.attemptFailed("transport", true, 0,
        () -> ex.fail(new Failed(Failed.TRANSPORT, "", message, 502, true), "transport"));
  }

  private void firstByteTimeout() {
    firstByteTimer = -1;
    String message = "no token from the upstream within "
        + ex.gw.limits.firstTokenTimeout().toMillis() + " ms (limits.first-token-timeout)";
    if (relay != null) {
      relay.timeout(message); // the stream began (headers, a message_start) but no token came
      return;
    }
    if (over) {
      return;
    }
    over = true;
    if (ex.upstreamRequest != null) {
      ex.upstreamRequest.reset(Exchange.CANCEL); // its HTTP/2 stream alone, not the connection
    }
    ex.attemptFailed("timeout", true, 0,
        () -> ex.fail(new Failed(Failed.TIMEOUT, "", message, 504, true), "timeout"));
  }

  /** The first model event (or a non-streaming body) arrived: the first-token timeout is over. */
  void firstToken() {
    cancelFirstByteTimer();
  }

  /** The relay is done with this attempt. */
  void end() {
    over = true;
    cancelFirstByteTimer();
  }

  private void cancelFirstByteTimer() {
    if (firstByteTimer >= 0) {
      ex.gw.vertx.cancelTimer(firstByteTimer);
      firstByteTimer = -1;
    }
  }

  private static boolean looksLikeJson(byte[] b) {
    for (byte c : b) {
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c == '{';
      }
    }
    return false;
  }

  /** Exception messages of the transport hold host and port at most, never a header. */
  static String safeMessage(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** How long a key rests after a 429: what the upstream asked, else one second. */
  static final class RetryPolicy429 {
    static Duration coolDown(java.util.function.Function<String, Optional<String>> headers) {
      return io.sluice.core.RetryPolicy.retryAfter(headers, Clock.systemUTC())
          .filter(d -> !d.isZero())
          .map(d -> d.compareTo(Duration.ofMinutes(5)) > 0 ? Duration.ofMinutes(5) : d)
          .orElse(Duration.ofSeconds(1));
    }
  }
}
