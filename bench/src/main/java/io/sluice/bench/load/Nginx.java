package io.sluice.bench.load;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * nginx as a plain reverse proxy in front of the same simulated provider: the floor a streaming
 * gateway is measured against, a relay that reads nothing of what it carries. The harness writes
 * its own {@code nginx.conf} into a scratch folder and runs nginx in the foreground as one process
 * ({@code daemon off; master_process off;}), so that its CPU time and memory are read from that one
 * process id and it ends with the harness.
 *
 * <p>Every stream is relayed as it comes ({@code proxy_buffering off}), over HTTP/1.1 connections
 * to the mock kept alive between requests, as sluice does. nginx does not translate: in the
 * translated scenarios it relays the mock's Chat stream, as the direct path reads it.
 */
final class Nginx {
  private Nginx() {}

  /**
   * The nginx program: {@code program} itself when it holds a slash, else the first on the
   * {@code PATH} or in {@code /usr/sbin} (where Debian puts it, not always on a user's PATH).
   */
  static Optional<Path> find(String program) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String path = System.getenv("PATH");
    String dirs = (path == null ? "" : path) + File.pathSeparator + "/usr/sbin";
    for (String d : dirs.split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return Optional.of(Path.of(d, program));
      }
    }
    return Optional.empty();
  }

  /** Starts nginx on a free loopback port, relaying to {@code mockPort}, on the CPUs named. */
  static ChildProcess start(Path nginx, int mockPort, String cpus, Path scratch) {
    int port = Portkey.freePort();
    Path dir = scratch.resolve("nginx");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("nginx.conf"), config(port, mockPort, dir));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = ChildProcess.pinned(cpus);
    // -p: the prefix, so that nothing is read from or written to /etc/nginx or /var/log/nginx.
    // -e: the error log from the start, before the configuration is read.
    cmd.addAll(List.of(nginx.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
        "-c", dir.resolve("nginx.conf").toString()));
    return ChildProcess.program("nginx", new ProcessBuilder(cmd).directory(dir.toFile()), port,
        scratch.resolve("nginx.log"));
  }

  /**
   * The configuration: one process with room for the harness's largest scenarios (two
   * connections per stream), an access log as a deployment keeps one (sluice writes its request
   * log too), buffered as nginx's own documentation advises, the mock behind an upstream block
   * whose idle connections are kept.
   */
  static String config(int port, int mockPort, Path dir) {
    return """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;

        events {
          worker_connections 65536;
        }

        http {
          access_log %1$s/access.log combined buffer=64k flush=1s;
          client_body_temp_path %1$s/client_body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;

          keepalive_requests 1000000;
          keepalive_timeout 120s;

          upstream mock {
            server 127.0.0.1:%3$d;
            keepalive 20000;
            keepalive_requests 1000000;
            keepalive_timeout 120s;
          }

          server {
            listen 127.0.0.1:%2$d backlog=4096;
            location / {
              proxy_pass http://mock;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
              proxy_request_buffering off;
              proxy_read_timeout 300s;
            }
          }
        }
        """.formatted(dir.toAbsolutePath(), port, mockPort);
  }
}
