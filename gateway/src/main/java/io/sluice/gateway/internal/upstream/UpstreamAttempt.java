package io.sluice.gateway.internal.upstream;

import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.message.ChatRequest;
import io.sluice.gateway.GatewayConfig.Target;
import io.sluice.gateway.internal.exchange.ClientErrors;
import io.sluice.gateway.internal.routing.TargetPool;
import io.sluice.gateway.internal.server.FrontDoor;
import io.sluice.gateway.internal.server.GatewayState;
import io.sluice.gateway.internal.server.RequestBody;
import io.sluice.gateway.internal.telemetry.RequestSpan;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One call to one upstream with one key: builds the body (the client's bytes on a pass-through, a
 * re-encoded request on a translation), sends it with the provider's headers
 * ({@link ProviderHeaders}), classifies the answer's status, and reports to its {@link Outcome}:
 * a 2xx to relay, or a failure (with what the client is told if nobody retries). It never touches
 * the client's response; the exchange that handed it the outcome decides. Its one timer is the
 * first-token timeout.
 */
public final class UpstreamAttempt {
  /** The log's and the metrics' name for a 2xx streaming answer that is no event stream. */
  public static final String NOT_EVENT_STREAM = "not_event_stream";
  /** The log's and the metrics' name for a non-streaming 2xx answer that is no JSON. */
  public static final String NOT_JSON = "not_json";
  /** The log's and the metrics' name for a 2xx compressed although identity was asked. */
  public static final String ENCODED = "unexpected_content_encoding";
  /** RST_STREAM's code for "no longer needed" (RFC 9113 §7). */
  static final long CANCEL = 0x8;

  /** What the client asked, as the attempt needs it. */
  public record Call(FrontDoor door, MultiMap headers, byte[] body, RequestBody.Scan scan) {}

  /**
   * How an attempt ended before its answer was relayed.
   *
   * @param kind the log's and the metrics' name ({@code http_429}, {@code transport}, ...)
   * @param retryable whether another key or target may serve the request
   * @param coolNanos how long the key rests (a 429), or 0
   * @param told what the client is told if nobody retries, in no format yet
   * @param passOn the upstream's own JSON error body (key masked) for a client of its format
   */
  public record Failure(String kind, boolean retryable, long coolNanos, Failed told,
      Optional<ErrorBody> passOn) {
    Failure(String kind, boolean retryable, Failed told) {
      this(kind, retryable, 0, told, Optional.empty());
    }
  }

  /** A non-2xx answer as the upstream sent it: its status, JSON body and Retry-After. */
  public record ErrorBody(int status, byte[] json, Optional<String> retryAfter) {}

  /** Where an attempt reports; every call comes on the exchange's event loop. */
  public interface Outcome {
    /** A 2xx answer to relay: an event stream when the client asked for one, else a body. */
    void answered(UpstreamAttempt attempt, HttpClientResponse head);

    /** The attempt failed before anything of its answer reached the client. */
    void failed(UpstreamAttempt attempt, Failure failure);

    /** The first-token timeout passed after the stream began (a head, a message_start). */
    void streamTimedOut(String message);

    /** A bug, not a failure of the upstream. */
    void crashed(RuntimeException e);
  }

  private final GatewayState gw;
  private final Call call;
  private final Outcome outcome;
  private final TargetPool.Lease lease;
  private final Target target;
  private final WireCodec upstreamCodec;
  private final boolean passThrough;
  private HttpClientRequest request;
  private long firstByteTimer = -1;
  /** A 2xx streaming answer was handed over: a late first token ends the stream, not the attempt. */
  private boolean streaming;
  private boolean cancelled;
  private boolean over;
  /** This attempt's CLIENT span; {@link RequestSpan.AttemptSpan#NONE} with tracing off. */
  private final RequestSpan.AttemptSpan span;
  private long sentNanos = -1;
  private long firstTokenNanos = -1;
  private int status;
  /** When the lease was granted: the gateway's own time runs from here to the request sent. */
  private final long leasedNanos = System.nanoTime();

  public UpstreamAttempt(GatewayState gw, Call call, TargetPool.Lease lease, Outcome outcome,
      RequestSpan.AttemptSpan span) {
    this.gw = gw;
    this.call = call;
    this.outcome = outcome;
    this.lease = lease;
    this.span = span;
    this.target = lease.pool().target();
    WireFormat format = formatOf(target, call.door());
    this.upstreamCodec = format == WireFormat.OPENAI_CHAT
        ? WireCodec.openAiChat(target.dialect()) : WireCodec.of(format);
    this.passThrough = format == call.door().format;
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

  /** The upstream's codec: the client's on a pass-through. */
  public WireCodec codec() {
    return upstreamCodec;
  }

  /** Whether the upstream speaks the client's format, so that its bytes pass unchanged. */
  public boolean passThrough() {
    return passThrough;
  }

  /** Whether the gateway asks a Chat upstream for usage the client did not ask for. */
  public boolean stripsUsage() {
    return addsUsage() && !call.scan().includeUsage();
  }

  private boolean addsUsage() {
    return upstreamCodec.format() == WireFormat.OPENAI_CHAT && call.scan().stream()
        && target.dialect().acceptsStreamOptions();
  }

  public void send() {
    byte[] payload;
    try {
      payload = passThrough
          ? RequestBody.rewrite(call.body(), call.scan(), target.rename(),
              addsUsage() && !call.scan().includeUsage())
          : translatedBody();
    } catch (CodecException e) {
      outcome.failed(this, new Failure("bad_request", false, ClientErrors.failure(400, e.getMessage())));
      return;
    } catch (UnsupportedOperationException e) {
      String message = "translating " + call.door().path + " to a " + target.kind().configName()
          + " upstream is not supported";
      outcome.failed(this, new Failure("unsupported", false, ClientErrors.failure(501, message)));
      return;
    }
    UpstreamAddress address = gw.address(lease.pool(), upstreamCodec.format());
    RequestOptions options = address.post();
    ProviderHeaders.forward(call.headers(), target.forwardHeaders(), options.getHeaders());
    options.getHeaders().set("Content-Type", "application/json");
    options.getHeaders().set("Accept-Encoding", "identity");
    ProviderHeaders.key(options.getHeaders(), upstreamCodec.format(), target.dialect(),
        lease.apiKey());
    ProviderHeaders.version(options.getHeaders(), upstreamCodec.format());
    // With tracing on, the upstream's parent is this attempt's span; off, a client's own
    // traceparent was forwarded above like any other header.
    span.inject(options.getHeaders()::set);
    sentNanos = System.nanoTime();
    firstByteTimer = gw.vertx.setTimer(gw.limits.firstTokenTimeout().toMillis(),
        id -> firstByteTimeout());
    gw.request(target.http2(), address.origin(), options).onComplete(ar -> {
      if (ar.failed()) {
        transportFailed(ar.cause());
        return;
      }
      HttpClientRequest req = ar.result();
      request = req;
      // A reset before the request has ended (ours, when the client left while a connection was
      // found, or the upstream's) fails the request itself; without a handler Vert.x logs it as
      // SEVERE. The send's future reports the same failure, and the second report is a no-op.
      req.exceptionHandler(this::transportFailed);
      if (cancelled || over) {
        req.reset(CANCEL);
        return;
      }
      gw.dashboard.recorder().upstreamSent(System.nanoTime() - leasedNanos);
      req.send(Buffer.buffer(payload)).onComplete(r -> {
        if (r.failed()) {
          transportFailed(r.cause());
        } else {
          try {
            onHead(r.result());
          } catch (RuntimeException e) {
            outcome.crashed(e);
          }
        }
      });
    });
  }

  private byte[] translatedBody() {
    ChatRequest decoded = call.door().codec().decodeRequest(call.body());
    if (!target.rename().isEmpty()) {
      decoded = decoded.withModel(target.rename());
    }
    return upstreamCodec.encodeRequest(decoded.withStream(call.scan().stream()));
  }

  private void onHead(HttpClientResponse head) {
    if (over) {
      return;
    }
    int status = head.statusCode();
    this.status = status;
    if (status >= 200 && status < 300) {
      // One check of every 2xx before a byte of it is relayed, so that both relays may trust it.
      // The gateway asks for identity and does not inflate: a compressed answer would reach the
      // client as bytes it cannot read, or (its Content-Encoding dropped) as garbage.
      String encoding = head.getHeader("content-encoding");
      if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
        head.handler(b -> { }); // read and dropped: nothing of it can be told
        head.exceptionHandler(this::transportFailed);
        head.endHandler(v -> wrongAnswer(head, ENCODED, "the upstream answered HTTP " + status
            + " with Content-Encoding " + StreamDecoder.excerpt(encoding.trim())
            + ", though the gateway asked for identity", new byte[0]));
        return;
      }
      if (call.scan().stream() && !isEventStream(head.getHeader("content-type"))) {
        readNotAnEventStream(head);
        return;
      }
      if (!call.scan().stream() && !isJson(head.getHeader("content-type"))) {
        readNotJson(head);
        return;
      }
      streaming = call.scan().stream();
      outcome.answered(this, head);
      return;
    }
    Buffer error = Buffer.buffer();
    head.handler(b -> {
      keep(error, b);
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
    boolean retryable = gw.retry.retryable(status, headers);
    long cool = 0;
    byte[] masked = mask(errorBody);
    Failed told = told(status, masked);
    String kind = "http_" + status;
    if (status == 429 && !told.retryable()) {
      // A 429 that waiting does not cure (insufficient_quota: a billing matter): the client is
      // told so, and the key rests for limits.quota-cool-down, not for a passing rate limit's.
      retryable = false;
      cool = gw.limits.quotaCoolDown().toNanos();
      kind = "quota_exhausted";
    } else if (status == 429) {
      Duration after = RetryPolicy429.coolDown(headers);
      cool = after.toNanos();
    }
    outcome.failed(this, new Failure(kind, retryable, cool, told, passOn(status, masked, head)));
  }

  /**
   * The body with this attempt's key masked, re-encoded only when the key was there, so that any
   * other body passes on byte for byte.
   */
  private byte[] mask(byte[] body) {
    String text = new String(body, java.nio.charset.StandardCharsets.UTF_8);
    String masked = mask(text);
    return masked.equals(text) ? body : masked.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The upstream's JSON error as it came, key masked, for a client that speaks its format. */
  private Optional<ErrorBody> passOn(int status, byte[] masked, HttpClientResponse head) {
    if (!passThrough || !looksLikeJson(masked)) {
      return Optional.empty();
    }
    return Optional.of(new ErrorBody(status, masked,
        Optional.ofNullable(head.getHeader("retry-after"))));
  }

  /** A non-2xx answer decoded as the upstream's error, key masked, with the upstream's status. */
  private Failed told(int status, byte[] masked) {
    Failed failure;
    try {
      failure = upstreamCodec.decodeError(status, masked);
    } catch (RuntimeException e) {
      failure = ClientErrors.failure(status, "upstream answered HTTP " + status);
    }
    failure = mask(failure);
    if (failure.httpStatus() != status) {
      failure = new Failed(failure.type(), failure.code(), failure.message(), status,
          failure.retryable());
    }
    return failure;
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

  /**
   * Whether a 2xx answer to a non-streaming request is JSON: {@code application/json} or a
   * {@code +json} type. None at all is taken as JSON, as for event streams; the body relay then
   * refuses a body that does not begin as JSON.
   */
  static boolean isJson(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
        .toLowerCase(java.util.Locale.ROOT);
    return media.equals("application/json") || media.endsWith("+json");
  }

  /** A 2xx that is no event stream (a proxy's login page, an error in a 200): read it, bounded. */
  private void readNotAnEventStream(HttpClientResponse head) {
    Buffer body = Buffer.buffer();
    head.handler(b -> {
      keep(body, b);
    });
    head.exceptionHandler(this::transportFailed);
    head.endHandler(v -> notAnEventStream(head, body.getBytes()));
  }

  /** A non-streaming 2xx that is no JSON (a login page, an event stream): read it, bounded. */
  private void readNotJson(HttpClientResponse head) {
    Buffer body = Buffer.buffer();
    head.handler(b -> keep(body, b));
    head.exceptionHandler(this::transportFailed);
    head.endHandler(v -> wrongAnswer(head, NOT_JSON, expected("application/json", head),
        body.getBytes()));
  }

  /** "expected T but the upstream answered HTTP s with type", bounded. */
  public static String expected(String type, HttpClientResponse head) {
    String got = head.getHeader("content-type");
    return "expected " + type + " but the upstream answered HTTP " + head.statusCode() + " "
        + (got == null ? "with no content type" : StreamDecoder.excerpt(got));
  }

  /**
   * A 2xx that cannot be relayed (wrong type, unasked-for encoding): the client gets a 502 in its
   * format naming what came, retryable on the next target before the first byte. Public for the
   * body relay, which learns only from the body that an untyped answer is no JSON.
   */
  public void wrongAnswer(HttpClientResponse head, String kind, String message, byte[] body) {
    if (over) {
      return;
    }
    over = true;
    cancelFirstByteTimer();
    Failed failure = new Failed(ClientErrors.typeFor(502), "", message, 502, true);
    if (looksLikeJson(body)) {
      try {
        Failed decoded = mask(upstreamCodec.decodeError(head.statusCode(), body));
        failure = new Failed(decoded.type(), decoded.code(), message + ": " + decoded.message(),
            502, true);
      } catch (RuntimeException e) {
        // the status and the content type alone still say what happened
      }
    }
    outcome.failed(this, new Failure(kind, true, failure));
  }

  /**
   * Nothing went to the client yet, so it gets a 502 in its format naming the upstream's status
   * and content type (as the client module's ApiException does); a JSON body is decoded as the
   * upstream's error, so an error sent with a 200 is passed on as that error, key masked. The
   * upstream failed, so the next target may serve: retryable, before the first byte only.
   */
  private void notAnEventStream(HttpClientResponse head, byte[] body) {
    wrongAnswer(head, NOT_EVENT_STREAM, expected("text/event-stream", head), body);
  }

  /** The upstream key this attempt sends; empty when the target has none. */
  public String apiKey() {
    return lease.apiKey();
  }

  /** The upstream's own words with this attempt's key masked: some repeat the key they refused. */
  public String mask(String text) {
    return lease.apiKey().isEmpty() ? text : text.replace(lease.apiKey(), "***");
  }

  public Failed mask(Failed failure) {
    String message = mask(failure.message());
    return message.equals(failure.message()) ? failure : new Failed(failure.type(),
        failure.code(), message, failure.httpStatus(), failure.retryable());
  }

  /** The connection failed before or while the answer was read. */
  public void transportFailed(Throwable cause) {
    if (over || cancelled) {
      over = true; // the gateway cut it (client gone, timeout): the exchange already knows
      cancelFirstByteTimer();
      return;
    }
    over = true;
    cancelFirstByteTimer();
    String message = "upstream connection failed: " + safeMessage(cause);
    outcome.failed(this, new Failure("transport", true,
        new Failed(Failed.TRANSPORT, "", message, 502, true)));
  }

  private void firstByteTimeout() {
    firstByteTimer = -1;
    String message = "no token from the upstream within "
        + gw.limits.firstTokenTimeout().toMillis() + " ms (limits.first-token-timeout)";
    if (streaming) {
      outcome.streamTimedOut(message); // the stream began (headers, a message_start), no token
      return;
    }
    if (over) {
      return;
    }
    over = true;
    if (request != null) {
      request.reset(CANCEL); // its HTTP/2 stream alone, not the connection
    }
    outcome.failed(this, new Failure("timeout", true,
        new Failed(Failed.TIMEOUT, "", message, 504, true)));
  }

  /** The first model event (or a non-streaming body) arrived: the first-token timeout is over. */
  public void firstToken() {
    if (firstTokenNanos < 0) {
      firstTokenNanos = System.nanoTime();
      span.firstToken();
    }
    cancelFirstByteTimer();
  }

  /** From sending the request to the first token, or -1 when none came. */
  public long firstTokenAfterNanos() {
    return firstTokenNanos < 0 || sentNanos < 0 ? -1 : firstTokenNanos - sentNanos;
  }

  /** The answer's HTTP status, or 0 before one came. */
  public int status() {
    return status;
  }

  /** This attempt's span, which its exchange ends. */
  public RequestSpan.AttemptSpan span() {
    return span;
  }

  /** Whether the first-token timeout still runs: no model event (or body) arrived yet. */
  public boolean awaitsFirstToken() {
    return firstByteTimer >= 0;
  }

  /** The gateway cut the attempt (client gone, a limit): the upstream request is reset. */
  public void cancel() {
    cancelled = true;
    if (request != null && !over) {
      // HTTP/1.1: closes the connection, so the upstream stops at once. HTTP/2: resets this
      // stream alone; the connection carries other streams and must stay open.
      request.reset(CANCEL);
    }
  }

  /** True once the gateway cut the attempt: a transport error after that is its own doing. */
  public boolean cancelled() {
    return cancelled;
  }

  /** The attempt is over (relayed, or its exchange ended): no timer of it may fire. */
  public void end() {
    over = true;
    cancelFirstByteTimer();
  }

  private void cancelFirstByteTimer() {
    if (firstByteTimer >= 0) {
      gw.vertx.cancelTimer(firstByteTimer);
      firstByteTimer = -1;
    }
  }

  /**
   * Keeps an error answer's first {@code limits.max-error-body-bytes}; the rest is read and
   * dropped, as it is not needed to tell the client.
   */
  private void keep(Buffer kept, Buffer chunk) {
    int room = gw.limits.maxErrorBodyBytes() - kept.length();
    if (room > 0) {
      kept.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
    }
  }

  /** Whether a body begins, after white space, with a JSON object. */
  public static boolean looksLikeJson(byte[] b) {
    for (byte c : b) {
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c == '{';
      }
    }
    return false;
  }

  /** Exception messages of the transport hold host and port at most, never a header. */
  public static String safeMessage(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
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
