package io.sluice.gateway.internal.server;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * The provider the start-up warm-up ({@link WarmUp}) streams from: canned answers in the OpenAI
 * Chat and Anthropic Messages formats, one event per write, {@link #PACE_MILLIS} apart, so that
 * the gateway reads them as a provider's events arrive (a read per event, not the whole answer in
 * one). It listens on loopback for the warm-up only.
 */
final class SyntheticUpstream implements io.vertx.core.Handler<HttpServerRequest> {
  /** Text events per answer: enough for the per-event code to run many times per stream. */
  static final int TOKENS = 16;
  /**
   * Between one event and the next: each event a read of its own after a wait in epoll, as a
   * provider's come, and the event loops idle part of the time, which leaves the JIT compilers a
   * share of the cores while the warm-up runs.
   */
  static final long PACE_MILLIS = 1;

  private static final Buffer[] CHAT = chat();
  private static final Buffer[] MESSAGES = messages();

  @Override
  public void handle(HttpServerRequest req) {
    Buffer[] events = req.path().endsWith("/chat/completions") ? CHAT
        : req.path().endsWith("/messages") ? MESSAGES : null;
    if (events == null) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body().onSuccess(body -> {
      HttpServerResponse res = req.response().setChunked(true)
          .putHeader("Content-Type", "text/event-stream").putHeader("Cache-Control", "no-cache");
      send(Vertx.currentContext(), res, events, 0);
    });
  }

  private static void send(Context context, HttpServerResponse res, Buffer[] events, int next) {
    if (res.closed()) {
      return;
    }
    if (next == events.length) {
      res.end();
      return;
    }
    // A copy: the canned events are shared by every answer on every event loop.
    res.write(events[next].copy());
    context.owner().setTimer(PACE_MILLIS, id -> send(context, res, events, next + 1));
  }

  private static Buffer[] chat() {
    String head = "data: {\"id\":\"chatcmpl-warm-up\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1,\"model\":\"warm-up\",\"choices\":";
    Buffer[] out = new Buffer[TOKENS + 4];
    out[0] = sse(head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"finish_reason\":null}]}");
    for (int i = 0; i < TOKENS; i++) {
      out[i + 1] = sse(head + "[{\"index\":0,\"delta\":{\"content\":\"token " + i + " \"},"
          + "\"finish_reason\":null}]}");
    }
    out[TOKENS + 1] = sse(head + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    // Asked for by the gateway (stream_options.include_usage) for its books.
    out[TOKENS + 2] = sse(head + "[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":"
        + TOKENS + ",\"total_tokens\":" + (TOKENS + 4) + "}}");
    out[TOKENS + 3] = sse("data: [DONE]");
    return out;
  }

  private static Buffer[] messages() {
    Buffer[] out = new Buffer[TOKENS + 5];
    out[0] = sse("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
        + "\"msg_warm_up\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"warm-up\","
        + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
        + "{\"input_tokens\":4,\"output_tokens\":1}}}");
    out[1] = sse("event: content_block_start\ndata: {\"type\":\"content_block_start\","
        + "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    for (int i = 0; i < TOKENS; i++) {
      out[i + 2] = sse("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
          + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"token " + i + " \"}}");
    }
    out[TOKENS + 2] = sse("event: content_block_stop\ndata: {\"type\":\"content_block_stop\","
        + "\"index\":0}");
    out[TOKENS + 3] = sse("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":"
        + "{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
        + TOKENS + "}}");
    out[TOKENS + 4] = sse("event: message_stop\ndata: {\"type\":\"message_stop\"}");
    return out;
  }

  private static Buffer sse(String event) {
    return Buffer.buffer((event + "\n\n").getBytes(StandardCharsets.UTF_8));
  }
}
