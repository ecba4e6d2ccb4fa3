package io.sluice.mock.internal;

import io.sluice.core.codec.StreamEncoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.codec.WireFormat;
import io.sluice.core.sse.SseWriter;
import io.sluice.mock.internal.MockBehaviour.Fault;
import io.sluice.mock.internal.MockBehaviour.FaultKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Plays one response script as a stream, on the request's event loop. The encoder writes each
 * model event as zero or more SSE events into a small queue; the player sends them one write per
 * SSE event, waits on timers for the token schedule (never sleeps), waits on {@code drainHandler}
 * when the connection's write queue is full, and counts SSE events so that a fault strikes after
 * exactly N of them. The queue holds at most what one model event encodes to.
 */
final class StreamPlayer {
  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final WireFormat format;
  private final StreamEncoder encoder;
  private final List<ResponseScript.Step> steps;
  private final MockBehaviour behaviour;
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private final long startNanos = System.nanoTime();
  private final double intervalMillis;
  private int next;
  private int tokens;
  private int written;
  private boolean malformedSent;
  private boolean stopped;
  private long timer = -1;
  private Future<Void> lastWrite = Future.succeededFuture();
  private final Runnable onClose;

  StreamPlayer(Vertx vertx, HttpServerRequest request, WireCodec codec,
      List<ResponseScript.Step> steps, MockBehaviour behaviour, Runnable onClose) {
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.format = codec.format();
    this.steps = steps;
    this.behaviour = behaviour;
    this.onClose = onClose;
    this.intervalMillis = behaviour.tokensPerSecond() > 0 ? 1000.0 / behaviour.tokensPerSecond()
        : 0;
    SseWriter writer = SseWriter.create((bytes, offset, length) ->
        pending.add(Buffer.buffer(length).appendBytes(bytes, offset, length)));
    this.encoder = codec.encoder(writer);
  }

  void start() {
    response.setStatusCode(200);
    response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
    response.putHeader("Cache-Control", "no-cache");
    response.setChunked(true);
    response.closeHandler(v -> {
      stop();
      onClose.run();
    });
    response.exceptionHandler(e -> stop());
    // Headers go out at once, as a provider's do: "stall-after:0" is then a stream that never
    // starts, and the time to first token is measured from a response that has begun.
    lastWrite = response.writeHead();
    pump();
  }

  private void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void pump() {
    timer = -1;
    while (!stopped) {
      if (strike()) {
        return;
      }
      if (!pending.isEmpty()) {
        if (response.writeQueueFull()) {
          response.drainHandler(v -> pump());
          return;
        }
        lastWrite = response.write(pending.poll());
        written++;
        continue;
      }
      if (next >= steps.size()) {
        stopped = true;
        response.end();
        return;
      }
      ResponseScript.Step step = steps.get(next);
      if (step.token()) {
        double due = behaviour.ttftMillis() + tokens * intervalMillis;
        double elapsed = (System.nanoTime() - startNanos) / 1e6;
        if (due - elapsed >= 1) {
          timer = vertx.setTimer((long) Math.ceil(due - elapsed), id -> pump());
          return;
        }
        tokens++;
      }
      next++;
      encoder.encode(step.event());
    }
  }

  /** Applies the fault when its moment has come; true when the player must stop here. */
  private boolean strike() {
    Fault fault = behaviour.fault();
    if (fault.kind() == FaultKind.ERROR) {
      // The error goes where the encoder's state matches what the client has seen: at the first
      // model-event boundary at or after N events, so that nothing it references is missing.
      if (written < fault.value() || !pending.isEmpty()) {
        return false;
      }
    } else if (fault.kind() == FaultKind.NONE || written != fault.value()) {
      return false;
    }
    switch (fault.kind()) {
      case DROP:
        stopped = true;
        // Close only once what was written before the fault has reached the socket.
        lastWrite.onComplete(r -> MockServer.drop(request));
        return true;
      case STALL:
        stopped = true; // The connection stays open until the client or the server closes it.
        return true;
      case MALFORMED:
        if (!malformedSent) {
          malformedSent = true;
          lastWrite = response.write(Buffer.buffer(malformedEvent()));
          written++; // It counts as an event; the rest of the stream follows it.
        }
        return false;
      case ERROR:
        stopped = true;
        encoder.encode(MockFailures.inStream(format));
        Buffer all = Buffer.buffer();
        pending.forEach(all::appendBuffer);
        pending.clear();
        response.end(all);
        return true;
      default:
        return false;
    }
  }

  private String malformedEvent() {
    String name;
    switch (format) {
      case ANTHROPIC_MESSAGES:
        name = "event: content_block_delta\n";
        break;
      case OPENAI_RESPONSES:
        name = "event: response.output_text.delta\n";
        break;
      default:
        name = "";
    }
    return name + "data: {\"simulated\": \"malformed event, the JSON stops here\n\n";
  }
}
