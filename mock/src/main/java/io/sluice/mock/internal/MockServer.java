package io.sluice.mock.internal;

import io.sluice.core.codec.ChatDialect;
import io.sluice.core.codec.CodecException;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.event.Failed;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.message.FinalMessage;
import io.sluice.core.message.MessageAccumulator;
import io.sluice.mock.internal.MockBehaviour.Fault;
import io.sluice.mock.internal.MockBehaviour.FaultKind;
import io.sluice.mock.internal.MockBehaviour.UsageMode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The simulated provider's request handler: routes, reads the body (bounded), decodes it with the
 * format's codec, applies the {@code x-sluice-mock} behaviour and answers, streaming or not. It
 * runs on the event loop and never blocks.
 */
public final class MockServer implements Handler<HttpServerRequest> {
  /** The header that sets a request's behaviour. */
  public static final String HEADER = "x-sluice-mock";
  /** The largest request body accepted. */
  static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
  private static final int MAX_FAULT_COUNTERS = 10_000;

  private final Vertx vertx;
  private final Consumer<String> log;
  private final AtomicLong serial = new AtomicLong();
  /** Requests seen per header value, for {@code fault=…;times=N}. */
  private final Map<String, AtomicInteger> faultCounts = new ConcurrentHashMap<>();

  public MockServer(Vertx vertx, Consumer<String> log) {
    this.vertx = vertx;
    this.log = log;
  }

  @Override
  public void handle(HttpServerRequest request) {
    long start = System.nanoTime();
    String path = request.path();
    String route = path.startsWith("/v1/") ? path.substring(3) : path;
    HttpServerResponse response = request.response();
    Runnable logOnce = new Runnable() {
      private boolean done;

      @Override
      public void run() {
        if (!done) {
          done = true;
          logLine(request, start);
        }
      }
    };
    response.endHandler(v -> logOnce.run());
    response.closeHandler(v -> logOnce.run());
    request.exceptionHandler(e -> logOnce.run());
    switch (route) {
      case "/healthz":
        simple(request, HttpMethod.GET, "{\"status\":\"ok\"}");
        return;
      case "/models":
        simple(request, HttpMethod.GET, models());
        return;
      case "/chat/completions":
        generate(request, WireCodec.openAiChat(ChatDialect.OPENAI), logOnce);
        return;
      case "/responses":
        generate(request, WireCodec.openAiResponses(), logOnce);
        return;
      case "/messages":
        generate(request, WireCodec.anthropic(), logOnce);
        return;
      default:
        json(response, 404, new JsonObject().put("error", new JsonObject()
            .put("message", "sluice mock has no route " + path
                + "; it serves /v1/chat/completions, /v1/responses, /v1/messages, /v1/models,"
                + " /healthz")
            .put("type", "invalid_request_error")).encode());
    }
  }

  private void simple(HttpServerRequest request, HttpMethod method, String body) {
    if (!request.method().equals(method)) {
      request.response().putHeader("Allow", method.name());
      json(request.response(), 405, "{\"error\":{\"message\":\"use " + method.name()
          + "\",\"type\":\"invalid_request_error\"}}");
      return;
    }
    json(request.response(), 200, body);
  }

  private void generate(HttpServerRequest request, WireCodec codec, Runnable logOnce) {
    HttpServerResponse response = request.response();
    if (!request.method().equals(HttpMethod.POST)) {
      response.putHeader("Allow", "POST");
      error(response, codec, new Failed("invalid_request_error", "",
          "use POST for " + request.path(), 405, false));
      return;
    }
    String header = request.getHeader(HEADER);
    MockBehaviour behaviour;
    try {
      behaviour = MockBehaviour.parse(header == null ? "" : header);
    } catch (IllegalArgumentException e) {
      error(response, codec, MockFailures.badRequest(e.getMessage()));
      return;
    }
    readBody(request, body -> {
      if (body == null) {
        error(response, codec, new Failed("request_too_large", "",
            "the request body exceeds " + MAX_BODY_BYTES + " bytes, sluice mock's limit", 413,
            false));
        return;
      }
      ChatRequest chat;
      try {
        chat = codec.decodeRequest(body.getBytes());
      } catch (CodecException e) {
        error(response, codec, MockFailures.badRequest(e.getMessage()));
        return;
      } catch (RuntimeException e) {
        json(response, 500, new JsonObject().put("error", new JsonObject()
            .put("message", "sluice mock could not decode the request: " + e)
            .put("type", "server_error")).encode());
        return;
      }
      if (behaviour.tools() > 0 && chat.tools().isEmpty()) {
        error(response, codec, MockFailures.badRequest("x-sluice-mock asks for tools="
            + behaviour.tools() + " but the request declares no tools"));
        return;
      }
      try {
        answer(request, codec, chat, effective(header, behaviour), logOnce);
      } catch (RuntimeException e) {
        // A codec that cannot encode this response: say so rather than leave the client waiting.
        if (!response.headWritten()) {
          json(response, 500, new JsonObject().put("error", new JsonObject()
              .put("message", "sluice mock failed: " + e).put("type", "server_error")).encode());
        } else {
          drop(request);
        }
      }
    });
  }

  private void answer(HttpServerRequest request, WireCodec codec, ChatRequest chat,
      MockBehaviour behaviour, Runnable logOnce) {
    HttpServerResponse response = request.response();
    WireFormat format = codec.format();
    Fault fault = behaviour.fault();
    if (fault.kind() == FaultKind.STATUS) {
      if (fault.retryAfterSeconds() >= 0) {
        response.putHeader("Retry-After", Long.toString(fault.retryAfterSeconds()));
      }
      error(response, codec, MockFailures.status(format, fault.value()));
      return;
    }
    boolean usage;
    switch (behaviour.usage()) {
      case ON:
        usage = true;
        break;
      case OFF:
        usage = false;
        break;
      default:
        usage = format != WireFormat.OPENAI_CHAT || !chat.stream() || asksForUsage(chat);
    }
    long number = serial.incrementAndGet();
    List<ResponseScript.Step> steps = ResponseScript.of(format, chat, behaviour, usage, number);
    response.putHeader(format == WireFormat.ANTHROPIC_MESSAGES ? "request-id" : "x-request-id",
        "req_mock" + Long.toHexString(number));
    if (chat.stream()) {
      new StreamPlayer(vertx, request, codec, steps, behaviour, logOnce).start();
      return;
    }
    int tokens = ResponseScript.tokenCount(steps);
    double millis = tokens == 0 ? 0 : behaviour.ttftMillis()
        + (behaviour.tokensPerSecond() > 0 ? (tokens - 1) * 1000.0 / behaviour.tokensPerSecond()
        : 0);
    Runnable reply = () -> whole(request, codec, steps, fault);
    if (millis >= 1) {
      long timer = vertx.setTimer((long) Math.ceil(millis), id -> reply.run());
      response.closeHandler(v -> {
        vertx.cancelTimer(timer);
        logOnce.run();
      });
    } else {
      reply.run();
    }
  }

  /**
   * Drops one answer: HTTP/1.1 closes the connection; HTTP/2 resets only this stream
   * (RST_STREAM), since the connection carries other clients' streams.
   */
  static void drop(HttpServerRequest request) {
    if (request.version() == io.vertx.core.http.HttpVersion.HTTP_2) {
      request.response().reset(0x2); // INTERNAL_ERROR (RFC 9113 §7)
    } else {
      request.connection().close();
    }
  }

  /** A non-streaming answer; a stream fault has its whole-body counterpart. */
  private void whole(HttpServerRequest request, WireCodec codec, List<ResponseScript.Step> steps,
      Fault fault) {
    HttpServerResponse response = request.response();
    switch (fault.kind()) {
      case DROP:
        drop(request);
        return;
      case STALL:
        return;
      case MALFORMED:
        json(response, 200, "{\"simulated\": \"malformed body, the JSON stops here");
        return;
      case ERROR:
        error(response, codec, MockFailures.inStream(codec.format()));
        return;
      default:
        break;
    }
    List<io.sluice.core.event.StreamEvent> events = new ArrayList<>(steps.size());
    steps.forEach(step -> events.add(step.event()));
    FinalMessage message = MessageAccumulator.assemble(events);
    response.setStatusCode(200);
    response.putHeader("Content-Type", "application/json");
    response.end(Buffer.buffer(codec.encodeResponse(message)));
  }

  /** The behaviour with its fault removed once {@code times} requests have had it. */
  private MockBehaviour effective(String header, MockBehaviour behaviour) {
    Fault fault = behaviour.fault();
    if (fault.times() == 0) {
      return behaviour;
    }
    if (faultCounts.size() > MAX_FAULT_COUNTERS) {
      faultCounts.clear(); // Bounded: a test that needs a counter uses it within a few requests.
    }
    int seen = faultCounts.computeIfAbsent(header, h -> new AtomicInteger()).incrementAndGet();
    if (seen <= fault.times()) {
      return behaviour;
    }
    return new MockBehaviour(behaviour.ttftMillis(), behaviour.tokensPerSecond(),
        behaviour.tokens(), behaviour.tools(), behaviour.reasoningTokens(), behaviour.usage(),
        Fault.NONE, behaviour.id());
  }

  /** Chat's {@code stream_options.include_usage: true}, kept raw in the request's extra fields. */
  private static boolean asksForUsage(ChatRequest chat) {
    String options = chat.extra().get("stream_options");
    if (options == null) {
      return false;
    }
    try {
      return new JsonObject(options).getBoolean("include_usage", false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Reads the body up to the limit; {@code null} to the handler when it runs past it. */
  private static void readBody(HttpServerRequest request, Consumer<Buffer> handler) {
    Buffer body = Buffer.buffer();
    boolean[] over = new boolean[1];
    request.handler(chunk -> {
      if (!over[0] && body.length() + chunk.length() > MAX_BODY_BYTES) {
        over[0] = true;
      }
      if (!over[0]) {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> handler.accept(over[0] ? null : body));
  }

  private static void error(HttpServerResponse response, WireCodec codec, Failed failure) {
    json(response, failure.httpStatus(), new String(codec.encodeError(failure),
        java.nio.charset.StandardCharsets.UTF_8));
  }

  private static void json(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status);
    response.putHeader("Content-Type", "application/json");
    response.end(body);
  }

  private static String models() {
    JsonObject model = new JsonObject()
        .put("id", "sluice-mock").put("object", "model").put("type", "model")
        .put("created", 0).put("owned_by", "sluice").put("display_name", "sluice mock")
        .put("created_at", "1970-01-01T00:00:00Z");
    return new JsonObject().put("object", "list")
        .put("data", new io.vertx.core.json.JsonArray().add(model))
        .put("has_more", false).put("first_id", "sluice-mock").put("last_id", "sluice-mock")
        .encode();
  }

  private void logLine(HttpServerRequest request, long startNanos) {
    String behaviour = request.getHeader(HEADER);
    log.accept(request.method().name() + " " + request.path() + " "
        + request.response().getStatusCode() + " "
        + (System.nanoTime() - startNanos) / 1_000_000 + "ms"
        + (behaviour == null ? "" : " " + HEADER + ": " + behaviour)
        // The caller closed the connection or reset the stream before the answer ended.
        + (request.response().ended() ? "" : " cut"));
  }
}
