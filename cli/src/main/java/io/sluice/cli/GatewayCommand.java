package io.sluice.cli;

import io.sluice.gateway.Gateway;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayException;
import io.sluice.gateway.UpstreamKind;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import io.sluice.gateway.GatewayLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice gateway}: the streaming gateway until a signal stops it. Without {@code --config}
 * every model goes to an in-process simulated provider, so it works on a fresh machine with no key.
 *
 * <p>Signals (docs/deploying.md): SIGTERM drains with {@code server.drain.delay} and
 * {@code server.drain.timeout}, then exits 0; SIGINT (Ctrl-C) drains without the delay, and a
 * second one ends the streams still open at once; SIGHUP reloads the {@code --config} file.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
    description = {"Run the streaming gateway: OpenAI- and Anthropic-compatible front doors in "
        + "front of every LLM provider.",
        "Without --config, every model is routed to the built-in simulated provider."})
final class GatewayCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "sluice.yaml with routes, keys and limits; see docs/configuration.md.")
  Path config;

  @Option(names = "--port", paramLabel = "N",
      description = "The port to listen on (default: the config's, else 8080); 0 for any.")
  Integer port;

  @Option(names = "--watch", description = "Also reload the --config file when its content"
      + " changes (checked every second), as on SIGHUP.")
  boolean watch;

  @Override
  public Integer call() {
    Gateway.useFullBufferPool(); // before the simulated provider makes Netty's first buffer
    MockProvider mock = null;
    GatewayConfig cfg;
    try {
      if (config != null) {
        cfg = GatewayConfig.load(config);
      } else {
        mock = MockProvider.start(MockOptions.defaults());
        cfg = GatewayConfig.of(List.of(new GatewayConfig.Route("*", List.of(
            GatewayConfig.Target.of(UpstreamKind.SAME_AS_CLIENT, mock.baseUrl())))))
            .withPort(GatewayConfig.DEFAULT_PORT);
      }
      if (port != null) {
        cfg = cfg.withPort(port);
      }
    } catch (GatewayException | IllegalArgumentException e) {
      System.err.println("sluice gateway: " + e.getMessage()); // one line naming the setting
      return Main.EXIT_USAGE;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(cfg);
    } catch (GatewayException e) {
      System.err.println("sluice gateway: " + e.getMessage());
      if (mock != null) {
        mock.close();
      }
      return Main.EXIT_USAGE;
    }
    MockProvider started = mock;
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable drainAndStop = () -> {
      try {
        gateway.drain();
      } finally {
        if (started != null) {
          started.close();
        }
        stopped.countDown();
      }
    };
    // Another way out of the JVM (System.exit elsewhere, SIGQUIT): still close and flush.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (stopped.getCount() > 0) {
        gateway.close();
        if (started != null) {
          started.close();
        }
      }
    }, "sluice-gateway-shutdown"));
    Integer portOverride = port;
    UnaryOperator<GatewayConfig> adjust = c -> portOverride == null ? c : c.withPort(portOverride);
    Signals.on("TERM", () -> new Thread(drainAndStop, "sluice-gateway-drain").start());
    AtomicBoolean interrupted = new AtomicBoolean();
    Signals.on("INT", () -> {
      if (interrupted.getAndSet(true)) {
        System.err.println("sluice gateway: ending the streams still open");
        gateway.hurry();
        return;
      }
      System.err.println("sluice gateway: stopping; Ctrl-C again ends the streams still open");
      GatewayLimits l = gateway.config().limits();
      new Thread(() -> {
        try {
          gateway.drain(Duration.ZERO, l.drainTimeout()); // no load balancer to wait for
        } finally {
          if (started != null) {
            started.close();
          }
          stopped.countDown();
        }
      }, "sluice-gateway-drain").start();
    });
    Path file = config;
    boolean hangUp = Signals.on("HUP", () -> {
      if (file == null) {
        System.err.println("sluice gateway: SIGHUP, but there is no --config file to reload");
      } else {
        new Thread(() -> gateway.reloadFile(file, adjust), "sluice-gateway-reload").start();
      }
    });
    AutoCloseable watcher = null;
    if (watch && file != null) {
      watcher = gateway.watch(file, Duration.ofSeconds(1), adjust);
    }
    System.err.println(banner(gateway.host(), gateway.port(), gateway.loopbackOnly(),
        cfg.accessKeys().size()) + (file == null ? "" : hangUp
            ? "\nsluice gateway: SIGHUP reloads " + file
            : "\nsluice gateway: SIGHUP is ignored in this process (started under nohup?), so it"
                + " does not reload " + file + (watch ? "; --watch does" : "; --watch would")));
    String local = gateway.loopbackOnly() ? gateway.host() : "127.0.0.1";
    System.err.println("sluice gateway: dashboard: http://" + local + ":" + gateway.port()
        + "/dashboard" + (cfg.adminKeySha256().isEmpty() && !cfg.accessKeys().isEmpty()
            ? " (closed: set server.admin-key to open it)" : ""));
    if (mock != null) {
      System.err.println("sluice gateway: no --config, so every model goes to the simulated"
          + " provider at " + mock.baseUrl() + " (x-sluice-mock header: see docs/mock.md)");
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (Exception e) {
        System.err.println("sluice gateway: " + e.getMessage());
      }
    }
    return 0; // a drained gateway exits 0, SIGTERM included
  }

  /**
   * What the gateway bound, as it is: loopback only, or every interface (or one address) that
   * other machines can reach, and who it lets in.
   */
  static String banner(String host, int port, boolean loopbackOnly, int accessKeys) {
    String hostInUrl = host.contains(":") ? "[" + host + "]" : host;
    String where;
    String base;
    if (loopbackOnly) {
      where = "loopback only";
      base = "http://" + hostInUrl + ":" + port + "/v1";
    } else {
      where = host.equals("0.0.0.0") || host.equals("::") ? "all interfaces"
          : "reachable from other machines";
      base = "http://<this host>:" + port + "/v1";
    }
    String line = "sluice gateway listening on " + hostInUrl + ":" + port + " (" + where
        + "; OpenAI base URL " + base + "); Ctrl-C stops it";
    if (accessKeys > 0) {
      return line + "\nsluice gateway: " + accessKeys
          + " access key(s) configured; callers without one are refused";
    }
    if (loopbackOnly) {
      return line + "\nsluice gateway: no access keys configured, so it lets every local caller"
          + " in";
    }
    return line + "\nsluice gateway: WARNING: no access keys, and listening beyond loopback"
        + " (server.public-without-keys: true): anyone who can reach port " + port
        + " can use every upstream key";
  }
}
