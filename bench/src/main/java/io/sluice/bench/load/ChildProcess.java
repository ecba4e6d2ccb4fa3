package io.sluice.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A server in a process of its own: a child JVM running {@link ServerMain}, or Portkey on Node. */
final class ChildProcess implements Server {
  private final String name;
  private final Process process;
  private final int port;
  private final BufferedReader out;
  private final boolean jvm;

  private ChildProcess(String name, Process process, int port, BufferedReader out, boolean jvm) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.out = out;
    this.jvm = jvm;
  }

  /**
   * Starts {@link ServerMain} with this harness's class path and waits for its {@code ready}; on
   * the CPUs {@code cpus} names, unless it is empty.
   */
  static ChildProcess jvm(String name, String cpus, List<String> jvmOptions, Path log,
      String... args) {
    List<String> cmd = pinned(cpus);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ServerMain.class.getName());
    cmd.addAll(List.of(args));
    Process p = start(new ProcessBuilder(cmd), log);
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    // JVM options such as -XX:StartFlightRecording may print first.
    String ready = readLine(p, out, 60, log);
    for (int skipped = 0; !ready.startsWith("ready ") && !ready.startsWith("(") && skipped < 50;
        skipped++) {
      ready = readLine(p, out, 60, log);
    }
    if (!ready.startsWith("ready ")) {
      p.destroyForcibly();
      throw new IllegalStateException(name + " did not start: " + ready + tail(log));
    }
    return new ChildProcess(name, p, Integer.parseInt(ready.substring(6).trim()), out, true);
  }

  /** Starts any program that listens on {@code port}, and waits until it accepts connections. */
  static ChildProcess program(String name, ProcessBuilder builder, int port, Path log) {
    Process p = start(builder.redirectOutput(ProcessBuilder.Redirect.DISCARD), log);
    // A JVM child stops at the end of its input; any other program is stopped with the harness.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroy, "stop-" + name));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " exited with " + p.exitValue() + tail(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new ChildProcess(name, p, port, null, false);
      } catch (IOException e) {
        try {
          p.waitFor(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException(name + " did not listen on port " + port + " in 60 s"
        + tail(log));
  }

  /**
   * The start of a command that runs on the CPUs {@code cpus} names ({@code taskset}, which execs
   * the program: the process keeps its id, so its CPU time and memory are still read by id).
   */
  static List<String> pinned(String cpus) {
    List<String> cmd = new ArrayList<>();
    if (!cpus.isEmpty()) {
      cmd.addAll(List.of("taskset", "-c", cpus));
    }
    return cmd;
  }

  private static Process start(ProcessBuilder builder, Path log) {
    builder.redirectError(log.toFile());
    try {
      Files.createDirectories(log.getParent());
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + builder.command().get(0), e);
    }
  }

  private static String readLine(Process p, BufferedReader out, int seconds, Path log) {
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        String l = out.readLine();
        return l == null ? "(no output; exited)" : l;
      } catch (IOException e) {
        return "(" + e.getMessage() + ")";
      }
    });
    try {
      return line.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      throw new IllegalStateException("no answer from the child process in " + seconds + " s"
          + tail(log));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return "; last lines of " + log + ":\n  "
          + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public double cpuSeconds() {
    return ProcStats.cpuSeconds(process.pid());
  }

  @Override
  public double systemCpuSeconds() {
    return ProcStats.systemCpuSeconds(process.pid());
  }

  @Override
  public double jitCpuSeconds() {
    return jvm ? ProcStats.compilerCpuSeconds(process.pid()) : Double.NaN;
  }

  @Override
  public double rssBytes() {
    return ProcStats.rssBytes(process.pid());
  }

  @Override
  public double liveHeapBytes() {
    return ask("heap");
  }

  @Override
  public double allocatedBytes() {
    return ask("alloc");
  }

  /** Sends {@code what} to a child JVM's standard input and reads its {@code what NUMBER}. */
  private synchronized double ask(String what) {
    if (!jvm) {
      return Double.NaN;
    }
    try {
      OutputStream in = process.getOutputStream();
      in.write((what + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      String line = readLine(process, out, 60, Path.of("/dev/null"));
      while (!line.startsWith(what + " ") && !line.startsWith("(")) {
        line = readLine(process, out, 60, Path.of("/dev/null"));
      }
      return line.startsWith(what + " ")
          ? Double.parseDouble(line.substring(what.length() + 1).trim()) : Double.NaN;
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!jvm) {
        process.destroy();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
