package io.sluice.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** An HTTP/1.1 client on a bare socket, so a test decides exactly when the connection closes. */
final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final StringBuilder received = new StringBuilder();

  RawClient(int port, String path, String body, String... headers) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000); // a read that never ends fails the test instead of hanging it
    StringBuilder req = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/json\r\n");
    for (String h : headers) {
      req.append(h).append("\r\n");
    }
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    req.append("Content-Length: ").append(b.length).append("\r\n\r\n");
    socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.UTF_8));
    socket.getOutputStream().write(b);
    socket.getOutputStream().flush();
    in = socket.getInputStream();
  }

  /** Reads until what arrived contains {@code text}; returns everything so far. */
  String readUntil(String text) throws IOException {
    byte[] buf = new byte[8192];
    while (received.indexOf(text) < 0) {
      int n = in.read(buf);
      if (n < 0) {
        throw new IOException("closed before '" + text + "'; got: " + received);
      }
      received.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    return received.toString();
  }

  /** Reads until {@code text} occurs {@code n} times; returns everything so far. */
  String readUntilCount(String text, int n) throws IOException {
    byte[] buf = new byte[8192];
    while (occurrences(text) < n) {
      int read = in.read(buf);
      if (read < 0) {
        throw new IOException("closed before " + n + " of '" + text + "'; got: " + received);
      }
      received.append(new String(buf, 0, read, StandardCharsets.ISO_8859_1));
    }
    return received.toString();
  }

  private int occurrences(String text) {
    int count = 0;
    for (int i = received.indexOf(text); i >= 0; i = received.indexOf(text, i + 1)) {
      count++;
    }
    return count;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
