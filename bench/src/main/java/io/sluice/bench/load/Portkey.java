package io.sluice.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Portkey's open-source gateway ({@code @portkey-ai/gateway} on npm), installed by the harness into
 * a scratch folder outside the repository and run headless on Node. {@code @hono/node-server} is
 * pinned to 1.13.5 through npm overrides: with later versions Portkey's streaming answers are 500s.
 */
final class Portkey {
  /** The version measured in BENCHMARKS.md; {@code --portkey-version} changes it. */
  static final String DEFAULT_VERSION = "1.15.2";

  private Portkey() {}

  /** The entry point, installing Portkey first if needed; empty, with a reason, without npm. */
  static Optional<Path> install(Path dir, String version, StringBuilder reason) {
    Path entry = dir.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
    Path installed = dir.resolve("node_modules/@portkey-ai/gateway/package.json");
    try {
      if (Files.exists(entry)
          && Files.readString(installed).contains("\"version\": \"" + version + "\"")) {
        return Optional.of(entry);
      }
    } catch (IOException e) {
      // Reinstall below.
    }
    if (!onPath("npm") || !onPath("node")) {
      reason.append("node and npm are not on the PATH");
      return Optional.empty();
    }
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("package.json"), """
          {
            "name": "sluice-portkey-scratch",
            "version": "1.0.0",
            "private": true,
            "overrides": { "@hono/node-server": "1.13.5" }
          }
          """);
      System.err.println("load: installing @portkey-ai/gateway@" + version + " into " + dir);
      Process p = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund",
          "@portkey-ai/gateway@" + version)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("npm-install.log").toFile())
          .start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        reason.append("npm install failed; see ").append(dir.resolve("npm-install.log"));
        return Optional.empty();
      }
    } catch (IOException e) {
      reason.append("npm install failed: ").append(e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reason.append("interrupted");
      return Optional.empty();
    }
    return Files.exists(entry) ? Optional.of(entry) : Optional.empty();
  }

  static ChildProcess start(Path entry, String cpus, Path log) {
    int port = freePort();
    List<String> cmd = ChildProcess.pinned(cpus);
    cmd.addAll(List.of("node", entry.toString(), "--headless", "--port=" + port));
    ProcessBuilder b = new ProcessBuilder(cmd)
        .directory(entry.getParent().toFile());
    // Production mode: no console UI; the same as a deployment would run.
    b.environment().put("NODE_ENV", "production");
    return ChildProcess.program("portkey", b, port, log);
  }

  /**
   * Headers that make Portkey call the simulated provider: its OpenAI provider (pass-through) or
   * its Anthropic provider (translated: the client speaks OpenAI Chat, the upstream Anthropic
   * Messages), at a custom host, forwarding the mock's pacing header, which Portkey drops otherwise.
   */
  static Map<String, String> headers(String mockBaseUrl, boolean translated) {
    return Map.of(
        "x-portkey-provider", translated ? "anthropic" : "openai",
        "x-portkey-custom-host", mockBaseUrl,
        "x-portkey-forward-headers", "x-sluice-mock",
        "authorization", "Bearer not-checked",
        "x-api-key", "not-checked");
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
