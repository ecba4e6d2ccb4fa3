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

/**
 * Plays one response script as a stream, on the request's event loop. The encoder writes each
 * model event as zero or more SSE events into a small queue; the player sends them one write per
 * SSE event, waits on timers for the token schedule (never sleeps), waits on {@code drainHandler}
 * when the connection's write queue is full, and counts SSE events so that a fault strikes after
 * exactly N of them. The queue holds at most what one model event encodes to, and the script
 * makes each model event only when the player is ready to send it: a stream holds the same few
 * objects at any length, and the first token does not wait for the rest to be made.
 */
final class StreamPlayer {
  /** SSE events written in one turn of the event loop before other work may run. */
  static final int EVENTS_PER_TURN = 256;

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final WireFormat format;
  private final StreamEncoder encoder;
  private final ResponseScript script;
  private final MockBehaviour behaviour;
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>();
  private final long startNanos = System.nanoTime();
  private final double intervalMillis;
  /** The step made but not yet encoded: a token that waits for its time. */
  private ResponseScript.Step step;
  private long tokens;
  private long written;
  private boolean malformedSent;
  private boolean stopped;
  private long timer = -1;
  private Future<Void> lastWrite = Future.succeededFuture();
  private final Runnable onClose;

  StreamPlayer(Vertx vertx, HttpServerRequest request, WireCodec codec,
      ResponseScript script, MockBehaviour behaviour, Runnable onClose) {
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.format = codec.format();
    this.script = script;
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
    int turn = 0;
    while (!stopped) {
      if (strike()) {
        return;
      }
      if (!pending.isEmpty()) {
        if (response.writeQueueFull()) {
          response.drainHandler(v -> pump());
          return;
        }
        if (++turn > EVENTS_PER_TURN) {
          // Let the event loop run between turns: a connection that takes writes as fast as
          // they come would otherwise hold it for the whole stream, and the close of a client
          // that left, which is handled on this loop, would never stop a long stream.
          vertx.runOnContext(v -> pump());
          return;
        }
        lastWrite = response.write(pending.poll());
        written++;
        continue;
      }
      if (step == null) {
        if (!script.hasNext()) {
          stopped = true;
          response.end();
          return;
        }
        step = script.next();
      }
      if (step.token()) {
        double due = behaviour.ttftMillis() + tokens * intervalMillis;
        double elapsed = (System.nanoTime() - startNanos) / 1e6;
        if (due - elapsed >= 1) {
          timer = vertx.setTimer((long) Math.ceil(due - elapsed), id -> pump());
          return;
        }
        tokens++;
      }
      ResponseScript.Step now = step;
      step = null;
      encoder.encode(now.event());
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
