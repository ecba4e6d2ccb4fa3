package io.sluice.client.ws;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw server on loopback that fails a WebSocket send after the connection opened: it accepts
 * the upgrade, reads the header of the client's first frame, and resets the connection while the
 * client is still sending. The message is larger than what the socket buffers hold (this server's
 * receive buffer is 16 KiB; a client's send buffer at most {@code net.ipv4.tcp_wmem}'s 4 MiB), so
 * the send cannot have completed when the reset arrives: it fails, every time.
 *
 * <p>{@code POST /v1/responses} (the SSE fallback) is read whole and answered with a short
 * Responses stream whose text is {@link #SSE_TEXT}.
 */
final class ResetOnSendUpstream implements AutoCloseable {
  static final String SSE_TEXT = "over SSE";
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** The first frame the client began: its opcode and declared payload length. */
  record Frame(int opcode, long length) {}

  private final ServerSocket server;
  final List<String> upgradeAuthorizations = new CopyOnWriteArrayList<>();
  final List<Frame> frames = new CopyOnWriteArrayList<>();
  final List<JsonObject> posts = new CopyOnWriteArrayList<>();
  final List<String> failures = new CopyOnWriteArrayList<>();
  /** Connections accepted and not yet closed: 0 once nothing is left open. */
  final AtomicInteger open = new AtomicInteger();

  ResetOnSendUpstream() throws IOException {
    server = new ServerSocket();
    server.setReceiveBufferSize(16 * 1024); // inherited by accepted sockets
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    Thread acceptor = new Thread(this::accept, "reset-on-send");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException closed) {
        return;
      }
      open.incrementAndGet();
      Thread t = new Thread(() -> serve(socket), "reset-on-send-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      String head = readHead(in);
      String requestLine = head.substring(0, head.indexOf("\r\n"));
      if (requestLine.startsWith("GET ") && header(head, "upgrade").equalsIgnoreCase("websocket")) {
        upgradeAuthorizations.add(header(head, "authorization"));
        resetWhileTheClientSends(socket, in, header(head, "sec-websocket-key"));
      } else if (requestLine.startsWith("POST /v1/responses ")) {
        byte[] body = in.readNBytes(Integer.parseInt(header(head, "content-length")));
        posts.add(new JsonObject(new String(body, StandardCharsets.UTF_8)));
        answerOverSse(socket.getOutputStream());
      } else {
        failures.add("unexpected request: " + requestLine);
      }
    } catch (IOException | RuntimeException e) {
      failures.add(e.toString());
    } finally {
      open.decrementAndGet();
    }
  }

  private void resetWhileTheClientSends(Socket socket, InputStream in, String key)
      throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept(key) + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    int b0 = read(in);
    int b1 = read(in);
    long length = b1 & 0x7f;
    if (length == 126) {
      length = ((long) read(in) << 8) | read(in);
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | read(in);
      }
    }
    frames.add(new Frame(b0 & 0x0f, length));
    socket.setSoLinger(true, 0); // an abortive close: the client's next write meets a reset
    socket.close();
  }

  private static void answerOverSse(OutputStream out) throws IOException {
    String item = "{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\","
        + "\"role\":\"assistant\",\"content\":[]}";
    String part = "{\"type\":\"output_text\",\"text\":\"%s\",\"annotations\":[]}";
    String where = "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0";
    String[][] events = {
      {"response.created", "{\"type\":\"response.created\",\"response\":" + response("in_progress",
          "[]") + "}"},
      {"response.output_item.added", "{\"type\":\"response.output_item.added\","
          + "\"output_index\":0,\"item\":" + item + "}"},
      {"response.content_part.added", "{\"type\":\"response.content_part.added\"," + where
          + ",\"part\":" + part.formatted("") + "}"},
      {"response.output_text.delta", "{\"type\":\"response.output_text.delta\"," + where
          + ",\"delta\":\"" + SSE_TEXT + "\"}"},
      {"response.output_text.done", "{\"type\":\"response.output_text.done\"," + where
          + ",\"text\":\"" + SSE_TEXT + "\"}"},
      {"response.content_part.done", "{\"type\":\"response.content_part.done\"," + where
          + ",\"part\":" + part.formatted(SSE_TEXT) + "}"},
      {"response.output_item.done", "{\"type\":\"response.output_item.done\",\"output_index\":0,"
          + "\"item\":" + item.replace("in_progress", "completed").replace("[]",
              "[" + part.formatted(SSE_TEXT) + "]") + "}"},
      {"response.completed", "{\"type\":\"response.completed\",\"response\":"
          + response("completed", "[]") + "}"},
    };
    StringBuilder body = new StringBuilder();
    for (String[] e : events) {
      body.append("event: ").append(e[0]).append("\ndata: ").append(e[1]).append("\n\n");
    }
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
        + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
  }

  private static String response(String status, String output) {
    return "{\"id\":\"resp_sse\",\"object\":\"response\",\"created_at\":1,\"status\":\"" + status
        + "\",\"model\":\"gpt-test\",\"output\":" + output + "}";
  }

  private static String accept(String key) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1")
          .digest((key + WS_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(sha1);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int read(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException("the client closed before its first frame");
    }
    return b;
  }

  /** The request head up to its blank line, bounded. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (head.size() < 64 * 1024) {
      head.write(read(in));
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        return head.toString(StandardCharsets.ISO_8859_1);
      }
    }
    throw new IOException("a request head over 64 KiB");
  }

  /** A header's value, or empty. */
  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
