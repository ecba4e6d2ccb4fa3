package io.sluice.gateway.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.InvalidChunkTerminationException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;

/**
 * Reads the chunked framing of a tapped body itself, just before Netty's HTTP decoder, and hands
 * each chunk's bytes to the relay in the buffer the socket read them into: the decoder would make
 * a slice and a content object of each chunk, which were most of what the gateway still allocated
 * per relayed event (BENCHMARKS.md, profile note 31).
 *
 * <p>The decoder stays in charge of everything else. Between bodies this handler passes what it
 * reads on, cut just after the end of a response's head (the first empty line), so that the
 * decoder ends that read with the head and holds nothing more. If the head is chunked and a relay
 * attached to it ({@link UpstreamTap}), and the decoder holds no byte, the decoder now waits for
 * a chunk's size line: from here this handler reads the size lines, chunks and their CRLFs. It
 * gives back to the decoder, at the start of a size line, which is where the decoder waits:
 * <ul>
 *   <li>the last chunk ({@code 0}), with the trailers and the end, which the decoder reads and
 *       hands up as the body's last piece, so that the response ends in Vert.x as before;
 *   <li>any size line it does not read itself (an extension, white space, more than seven hex
 *       digits, a bare LF, a line of more than {@value #MAX_LINE} bytes), and all that follows:
 *       the decoder reads it, or fails it, by its own rules, and the tap passes the pieces on.
 * </ul>
 * Chunk data not followed by CRLF fails the body as the decoder would, with the same exception,
 * and nothing after it is read. A connection whose head or body this handler cannot follow
 * exactly reads through the decoder alone.
 */
final class UpstreamFraming extends ChannelInboundHandlerAdapter {
  /**
   * The bytes of a size line kept here: seven hex digits and CR LF fit; a line found longer is
   * handed to the decoder as it is.
   */
  static final int MAX_LINE = 10;

  private static final MethodHandle DECODER = find(CombinedChannelDuplexHandler.class,
      "inboundHandler", ChannelInboundHandler.class);
  private static final MethodHandle HELD = find(ByteToMessageDecoder.class,
      "actualReadableBytes", int.class);

  private enum Mode {
    /** Between bodies: a response's head comes next. */
    HEAD,
    /** The decoder reads this message, until its end. */
    DECODER,
    /** In a body read here: a size line, a chunk's data, its CR, its LF. */
    SIZE, DATA, CR, LF,
    /** A body failed here: what follows is dropped; Vert.x closes the connection. */
    FAILED
  }

  private final UpstreamTap tap;
  private final ByteToMessageDecoder decoder;
  private Mode mode = Mode.HEAD;
  /** How much of CR LF CR LF the bytes read so far of a head end with. */
  private int headMatch;
  /** A head cut at its end is with the decoder: it may start a body here. */
  private boolean cut;
  private final byte[] line = new byte[MAX_LINE];
  private int lineLength;
  /** Bytes left of the chunk's data being read. */
  private int left;

  private UpstreamFraming(UpstreamTap tap, ByteToMessageDecoder decoder) {
    this.tap = tap;
    this.decoder = decoder;
  }

  /**
   * A framing for the connection whose HTTP codec is {@code codec}, or null where this JVM does
   * not let the gateway ask the decoder what it holds (a module path).
   */
  static UpstreamFraming of(UpstreamTap tap, ChannelHandler codec) {
    if (DECODER == null || HELD == null || !(codec instanceof CombinedChannelDuplexHandler)) {
      return null;
    }
    try {
      Object decoder = DECODER.invoke(codec);
      return decoder instanceof ByteToMessageDecoder d ? new UpstreamFraming(tap, d) : null;
    } catch (Throwable t) {
      return null;
    }
  }

  /**
   * The decoder handed a response's head up; {@code chunkedBody} when a relay attached to its
   * chunked body. Called by the tap, within this handler's passing on of the head.
   */
  void headDecoded(boolean chunkedBody) {
    mode = chunkedBody && cut && decoderHolds() == 0 ? Mode.SIZE : Mode.DECODER;
    lineLength = 0;
    left = 0;
  }

  /** The decoder handed up a message's end: the next bytes are a head. */
  void messageEnded() {
    if (mode != Mode.FAILED) {
      mode = Mode.HEAD;
      headMatch = 0;
    }
  }

  /** The decoder failed a message: Vert.x closes the connection; the decoder has the rest. */
  void decoderFailed() {
    if (mode != Mode.FAILED) {
      mode = Mode.DECODER;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ctx.fireChannelRead(msg);
      return;
    }
    boolean release = true;
    try {
      while (buf.isReadable()) {
        switch (mode) {
          case HEAD -> {
            int end = headEnd(buf);
            if (end < 0 || end == buf.writerIndex()) {
              release = false;
              passHead(ctx, buf, end >= 0);
              return;
            }
            ByteBuf head = buf.retainedSlice(buf.readerIndex(), end - buf.readerIndex());
            buf.readerIndex(end);
            passHead(ctx, head, true);
          }
          case DECODER -> {
            release = false;
            ctx.fireChannelRead(buf);
            return;
          }
          case FAILED -> {
            return;
          }
          default -> {
            if (!body(ctx, buf)) {
              release = false; // handed to the decoder
              return;
            }
          }
        }
      }
    } finally {
      if (release) {
        buf.release();
      }
    }
  }

  private void passHead(ChannelHandlerContext ctx, ByteBuf bytes, boolean endsAtHeadEnd) {
    cut = endsAtHeadEnd;
    try {
      ctx.fireChannelRead(bytes);
    } finally {
      cut = false;
    }
  }

  /** Index just past the first CR LF CR LF in {@code buf}'s readable bytes, or -1. */
  private int headEnd(ByteBuf buf) {
    int m = headMatch;
    for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
      byte b = buf.getByte(i);
      m = b == '\r' ? (m == 2 ? 3 : 1) : b == '\n' ? (m == 1 ? 2 : m == 3 ? 4 : 0) : 0;
      if (m == 4) {
        headMatch = 0;
        return i + 1;
      }
    }
    headMatch = m;
    return -1;
  }

  /**
   * Reads {@code buf}'s readable bytes as body; false when it handed them (from a size line on)
   * to the decoder, which then owns {@code buf}.
   */
  private boolean body(ChannelHandlerContext ctx, ByteBuf buf) {
    int end = buf.writerIndex();
    int i = buf.readerIndex();
    while (i < end) {
      switch (mode) {
        case SIZE -> {
          byte b = buf.getByte(i++);
          if (lineLength == MAX_LINE) {
            return handBack(ctx, buf, i - 1);
          }
          line[lineLength++] = b;
          if (b == '\n') {
            int size = chunkSize();
            if (size <= 0) { // the last chunk (0), or a line the decoder reads (-1)
              return handBack(ctx, buf, i);
            }
            left = size;
            lineLength = 0;
            mode = Mode.DATA;
          }
        }
        case DATA -> {
          int n = Math.min(left, end - i);
          buf.setIndex(i, i + n);
          try {
            tap.bodyBytes(buf);
          } finally {
            buf.setIndex(i + n, end);
          }
          i += n;
          left -= n;
          if (left == 0) {
            mode = Mode.CR;
          }
        }
        case CR, LF -> {
          byte want = mode == Mode.CR ? (byte) '\r' : (byte) '\n';
          if (buf.getByte(i++) != want) {
            buf.readerIndex(end);
            fail();
            return true;
          }
          mode = mode == Mode.CR ? Mode.LF : Mode.SIZE;
        }
        default -> {
          buf.readerIndex(i); // the relay ended the message: what is left goes as the mode says
          return true;
        }
      }
    }
    buf.readerIndex(end);
    return true;
  }

  /** The size of the line read, if it is hex digits and CR LF alone; -1 for the decoder's. */
  private int chunkSize() {
    int digits = lineLength - 2;
    if (digits < 1 || digits > 7 || line[lineLength - 2] != '\r') {
      return -1;
    }
    int size = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(line[k], 16);
      if (d < 0) {
        return -1;
      }
      size = size * 16 + d;
    }
    return size;
  }

  /**
   * Gives the decoder the size line read so far and {@code buf} from {@code from} on; the decoder
   * has this message from here.
   */
  private boolean handBack(ChannelHandlerContext ctx, ByteBuf buf, int from) {
    mode = Mode.DECODER;
    ByteBuf start = Unpooled.wrappedBuffer(Arrays.copyOf(line, lineLength));
    lineLength = 0;
    buf.readerIndex(from);
    ctx.fireChannelRead(start); // a size line alone never ends a message: the rest follows it
    if (buf.isReadable()) {
      ctx.fireChannelRead(buf);
    } else {
      buf.release();
    }
    return false;
  }

  /** Chunk data without its CRLF: the body fails as the decoder fails it. */
  private void fail() {
    mode = Mode.FAILED;
    HttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
    failed.setDecoderResult(DecoderResult.failure(new InvalidChunkTerminationException()));
    tap.bodyFailed(failed);
  }

  private int decoderHolds() {
    try {
      return (int) HELD.invoke(decoder);
    } catch (Throwable t) {
      return -1;
    }
  }

  private static MethodHandle find(Class<?> owner, String name, Class<?> returns) {
    try {
      return MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
          .findVirtual(owner, name, MethodType.methodType(returns));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // not open to this module: bodies read through the decoder alone
    }
  }
}
