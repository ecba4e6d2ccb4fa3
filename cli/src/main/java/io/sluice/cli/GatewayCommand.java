package io.sluice.cli;

import io.sluice.gateway.Gateway;
import io.sluice.gateway.GatewayConfig;
import io.sluice.gateway.GatewayException;
import io.sluice.gateway.UpstreamKind;
import io.sluice.mock.MockOptions;
import io.sluice.mock.MockProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice gateway}: the streaming gateway until Ctrl-C. Without {@code --config} every model
 * goes to an in-process simulated provider, so it works on a fresh machine with no key.
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

  @Override
  public Integer call() {
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
    } catch (GatewayException e) {
      System.err.println("sluice gateway: " + e.getMessage());
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
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      gateway.close();
      if (started != null) {
        started.close();
      }
      stopped.countDown();
    }, "sluice-gateway-shutdown"));
    System.err.println("sluice gateway listening on http://" + gateway.host() + ":"
        + gateway.port() + " (OpenAI base URL http://" + gateway.host() + ":" + gateway.port()
        + "/v1); Ctrl-C stops it");
    String local = gateway.host().equals("0.0.0.0") ? "127.0.0.1" : gateway.host();
    System.err.println("sluice gateway: dashboard: http://" + local + ":" + gateway.port()
        + "/dashboard" + (cfg.adminKeySha256().isEmpty() && !cfg.accessKeys().isEmpty()
            ? " (closed: set server.admin-key to open it)" : ""));
    if (cfg.accessKeys().isEmpty()) {
      System.err.println("sluice gateway: no access keys configured, so it listens on loopback"
          + " only and lets every local caller in");
    }
    if (mock != null) {
      System.err.println("sluice gateway: no --config, so every model goes to the simulated"
          + " provider at " + mock.baseUrl() + " (x-sluice-mock header: see docs/mock.md)");
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
