package io.sluice.client.internal.ws;

import io.sluice.core.codec.StreamDecoder;
import io.sluice.core.codec.WireCodec;
import io.sluice.core.event.Done;
import io.sluice.core.event.Failed;
import io.sluice.core.event.ResponseStarted;
import io.sluice.core.event.StreamEvent;
import io.sluice.core.message.ChatRequest;
import io.sluice.core.sse.SseEvent;
import java.util.concurrent.CompletableFuture;

/**
 * A {@code generate:false} warm-up (docs/wire-formats.md §b, WebSocket mode): model, tools and
 * instructions, no output; its response id is what the first turn chains from.
 */
final class WarmUp implements WsConnection.Reader {
  /** The warm-up's response id, or a failure. */
  final CompletableFuture<String> result = new CompletableFuture<>();
  private final WsConnection connection;
  private final StreamDecoder decoder = WireCodec.openAiResponses().decoder(this::decoded);
  private String id = "";
  private boolean done;
  private IllegalStateException outcome;

  WarmUp(WsConnection connection) {
    this.connection = connection;
  }

  /** The turn's model, tools, options and instructions, without its input. */
  static ChatRequest request(ChatRequest turn) {
    ChatRequest.Builder b = ChatRequest.builder(turn.model()).options(turn.options());
    if (Continuation.instructions(turn)) {
      b.message(turn.messages().get(0));
    }
    turn.tools().forEach(b::tool);
    turn.extra().forEach((name, json) -> {
      if (!name.equals("previous_response_id") && !name.equals("input")) {
        b.extra(name, json);
      }
    });
    return b.build();
  }

  @Override
  public void onMessage(String json) {
    FrameInfo info = FrameInfo.read(json);
    String type = info.type().equals("response.done") ? "response.completed" : info.type();
    decoder.onEvent(SseEvent.of(type, type.equals(info.type()) ? json
        : FrameInfo.retyped(json, type)));
    if (decoder.finished()) {
      if (info.type().equals("error") && !id.isEmpty()) {
        connection.expectLateTerminal();
      }
      // Hand the connection back before the turn learns the outcome: the turn then reads it.
      connection.readBy(null);
      if (outcome != null) {
        result.completeExceptionally(outcome);
      } else if (!id.isEmpty() && done) {
        result.complete(id);
      } else {
        result.completeExceptionally(new IllegalStateException("the warm-up ended without "
            + "a response id"));
      }
    } else {
      connection.pull();
    }
  }

  private void decoded(StreamEvent event) {
    if (event instanceof ResponseStarted started) {
      id = started.id();
    } else if (event instanceof Done) {
      done = true;
    } else if (event instanceof Failed failed) {
      outcome = new IllegalStateException(failed.type()
          + (failed.code().isEmpty() ? "" : " (" + failed.code() + ")") + ": " + failed.message());
    }
  }

  @Override
  public void onClosed(int code, String reason) {
    result.completeExceptionally(new IllegalStateException(
        "the WebSocket closed with code " + code + " during the warm-up"));
  }
}
