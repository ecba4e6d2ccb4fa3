package io.sluice.gateway.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The framing read before the decoder against the decoder alone: the same bytes, cut into reads
 * at random places, go through a pipeline with {@link UpstreamFraming} and one without, and the
 * relay and "Vert.x" (the handler after the tap) must see the same in both: the body's bytes in
 * order, the heads, the trailers, the ends, the failures, and the next response on the connection.
 * Every read buffer is released in both.
 */
class UpstreamFramingTest {
  private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n";
  private static final String NEXT = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

  /**
   * What the relay and the handler after the tap saw; {@code framed}: every piece the relay got
   * was a read buffer itself, not a piece the decoder made.
   */
  private record Seen(String body, List<String> vertx, boolean framed) {}

  @Test
  void wellFormedBodiesCutAnywhereReadTheSame() {
    Random random = new Random(7);
    for (int round = 0; round < 400; round++) {
      StringBuilder wire = new StringBuilder(HEAD);
      int chunks = 1 + random.nextInt(6);
      for (int c = 0; c < chunks; c++) {
        String data = ("data: {\"n\":" + random.nextInt(1_000_000) + ",\"t\":\"x\"}\n\n")
            .repeat(1 + random.nextInt(3));
        String size = Integer.toHexString(data.length());
        wire.append(random.nextInt(4) == 0 ? size.toUpperCase() : size).append("\r\n")
            .append(data).append("\r\n");
      }
      wire.append("0\r\n");
      if (random.nextBoolean()) {
        wire.append("X-Trailer: ").append(round).append("\r\n");
      }
      wire.append("\r\n").append(NEXT);
      byte[] bytes = wire.toString().getBytes(StandardCharsets.US_ASCII);
      int[] cuts = cuts(random, bytes.length);
      Seen plain = run(bytes, cuts, false);
      Seen framed = run(bytes, cuts, true);
      assertThat(framed.framed()).isTrue();
      assertThat(plain.framed()).isFalse();
      assertThat(framed.body()).isEqualTo(plain.body());
      assertThat(framed.vertx()).isEqualTo(plain.vertx());
      // The next response on the connection reads whole, through the decoder.
      List<String> next = plain.vertx().subList(plain.vertx().lastIndexOf("head:200") + 1,
          plain.vertx().size());
      assertThat(String.join("", next).replaceAll("content:|last:|\\[\\]", ""))
          .isEqualTo("hello");
    }
  }

  @Test
  void sizeLinesItDoesNotReadGoToTheDecoderAtTheirStart() {
    String[] odd = {"a;ext=1", "a ;x", "000000000a", "0a", "A", " a", "a\t", "zz", "", "-1",
        "1000000000"};
    Random random = new Random(11);
    for (String size : odd) {
      for (int round = 0; round < 40; round++) {
        String wire = HEAD + "4\r\nab\n\n\r\n" + size + "\r\n" + "0123456789" + "\r\n0\r\n\r\n"
            + NEXT;
        byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
        int[] cuts = cuts(random, bytes.length);
        Seen plain = run(bytes, cuts, false);
        Seen framed = run(bytes, cuts, true);
        assertThat(framed.body()).as(size).isEqualTo(plain.body());
        assertThat(framed.vertx()).as(size).isEqualTo(plain.vertx());
      }
    }
  }

  @Test
  void chunkDataWithoutItsCrlfFailsAsTheDecoderFailsIt() {
    Random random = new Random(13);
    for (String after : new String[] {"X\r\n", "\rX", "\n\r", "\r\r"}) {
      for (int round = 0; round < 40; round++) {
        String wire = HEAD + "4\r\nab\n\n\r\n" + "3\r\nabc" + after + "0\r\n\r\n";
        byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
        int[] cuts = cuts(random, bytes.length);
        Seen plain = run(bytes, cuts, false);
        Seen framed = run(bytes, cuts, true);
        assertThat(framed.body()).isEqualTo(plain.body()).isEqualTo("ab\n\nabc");
        assertThat(framed.vertx()).isEqualTo(plain.vertx());
        assertThat(framed.vertx()).last().asString().startsWith("failed:")
            .contains("CR LF");
      }
    }
  }

  @Test
  void aBodyNoRelayReadsIsTheDecodersAndTheNextOneIsFramedAgain() {
    String wire = HEAD + "3\r\nabc\r\n0\r\n\r\n";
    byte[] bytes = (wire + wire).getBytes(StandardCharsets.US_ASCII);
    Random random = new Random(17);
    for (int round = 0; round < 100; round++) {
      int[] cuts = cuts(random, bytes.length);
      // The relay takes the second body only: the first reaches Vert.x through the decoder.
      Seen plain = run(bytes, cuts, false, 1);
      Seen framed = run(bytes, cuts, true, 1);
      assertThat(framed.body()).isEqualTo(plain.body()).isEqualTo("abc");
      assertThat(framed.vertx()).isEqualTo(plain.vertx());
      assertThat(framed.vertx()).contains("content:abc");
    }
  }

  @Test
  void anInterimResponseAndStrayLineEndsBeforeTheHeadAreTheDecoders() {
    String wire = "HTTP/1.1 100 Continue\r\n\r\n" + HEAD + "3\r\nabc\r\n0\r\n\r\n" + NEXT;
    byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
    Random random = new Random(19);
    for (int round = 0; round < 100; round++) {
      int[] cuts = cuts(random, bytes.length);
      Seen plain = run(bytes, cuts, false);
      Seen framed = run(bytes, cuts, true);
      assertThat(framed.body()).isEqualTo(plain.body());
      assertThat(framed.vertx()).isEqualTo(plain.vertx());
    }
  }

  @Test
  void theFramingReadsTheBodyWhenTheHeadEndsAReadAndTheDecoderGetsNoChunk() {
    byte[] head = HEAD.getBytes(StandardCharsets.US_ASCII);
    byte[] body = "3\r\nabc\r\n5\r\nde\nfg\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] end = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[head.length + body.length + end.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    System.arraycopy(end, 0, all, head.length + body.length, end.length);
    Seen framed = run(all, new int[] {head.length, head.length + body.length}, true);
    assertThat(framed.body()).isEqualTo("abcde\nfg");
    // Every piece the relay got was a read itself: the decoder made none of them.
    assertThat(framed.framed()).isTrue();
    assertThat(framed.vertx()).containsExactly("head:200", "last:[]");
  }

  private static int[] cuts(Random random, int length) {
    int n = random.nextInt(6);
    int[] cuts = new int[n];
    for (int i = 0; i < n; i++) {
      cuts[i] = 1 + random.nextInt(length - 1);
    }
    java.util.Arrays.sort(cuts);
    return cuts;
  }

  private static Seen run(byte[] bytes, int[] cuts, boolean framing) {
    return run(bytes, cuts, framing, 0);
  }

  /**
   * Feeds {@code bytes} in reads cut at {@code cuts}; the relay attaches to the chunked final
   * responses from the {@code firstAttached}th on (counting from 0).
   */
  private static Seen run(byte[] bytes, int[] cuts, boolean framing, int firstAttached) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    List<String> vertx = new ArrayList<>();
    int[] heads = {0};
    List<ByteBuf> reads = new ArrayList<>();
    boolean[] framedSeen = {true};
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addLast("codec", new HttpClientCodec());
    channel.pipeline().addLast("vertx", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse head) {
          vertx.add("head:" + head.status().code());
          if (head.status().code() >= 200 && HttpUtil.isTransferEncodingChunked(head)
              && heads[0]++ >= firstAttached) {
            UpstreamTap.attach(ctx.channel(), content -> {
              framedSeen[0] &= reads.stream().anyMatch(r -> r == content);
              body.writeBytes(bytes(content));
            });
          }
        }
        if (msg instanceof HttpContent piece) {
          String kind = piece.decoderResult().isFailure()
              ? "failed:" + piece.decoderResult().cause().getMessage()
              : (piece instanceof LastHttpContent last ? "last:" + text(piece.content())
                  + last.trailingHeaders().entries() : "content:" + text(piece.content()));
          vertx.add(kind);
          piece.release();
        }
      }
    });
    UpstreamTap tap = UpstreamTap.install(channel.pipeline().context("vertx"));
    assertThat(tap).isNotNull();
    if (!framing) {
      channel.pipeline().remove("sluice-upstream-framing");
    }
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/"));
    channel.releaseOutbound();
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : bytes.length;
      if (to > from) {
        ByteBuf read = Unpooled.directBuffer(to - from).writeBytes(bytes, from, to - from);
        reads.add(read);
        channel.writeInbound(read);
      }
      from = to;
    }
    channel.finishAndReleaseAll();
    for (ByteBuf read : reads) {
      assertThat(read.refCnt()).as("a read released").isZero();
    }
    return new Seen(body.toString(StandardCharsets.ISO_8859_1), vertx,
        framedSeen[0] && body.size() > 0);
  }

  private static byte[] bytes(ByteBuf content) {
    byte[] out = new byte[content.readableBytes()];
    content.getBytes(content.readerIndex(), out);
    return out;
  }

  private static String text(ByteBuf content) {
    return content.toString(StandardCharsets.ISO_8859_1);
  }
}
