package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.VoidChannelPromise;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketServerExtensionHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A streamed answer's chunks, written to the client's connection below Vert.x's response: each
 * one framed in place (its size line in the room its buffer keeps before the bytes, its CRLF after
 * them) and handed to the pipeline just below the HTTP encoder, with no promise.
 *
 * <p>Why: at one event per upstream read, every relayed event is a write of its own, and through
 * {@code HttpServerResponse.write} each write makes a Vert.x promise, a Netty promise, an HTTP
 * content object, and, in the encoder, three buffers (size line, bytes, CRLF) joined by a promise
 * combiner. That was a quarter of all the gateway allocated per event at 1,000 paced streams
 * (BENCHMARKS.md, profile note 26). One framed buffer written with a void promise puts the same
 * bytes on the socket.
 *
 * <p>When: only where nothing can tell the difference. The response is HTTP/1.1 and chunked, its
 * head is written (so the encoder is between chunks, which is where it stays: the encoder never
 * sees these chunks, and Vert.x's own end writes the last one), and nothing that may hold or
 * change a write sits between the encoder and Vert.x's handler in the pipeline (the chunked-file
 * writer Vert.x adds over TLS, a compressor), since these writes pass it by. The server runs in
 * Vert.x's strict thread mode, so Vert.x never holds a write of its own back in a queue that
 * these could overtake, and each write here is made on the connection's event loop. The
 * connection's channel is reached through a public method of a class Vert.x does not export;
 * where the module system hides it (the gateway on a module path), {@link #of} finds none and the
 * writes go through the response, as they did before.
 *
 * <p>Back-pressure is unchanged: the chunks go into the same outbound buffer, whose writability
 * Vert.x reads for {@code writeQueueFull()} and the drain handler. A failed write fails the void
 * promise quietly; the channel closes and the response's close handler tells the exchange.
 */
final class ChunkChannel {
  /** Eight hexadecimal digits and CRLF: the longest size line, for a chunk of up to 4 GiB. */
  static final int SIZE_LINE_ROOM = 10;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  /** Vert.x's {@code ConnectionBase.channelHandlerContext()}, or null when it cannot be reached. */
  private static final MethodHandle CONTEXT = find();

  /** What a connection's pipeline was found to allow, kept on its channel. */
  private static final AttributeKey<ChunkChannel> KNOWN =
      AttributeKey.valueOf(ChunkChannel.class, "known");
  /** A connection whose chunks go through the response. */
  private static final ChunkChannel NONE = new ChunkChannel();

  private final ChannelHandlerContext below;
  private final VoidChannelPromise promise;

  private ChunkChannel() {
    this.below = null;
    this.promise = null;
  }

  private ChunkChannel(ChannelHandlerContext below) {
    this.below = below;
    this.promise = new VoidChannelPromise(below.channel(), false);
  }

  /**
   * The channel under {@code request}'s response, once its head is written; null when its chunks
   * must go through the response (not HTTP/1.1, not chunked, the channel out of reach, or a
   * handler between the encoder and Vert.x's).
   */
  static ChunkChannel of(HttpServerRequest request) {
    if (CONTEXT == null || request.version() != HttpVersion.HTTP_1_1
        || !request.response().headWritten() || !request.response().isChunked()) {
      return null;
    }
    ChannelHandlerContext vertx = vertxHandler(request.connection());
    if (vertx == null) {
      return null;
    }
    // Once per connection: its pipeline stays as it is for every HTTP/1.1 response on it.
    Attribute<ChunkChannel> known = vertx.channel().attr(KNOWN);
    ChunkChannel chunks = known.get();
    if (chunks == null) {
      ChannelHandlerContext encoder = encoderBefore(vertx);
      chunks = encoder == null ? NONE : new ChunkChannel(encoder);
      known.set(chunks);
    }
    return chunks == NONE ? null : chunks;
  }

  /**
   * Vert.x's own handler of {@code connection}'s channel, at the end of its pipeline; null when it
   * cannot be reached (the module system hides it, or not a connection of the expected kind).
   */
  static ChannelHandlerContext vertxHandler(HttpConnection connection) {
    if (CONTEXT == null) {
      return null;
    }
    try {
      return (ChannelHandlerContext) CONTEXT.invoke(connection);
    } catch (Throwable e) {
      return null;
    }
  }

  /**
   * The HTTP encoder's context when nothing but handlers that pass a buffer on untouched (the
   * WebSocket extension negotiator, which looks only at response heads) comes between it and
   * {@code handler}, else null.
   */
  private static ChannelHandlerContext encoderBefore(ChannelHandlerContext handler) {
    ChannelPipeline pipeline = handler.pipeline();
    ChannelHandler encoder = null;
    for (Map.Entry<String, ChannelHandler> e : pipeline) {
      ChannelHandler h = e.getValue();
      if (h == handler.handler()) {
        return encoder == null ? null : pipeline.context(encoder);
      }
      if (h instanceof HttpResponseEncoder) {
        encoder = h;
      } else if (!(h instanceof WebSocketServerExtensionHandler)) {
        encoder = null; // between the encoder and Vert.x's handler, something that may hold writes
      }
    }
    return null;
  }

  /**
   * Writes {@code out}'s readable bytes as one chunk, framed in place: its size line goes in the
   * {@link #SIZE_LINE_ROOM} bytes before its reader index, which {@code out} must have, and CRLF
   * after its bytes. Takes over one reference to {@code out}. False, with nothing written and
   * {@code out} untouched, when called off the connection's event loop. Flushed at once unless
   * {@code flush} is false, for a write that goes out with the next one (the response's end).
   */
  boolean write(ByteBuf out, boolean flush) {
    if (!below.executor().inEventLoop()) {
      return false; // Netty would queue it as a task, behind or ahead of Vert.x's own writes
    }
    int n = out.readableBytes();
    int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(n) + 3) / 4);
    int start = out.readerIndex() - digits - 2;
    for (int i = digits - 1, v = n; i >= 0; i--, v >>>= 4) {
      out.setByte(start + i, HEX[v & 0xf]);
    }
    out.setByte(start + digits, '\r');
    out.setByte(start + digits + 1, '\n');
    out.readerIndex(start);
    out.writeByte('\r').writeByte('\n');
    below.write(out, promise);
    if (flush) {
      below.flush();
    }
    return true;
  }

  private static MethodHandle find() {
    try {
      Class<?> base = Class.forName("io.vertx.core.net.impl.ConnectionBase");
      return MethodHandles.publicLookup().findVirtual(base, "channelHandlerContext",
          MethodType.methodType(ChannelHandlerContext.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not exported to this module, or not this Vert.x: the response writes
    }
  }
}
