package io.sluice.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Counts open TCP connections and file descriptors from {@code /proc}, so a test can tell that a
 * fault left nothing open. Linux only: elsewhere the counts are -1 and callers skip the check.
 */
final class Sockets {
  private Sockets() {}

  /** ESTABLISHED (or closing) IPv4 connections whose local port is {@code port}: server sides. */
  static int serverSide(int port) {
    return count(port, true);
  }

  /** Connections whose remote port is {@code port}: client sides, e.g. the gateway's upstream. */
  static int clientSide(int port) {
    return count(port, false);
  }

  private static int count(int port, boolean local) {
    int v4 = count(Path.of("/proc/net/tcp"), port, local);
    int v6 = count(Path.of("/proc/net/tcp6"), port, local); // IPv4-mapped sockets are listed here
    return v4 < 0 && v6 < 0 ? -1 : Math.max(0, v4) + Math.max(0, v6);
  }

  private static int count(Path table, int port, boolean local) {
    if (!Files.isReadable(table)) {
      return -1;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (IOException e) {
      return -1;
    }
    String hexPort = String.format(":%04X", port);
    int n = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      // st: 01 ESTABLISHED, 08 CLOSE_WAIT (the peer closed, this side did not yet): both still
      // hold a socket. TIME_WAIT (06) and the rest hold none in the process.
      boolean open = f[3].equals("01") || f[3].equals("08");
      if (open && (local ? f[1] : f[2]).endsWith(hexPort)) {
        n++;
      }
    }
    return n;
  }

  /** The process's open file descriptors (sockets, files, pipes), or -1 when unknown. */
  static int openFileDescriptors() {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    }
  }
}
