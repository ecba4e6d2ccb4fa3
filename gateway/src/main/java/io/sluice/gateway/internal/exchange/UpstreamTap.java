package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
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
 * failure and a reset.
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

  /**
   * Puts a tap on {@code connection} when it is HTTP/1.1 with nothing between the decoder and
   * Vert.x's handler that could change the body (a decompressor); else leaves it as it is.
   */
  public static void install(HttpConnection connection) {
    ChannelHandlerContext vertx = ChunkChannel.vertxHandler(connection);
    if (vertx == null || vertx.channel().attr(TAP).get() != null) {
      return;
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
      return; // HTTP/2, or a handler after the codec that may change what it decoded
    }
    UpstreamTap tap = new UpstreamTap();
    pipeline.addBefore(vertx.name(), "sluice-upstream-tap", tap);
    vertx.channel().attr(TAP).set(tap);
  }

  /**
   * Attaches {@code sink} to {@code response}'s body and returns the tap; null when the body is
   * read through the response (no tap on its connection, or the head was handed over already).
   */
  static UpstreamTap attach(HttpClientResponse response, Sink sink) {
    ChannelHandlerContext vertx = ChunkChannel.vertxHandler(response.request().connection());
    UpstreamTap tap = vertx == null ? null : vertx.channel().attr(TAP).get();
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
    if (msg instanceof HttpResponse) {
      inHead = true;
      try {
        ctx.fireChannelRead(msg);
      } finally {
        inHead = false;
      }
      return;
    }
    Sink to = sink;
    if (to == null || !(msg instanceof HttpContent)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpContent piece = (HttpContent) msg;
    if (piece.decoderResult().isFailure()) {
      detach(); // a broken body (a bad chunk size): Vert.x fails the connection, and the response
      ctx.fireChannelRead(msg);
      return;
    }
    boolean last = piece instanceof LastHttpContent;
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
