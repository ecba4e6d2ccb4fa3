package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;

/**
 * Reads a streamed HTTP/1.1 upstream body below Vert.x: each piece of content the HTTP decoder
 * hands up goes to the stream's relay as it is, in Netty's pooled buffer, instead of through the
 * response's handler, before which Vert.x copies every piece to a new heap buffer. That copy was
 * the largest allocation left per relayed event (BENCHMARKS.md, profile note 29).
 *
 * <p>One tap sits on each HTTP/1.1 upstream connection, just before Vert.x's handler, put there
 * when the connection opens ({@link #install}). It passes everything on unchanged until a relay
 * attaches, which it may do only while the tap is handing Vert.x a response's head: the relay
 * attaches from the response's handler, which Vert.x calls then, so no piece of the body can have
 * gone to Vert.x before it (a relay that starts later finds the tap closed and reads through the
 * response). From then on the body's pieces go to the relay, and the tap releases them; the
 * body's last piece goes on to Vert.x emptied, so that the response ends, and its connection goes
 * back to the pool, as before. The response's own handlers still hear its end, a connection
 * failure and a reset. Where it can, the tap also puts an {@link UpstreamFraming} before the
 * decoder, which reads a chunked body's framing itself and hands the relay the socket's buffers
 * through {@link #bodyBytes}: the decoder then makes no piece of that body but the last, and the
 * tap tells the framing where each message it hands up starts and ends.
 *
 * <p>Back-pressure: Vert.x's pause holds back what passes through it, which the body no longer
 * does, so the relay pauses the tap too, which stops reading the socket. A tap paused when its
 * body ends reads again before the connection is reused.
 *
 * <p>Everything happens on the connection's event loop, which is the exchange's. The tap runs
 * below Vert.x, outside any Vert.x context, so the relay runs what it is handed on the exchange's
 * context, as Vert.x runs a response's handlers: what it starts from there (a retry on another
 * key, after an error as the stream's first event) finds the loop's own upstream clients, which
 * the context holds, and Vert.x makes no new context for each call.
 */
public final class UpstreamTap extends ChannelInboundHandlerAdapter {
  /** A relay reading a body through the tap. */
  interface Sink {
    /** A piece of the body, in order; the tap releases it after the call. */
    void onBytes(ByteBuf content);
  }

  private static final AttributeKey<UpstreamTap> TAP =
      AttributeKey.valueOf(UpstreamTap.class, "tap");

  private ChannelHandlerContext ctx;
  /** A response's head is being handed to Vert.x: a relay may attach now, and only now. */
  private boolean inHead;
  private Sink sink;
  private boolean paused;
  /** Reads a chunked body's framing before the decoder does; null where it cannot. */
  private UpstreamFraming framing;

  /**
   * Puts a tap on {@code connection} when it is HTTP/1.1 with nothing between the decoder and
   * Vert.x's handler that could change the body (a decompressor); else leaves it as it is.
   */
  public static void install(HttpConnection connection) {
    ChannelHandlerContext vertx = ChunkChannel.vertxHandler(connection);
    if (vertx != null) {
      install(vertx);
    }
  }

  /** Puts a tap before {@code vertx}'s handler, and the framing before the codec, if it may. */
  static UpstreamTap install(ChannelHandlerContext vertx) {
    if (vertx.channel().attr(TAP).get() != null) {
      return null;
    }
    ChannelPipeline pipeline = vertx.pipeline();
    ChannelHandlerContext before = null;
    for (var e : pipeline) {
      if (e.getValue() == vertx.handler()) {
        break;
      }
      before = pipeline.context(e.getValue());
    }
    if (before == null || !(before.handler() instanceof HttpClientCodec)) {
      return null; // HTTP/2, or a handler after the codec that may change what it decoded
    }
    UpstreamTap tap = new UpstreamTap();
    pipeline.addBefore(vertx.name(), "sluice-upstream-tap", tap);
    tap.framing = UpstreamFraming.of(tap, before.handler());
    if (tap.framing != null) {
      pipeline.addBefore(before.name(), "sluice-upstream-framing", tap.framing);
    }
    vertx.channel().attr(TAP).set(tap);
    return tap;
  }

  /**
   * Attaches {@code sink} to {@code response}'s body and returns the tap; null when the body is
   * read through the response (no tap on its connection, or the head was handed over already).
   */
  static UpstreamTap attach(HttpClientResponse response, Sink sink) {
    ChannelHandlerContext vertx = ChunkChannel.vertxHandler(response.request().connection());
    return vertx == null ? null : attach(vertx.channel(), sink);
  }

  /** {@link #attach(HttpClientResponse, Sink)} to the response {@code channel} is handing over. */
  static UpstreamTap attach(Channel channel, Sink sink) {
    UpstreamTap tap = channel.attr(TAP).get();
    if (tap == null || !tap.inHead || tap.sink != null) {
      return null;
    }
    tap.sink = sink;
    return tap;
  }

  /** Stops reading the socket while {@code from} is attached and cannot take more. */
  void pause(Sink from) {
    if (sink == from && !paused) {
      paused = true;
      ctx.channel().config().setAutoRead(false);
    }
  }

  /** Reads the socket again, if {@code from} is still the one attached. */
  void resume(Sink from) {
    if (sink == from && paused) {
      paused = false;
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpResponse head) {
      inHead = true;
      try {
        ctx.fireChannelRead(msg);
      } finally {
        inHead = false;
      }
      if (framing != null) {
        framing.headDecoded(sink != null && head.decoderResult().isSuccess()
            && HttpUtil.isTransferEncodingChunked(head));
      }
      return;
    }
    if (!(msg instanceof HttpContent piece)) {
      ctx.fireChannelRead(msg);
      return;
    }
    boolean last = piece instanceof LastHttpContent;
    if (framing != null) {
      if (piece.decoderResult().isFailure()) {
        framing.decoderFailed();
      } else if (last) {
        framing.messageEnded();
      }
    }
    Sink to = sink;
    if (to == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (piece.decoderResult().isFailure()) {
      detach(); // a broken body (a bad chunk size): Vert.x fails the connection, and the response
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (piece.content().isReadable()) {
        to.onBytes(piece.content()); // on the relay's context, which reports what it throws
      }
    } finally {
      if (!last) {
        piece.release();
      }
    }
    if (!last) {
      return;
    }
    detach();
    if (piece.content().isReadable()) {
      LastHttpContent end = ((LastHttpContent) piece).replace(Unpooled.EMPTY_BUFFER);
      piece.release();
      ctx.fireChannelRead(end);
    } else {
      ctx.fireChannelRead(piece);
    }
  }

  /** A piece of a body whose framing {@link UpstreamFraming} read; the caller keeps it. */
  void bodyBytes(ByteBuf content) {
    Sink to = sink;
    if (to != null) {
      to.onBytes(content);
    }
  }

  /** A body that {@link UpstreamFraming} found broken: it ends as a decoder's failure does. */
  void bodyFailed(HttpContent failure) {
    channelRead(ctx, failure);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    sink = null;
    ctx.fireChannelInactive();
  }

  private void detach() {
    sink = null;
    if (paused) {
      paused = false;
      ctx.channel().config().setAutoRead(true);
    }
  }
}
