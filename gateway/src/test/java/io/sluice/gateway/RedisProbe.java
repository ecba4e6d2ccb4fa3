package io.sluice.gateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One Redis command from a test, over a socket of its own, in RESP: what the replicas see in the
 * real server (how many subscribe, what a set holds). Replies come back as String, Long or List.
 */
final class RedisProbe {
  private RedisProbe() {}

  static Object call(RedisServer redis, String... args) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", redis.port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        req.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return reply(new BufferedInputStream(s.getInputStream()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Waits until {@code replicas} gateways subscribe to the shared state's channels, and so are
   * connected: a request that came before would find no Redis and fall back to its own counts.
   */
  static void awaitSubscribers(RedisServer redis, int replicas) {
    Awaits.until(() -> {
      List<?> numsub = (List<?>) call(redis, "PUBSUB", "NUMSUB", "sluice:slots");
      return (Long) numsub.get(1) >= replicas;
    });
  }

  private static Object reply(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] b = in.readNBytes(n + 2);
        return new String(b, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(reply(in));
        }
        return items;
      }
      default:
        throw new IllegalStateException("not a RESP reply: " + (char) type + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("redis closed the connection");
      }
      b.write(c);
    }
    in.read(); // '\n'
    return b.toString(StandardCharsets.UTF_8);
  }
}
