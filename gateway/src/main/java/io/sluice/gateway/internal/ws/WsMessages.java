package io.sluice.gateway.internal.ws;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Joins a client's WebSocket frames into messages, within {@code limits.max-body-bytes} (the
 * same bound as an HTTP body), and says how the connection must close when it cannot: 1009 for a
 * message too big, 1002 for frames out of order (RFC 6455 §5.4), 1007 for text that is not UTF-8
 * (§8.1). Vert.x's own joining dropped an over-limit message without a word and left the client
 * waiting; one state machine here decides every case.
 */
final class WsMessages {
  /** What a frame completed. */
  sealed interface Outcome permits Partial, Text, Binary, Violation {}

  /** More frames to come. */
  record Partial() implements Outcome {}

  record Text(String text) implements Outcome {}

  record Binary(int length) implements Outcome {}

  /** The connection must close with this status; {@code reason} names the metric's class. */
  record Violation(short status, String reason, String message) implements Outcome {}

  private static final Partial PARTIAL = new Partial();

  private enum State { IDLE, TEXT, BINARY, FAILED }

  private final int maxBytes;
  private State state = State.IDLE;
  private Buffer pending;

  WsMessages(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Feeds one data frame (text, binary or continuation); control frames are not passed here. */
  Outcome frame(WebSocketFrame f) {
    switch (state) {
      case FAILED:
        return PARTIAL;
      case IDLE:
        if (f.isContinuation()) {
          return fail((short) 1002, "ws_protocol_error",
              "a continuation frame with no message to continue");
        }
        state = f.isText() ? State.TEXT : State.BINARY;
        pending = Buffer.buffer();
        break;
      default:
        if (!f.isContinuation()) {
          return fail((short) 1002, "ws_protocol_error",
              "a new message began before the fragmented one ended");
        }
        break;
    }
    Buffer data = f.binaryData();
    if ((long) pending.length() + data.length() > maxBytes) {
      return fail((short) 1009, "ws_message_too_big",
          "message larger than " + maxBytes + " bytes (limits.max-body-bytes)");
    }
    pending.appendBuffer(data);
    if (!f.isFinal()) {
      return PARTIAL;
    }
    Buffer whole = pending;
    State kind = state;
    pending = null;
    state = State.IDLE;
    if (kind == State.BINARY) {
      return new Binary(whole.length());
    }
    try {
      return new Text(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(whole.getBytes())).toString());
    } catch (CharacterCodingException e) {
      return fail((short) 1007, "ws_invalid_utf8", "a text message that is not UTF-8");
    }
  }

  private Violation fail(short status, String reason, String message) {
    state = State.FAILED;
    pending = null;
    return new Violation(status, reason, message);
  }
}
