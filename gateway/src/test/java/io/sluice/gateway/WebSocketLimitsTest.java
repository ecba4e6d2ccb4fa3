package io.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.gateway.HostileClientTest.Raw;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A client's WebSocket frames on {@code /v1/responses}, written byte by byte on a bare socket:
 * every message over the limit, every protocol or UTF-8 error ends in a close frame with the
 * status RFC 6455 gives it, and each is counted.
 */
class WebSocketLimitsTest {
  private static final int TEXT = 0x1;
  private static final int CONTINUATION = 0x0;

  private static GatewayHarness gateway(UnaryOperator<GatewayLimits.Builder> limits) {
    return new GatewayHarness(GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
            GatewayConfig.Target.of(UpstreamKind.OPENAI_RESPONSES, "http://127.0.0.1:1/v1")))))
        .withLimits(limits.apply(GatewayLimits.builder()).build()));
  }

  /** An upgraded socket: what came after the 101 head is kept for the frames. */
  private static final class Ws implements AutoCloseable {
    final Raw raw;
    final DataInputStream in;

    Ws(int port) throws IOException {
      raw = new Raw(port, "127.0.0.1");
      raw.send(HostileClientTest.head("GET", "/v1/responses", "Upgrade: websocket",
          "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Version: 13"));
      String head = raw.readUntil("\r\n\r\n", Duration.ofSeconds(5));
      assertThat(head).startsWith("HTTP/1.1 101");
      byte[] rest = head.substring(head.indexOf("\r\n\r\n") + 4)
          .getBytes(StandardCharsets.ISO_8859_1);
      raw.socket.setSoTimeout(10_000);
      in = new DataInputStream(new SequenceInputStream(new ByteArrayInputStream(rest),
          raw.socket.getInputStream()));
    }

    /** One masked client frame (RFC 6455 §5.2). */
    void frame(boolean fin, int opcode, byte[] payload) throws IOException {
      var out = new java.io.ByteArrayOutputStream();
      out.write((fin ? 0x80 : 0) | opcode);
      if (payload.length < 126) {
        out.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        out.write(0x80 | 126);
        out.write(payload.length >> 8);
        out.write(payload.length & 0xff);
      } else {
        out.write(0x80 | 127);
        for (int i = 7; i >= 0; i--) {
          out.write((int) ((long) payload.length >> (8 * i)) & 0xff);
        }
      }
      byte[] mask = {1, 2, 3, 4};
      out.write(mask);
      for (int i = 0; i < payload.length; i++) {
        out.write(payload[i] ^ mask[i % 4]);
      }
      raw.socket.getOutputStream().write(out.toByteArray());
      raw.socket.getOutputStream().flush();
    }

    /** The status of the server's close frame, skipping any frames before it. */
    int closeStatus() throws IOException {
      while (true) {
        int b0 = in.readUnsignedByte();
        int len = in.readUnsignedByte() & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = (int) in.readLong();
        }
        byte[] payload = new byte[len];
        in.readFully(payload);
        if ((b0 & 0x0f) == 0x8) {
          return len >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }
      }
    }

    @Override
    public void close() throws IOException {
      raw.close();
    }
  }

  private static byte[] filled(int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) 'a');
    return b;
  }

  @Test
  void aFragmentedMessageOverTheLimitClosesWith1009() throws Exception {
    try (GatewayHarness gw = gateway(b -> b.maxBodyBytes(1000)); Ws ws = new Ws(gw.gateway.port())) {
      ws.frame(false, TEXT, filled(600));
      ws.frame(false, CONTINUATION, filled(600));
      assertThat(ws.closeStatus()).isEqualTo(1009);
      assertThat(gw.get("/metrics").body())
          .contains("sluice_gateway_client_closes_total{reason=\"ws_message_too_big\"}");
    }
  }

  @Test
  void aSingleFrameOverTheLimitClosesWith1009() throws Exception {
    try (GatewayHarness gw = gateway(b -> b.maxBodyBytes(1000)); Ws ws = new Ws(gw.gateway.port())) {
      ws.frame(true, TEXT, filled(2000));
      assertThat(ws.closeStatus()).isEqualTo(1009);
    }
  }

  @Test
  void aContinuationWithNoMessageClosesWith1002() throws Exception {
    try (GatewayHarness gw = gateway(b -> b); Ws ws = new Ws(gw.gateway.port())) {
      ws.frame(true, CONTINUATION, filled(10));
      assertThat(ws.closeStatus()).isEqualTo(1002);
    }
  }

  @Test
  void aNewMessageInsideAFragmentedOneClosesWith1002() throws Exception {
    try (GatewayHarness gw = gateway(b -> b); Ws ws = new Ws(gw.gateway.port())) {
      ws.frame(false, TEXT, filled(10));
      ws.frame(true, TEXT, filled(10));
      assertThat(ws.closeStatus()).isEqualTo(1002);
    }
  }

  @Test
  void textThatIsNotUtf8ClosesWith1007() throws Exception {
    try (GatewayHarness gw = gateway(b -> b); Ws ws = new Ws(gw.gateway.port())) {
      ws.frame(true, TEXT, new byte[] {'{', (byte) 0xc3, (byte) 0x28, '}'});
      assertThat(ws.closeStatus()).isEqualTo(1007);
    }
  }

  @Test
  void aSocketIdleBetweenTurnsIsClosedAfterTheWebSocketIdleTimeout() throws Exception {
    try (GatewayHarness gw = gateway(b -> b.webSocketIdleTimeout(Duration.ofMillis(300)));
        Ws ws = new Ws(gw.gateway.port())) {
      assertThat(ws.closeStatus()).isEqualTo(1000);
    }
  }

  @Test
  void aMessageWithinTheLimitIsAnswered() throws Exception {
    try (GatewayHarness gw = gateway(b -> b.maxBodyBytes(1000)); Ws ws = new Ws(gw.gateway.port())) {
      ws.frame(false, TEXT, "{\"type\":\"response.cre".getBytes(StandardCharsets.UTF_8));
      ws.frame(true, CONTINUATION, "ate\"}".getBytes(StandardCharsets.UTF_8));
      // No model: the gateway answers with an error event and keeps the socket.
      int b0 = ws.in.readUnsignedByte();
      assertThat(b0 & 0x0f).isEqualTo(TEXT);
    }
  }

  @Test
  void aClosedWebSocketNoLongerCountsAgainstTheConnectionLimit() throws Exception {
    try (GatewayHarness gw = gateway(b -> b.maxConnectionsPerClient(2)
        .webSocketIdleTimeout(Duration.ofMillis(100)))) {
      for (int i = 0; i < 4; i++) {
        // A slot is given back on the gateway's event loop after the socket closes, so the next
        // upgrade may come before it: try again until one is let in. Twice the limit in turn: a
        // leaked count would keep every later upgrade out, and this would never pass.
        Ws[] opened = new Ws[1];
        Awaits.until(() -> {
          try {
            opened[0] = new Ws(gw.gateway.port());
            return true;
          } catch (IOException | AssertionError e) {
            return false;
          }
        });
        try (Ws ws = opened[0]) {
          assertThat(ws.closeStatus()).isEqualTo(1000); // idle: the gateway closes it
        }
      }
    }
  }
}
