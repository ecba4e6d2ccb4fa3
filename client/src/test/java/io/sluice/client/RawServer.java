package io.sluice.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A raw TCP server on loopback for faults: it reads each request's head and body, then runs a
 * script on the socket. It records when the client closed the connection.
 */
final class RawServer implements AutoCloseable {

  /** What to do with one connection, after its request was read. */
  interface Script {
    void run(Conn conn) throws IOException, InterruptedException;
  }

  /** One accepted connection. */
  static final class Conn {
    final Socket socket;
    final OutputStream out;
    final InputStream in;

    Conn(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = socket.getInputStream();
    }

    void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /** Response head for a chunked event stream. */
    void sseHead() throws IOException {
      write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
          + "transfer-encoding: chunked\r\n\r\n");
    }

    void chunk(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      write(Integer.toHexString(bytes.length) + "\r\n");
      out.write(bytes);
      write("\r\n");
    }

    /**
     * Sends {@code text} as {@code count} chunks, one every {@code period} from the first: the
     * server's pace. A timer writes them; the script waits for the last, or for the first write
     * that fails (the client left), which it throws as a write of its own would.
     */
    void paced(int count, Duration period, String text) throws IOException, InterruptedException {
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      CountDownLatch done = new CountDownLatch(1);
      AtomicInteger sent = new AtomicInteger();
      AtomicReference<IOException> failed = new AtomicReference<>();
      try {
        timer.scheduleAtFixedRate(() -> {
          if (done.getCount() == 0) {
            return; // a run the timer started before it was shut down
          }
          try {
            chunk(text);
            if (sent.incrementAndGet() == count) {
              done.countDown();
            }
          } catch (IOException e) {
            failed.set(e);
            done.countDown();
          }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        done.await();
      } finally {
        timer.shutdownNow();
      }
      if (failed.get() != null) {
        throw failed.get();
      }
    }

    /** Blocks until the client closes the connection (read returns -1 or fails). */
    void awaitClientClose() {
      try {
        while (in.read() >= 0) {
          // drain whatever the client still sends
        }
      } catch (IOException closed) {
        // a reset is a close too
      }
    }

    /** Abortive close: the client sees a reset. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }
  }

  private final ServerSocket server;
  private final Script script;
  final AtomicInteger connections = new AtomicInteger();
  /** Connections accepted and not yet closed by either side: 0 once nothing leaks. */
  final AtomicInteger open = new AtomicInteger();
  final CountDownLatch clientClosed = new CountDownLatch(1);
  final CountDownLatch requestRead = new CountDownLatch(1);

  RawServer(Script script) throws IOException {
    this.script = script;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "raw-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      open.incrementAndGet();
      Thread t = new Thread(() -> serve(socket), "raw-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      Conn conn = new Conn(socket);
      readRequest(conn.in);
      requestRead.countDown();
      script.run(conn);
      if (!socket.isClosed()) {
        conn.awaitClientClose();
        clientClosed.countDown();
      }
    } catch (IOException | InterruptedException e) {
      clientClosed.countDown();
    } finally {
      open.decrementAndGet();
    }
  }

  /** Reads the head and a content-length body. */
  private static void readRequest(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    int length = 0;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
