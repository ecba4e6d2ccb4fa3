package io.sluice.gateway;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on a free loopback port, no persistence unless asked; stopped and started again
 * on the same port for the fault tests. Tests that need it skip where it is not installed.
 */
final class RedisServer implements AutoCloseable {
  final int port;
  /** Where a durable server keeps its append-only file; null: no persistence. */
  private final java.nio.file.Path dir;
  private Process process;

  private RedisServer(int port, java.nio.file.Path dir) {
    this.port = port;
    this.dir = dir;
  }

  static String binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        return f.getPath();
      }
    }
    return "";
  }

  /** Starts one, or skips the test with a message when redis-server is not installed. */
  static RedisServer start() throws Exception {
    return start(null);
  }

  /**
   * One that writes every change to an append-only file in {@code dir} before it answers, so
   * that what it acknowledged survives {@code kill -9} and a restart.
   */
  static RedisServer durable(java.nio.file.Path dir) throws Exception {
    return start(dir);
  }

  private static RedisServer start(java.nio.file.Path dir) throws Exception {
    Assumptions.assumeTrue(!binary().isEmpty(),
        "redis-server is not installed (Debian: apt-get install redis-server): skipped");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServer r = new RedisServer(port, dir);
    r.restart();
    return r;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  void restart() throws Exception {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(binary(), "--port",
        Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--protected-mode", "yes"));
    args.addAll(dir == null ? java.util.List.of("--appendonly", "no")
        : java.util.List.of("--dir", dir.toString(), "--appendonly", "yes", "--appendfsync",
            "always"));
    process = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("redis-server did not start on port " + port, e);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
      }
    }
  }

  /** {@code kill -STOP}: connections stay open and nothing answers, as from a Redis that hangs. */
  void pause() throws Exception {
    signal("-STOP");
  }

  void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String which) throws Exception {
    int exit = new ProcessBuilder("kill", which, Long.toString(process.pid())).start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill " + which + " failed with " + exit);
    }
  }

  /** {@code kill -9}: no goodbye to its clients. */
  void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
